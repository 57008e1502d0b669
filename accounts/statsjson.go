package accounts

import (
	"encoding/json"

	"latchkey/internal/jsonenc"
)

// The running totals are read and written by every action that changes a
// user (an unlock: Locked goes down): they encode and decode themselves, the
// very bytes of encoding/json, without its reflection. Anything the
// encoder would not have written (a negative count, an unknown member,
// spaces) is left to encoding/json. TestStatsJSONAsEncodingJSON compares.

// statsFields are the members of Stats in the order encoding/json writes
// them (the struct's order) with their names.
func (st *Stats) fields() [9]struct {
	name string
	n    *int
} {
	return [9]struct {
		name string
		n    *int
	}{{"practices", &st.Practices}, {"users", &st.Users}, {"pending", &st.Pending}, {"active", &st.Active},
		{"inactive", &st.Inactive}, {"purchased", &st.Purchased}, {"in_use", &st.InUse}, {"locked", &st.Locked},
		{"at_capacity", &st.AtCap}}
}

// AppendJSON appends the totals as encoding/json writes them.
func (st *Stats) AppendJSON(b []byte) ([]byte, bool) {
	b = append(b, '{')
	for i, f := range st.fields() {
		b = jsonenc.Int(jsonenc.Key(b, f.name, i == 0), int64(*f.n))
	}
	return append(b, '}'), true
}

// decodeStats reads totals as AppendJSON writes them, or else through
// encoding/json.
func decodeStats(v []byte) (Stats, error) {
	var st Stats
	fields := st.fields()
	end, ok := walkObject(v, func(key, value []byte) bool {
		for _, f := range fields {
			if f.name == string(key) {
				n, ok := jsonUint(value)
				*f.n = int(n)
				return ok && n <= 1<<53
			}
		}
		return false
	})
	if ok && skipSpace(v, end) == len(v) {
		return st, nil
	}
	st = Stats{}
	err := json.Unmarshal(v, &st)
	return st, err
}
