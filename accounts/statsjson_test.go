package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// R1, R44: the running totals every change keeps are written as the very
// bytes encoding/json writes, and read back as encoding/json reads them,
// whatever their values, and whatever spelling (spaces, members in another
// order, unknown members) a file holds.
func TestStatsJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := func() int {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return -rng.IntN(10) // a count gone wrong is still read as written
		}
		return rng.IntN(1 << rng.IntN(40))
	}
	for range 5000 {
		st := Stats{Practices: n(), Users: n(), Pending: n(), Active: n(), Inactive: n(), Purchased: n(), InUse: n(), Locked: n(), AtCap: n()}
		want, _ := json.Marshal(st)
		got, ok := st.AppendJSON(nil)
		if !ok || string(got) != string(want) {
			t.Fatalf("%+v: by hand %s, encoding/json %s", st, got, want)
		}
		back, err := decodeStats(got)
		if err != nil || back != st {
			t.Fatalf("%s read back as %+v (%v)", got, back, err)
		}
	}
	for _, raw := range []string{
		`{}`, ` { "users" : 3 , "locked":1 } `, `{"locked":2,"users":5}`, `{"users":4,"extra":"x"}`,
		`{"users":1e2}`, `{"users":"7"}`, `{"users":3,"users":4}`, `not json`, `{"users":99999999999999999999}`,
	} {
		var want Stats
		werr := json.Unmarshal([]byte(raw), &want)
		got, err := decodeStats([]byte(raw))
		if (err != nil) != (werr != nil) || (err == nil && got != want) {
			t.Errorf("%s: %+v (%v), encoding/json %+v (%v)", raw, got, err, want, werr)
		}
	}
}
