package accounts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"latchkey/store"
)

// verifyRecords is what check and a copy prove of the records beyond the
// chain: the totals (verifyTotals) and that every user's listing of their
// events is the trail's (checkevents.go).
func verifyRecords(tx *store.Tx) error {
	ev, err := readEventUsers(tx)
	if err != nil {
		return err
	}
	if err := verifyTotals(tx, ev); err != nil {
		return err
	}
	if err := ev.listLegacy(tx); err != nil {
		return err
	}
	return ev.unlisted()
}

// verifyTotals recomputes the running totals and every practice's count of
// licenses in use from the records themselves, and names the first that
// does not match (R1, R44: `check` proves the counts on either engine). The
// users' event keys it passes on to ev, as it reads them.
func verifyTotals(tx *store.Tx, ev *eventUsers) error {
	var want Stats
	inUse := map[uint64]int{}
	kept, _ := (&txn{tx: tx}).stats() // only to say how far the count has come
	tell := func() {
		tx.Report(store.Progress{Phase: "counting the totals", Step: store.StepTotals,
			Done: int64(want.Users), Total: int64(kept.Users), Unit: "users"})
	}
	tell()
	err := scanUserBuckets(tx, func(k, v []byte) (bool, error) {
		if !isUserKey(k) {
			// An event's key beside its user (userevents.go).
			return true, ev.list(usersBucketOf(store.ParseU64(k)), k)
		}
		if want.Users%16384 == 0 {
			tell()
		}
		// Only what the totals count: decoding the rest of every user
		// (credentials, MFA) was most of a check's time at a million users.
		u, err := decodeUserTotals(v)
		if err != nil {
			return false, err
		}
		want.Users++
		countStatus(&want, u.Status, +1)
		if u.Locked() {
			want.Locked++
		}
		if u.Status != StatusInactive {
			inUse[u.PracticeID]++
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	err = tx.Scan(bPractices, nil, nil, false, func(_, v []byte) (bool, error) {
		var p Practice
		if err := json.Unmarshal(v, &p); err != nil {
			return false, err
		}
		if p.InUse != inUse[p.ID] {
			return false, fmt.Errorf("totals: practice #%d (%s) records %d licenses in use, its users hold %d", p.ID, p.Name, p.InUse, inUse[p.ID])
		}
		if p.InUse > p.Purchased {
			return false, fmt.Errorf("totals: practice #%d (%s) uses %d of %d licenses (R1)", p.ID, p.Name, p.InUse, p.Purchased)
		}
		want.Practices++
		want.Purchased += p.Purchased
		want.InUse += p.InUse
		if p.AtCapacity() {
			want.AtCap++
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	have, err := (&txn{tx: tx}).stats()
	if err != nil {
		return err
	}
	if have != want {
		return fmt.Errorf("totals: the running totals %+v do not match the records %+v", have, want)
	}
	return nil
}

// userTotals is the part of a User the running totals count.
type userTotals struct {
	PracticeID  uint64    `json:"practice_id"`
	Status      Status    `json:"status"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

func (u userTotals) Locked() bool { return !u.LockedUntil.IsZero() }

// decodeUserTotals reads the fields userTotals needs from a user record: in
// one pass when it is spelled as the encoder writes it (fastUserTotals),
// else by walking its top-level keys and checking every other value without
// decoding it; a record it cannot walk so, or a member encoding/json would
// read into one of the three under another spelling ("Status", an escape),
// is decoded as JSON: check must count what the service reads (R1, R44).
func decodeUserTotals(v []byte) (userTotals, error) {
	if u, ok := fastUserTotals(v); ok {
		return u, nil
	}
	var u userTotals
	end, ok := walkObject(v, func(key, value []byte) bool {
		if ok, known := u.readMember(key, value); known {
			return ok
		}
		return plainKey(key) && plainValue(value, 0)
	})
	if !ok || skipSpace(v, end) != len(v) {
		u = userTotals{}
		err := json.Unmarshal(v, &u)
		return u, err
	}
	return u, nil
}

// readMember reads value into the total named key, if it is one of the
// three (known); ok says the value was spelled as the encoder writes it.
func (u *userTotals) readMember(key, value []byte) (ok, known bool) {
	switch string(key) {
	case "practice_id":
		u.PracticeID, ok = jsonUint(value)
	case "status":
		u.Status, ok = plainStatus(value)
	case "locked_until":
		ok = plainTime(value, &u.LockedUntil)
	default:
		return false, false
	}
	return ok, true
}

// plainKey is a member name in ASCII with nothing to unescape that
// encoding/json would not match, ignoring case, to a member the totals
// read (the names the encoder writes are such).
func plainKey(k []byte) bool {
	for _, c := range k {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return false
		}
	}
	switch len(k) {
	case len("status"), len("practice_id"), len("locked_until"):
		return !bytes.EqualFold(k, []byte("practice_id")) && !bytes.EqualFold(k, []byte("status")) &&
			!bytes.EqualFold(k, []byte("locked_until"))
	}
	return true
}

// plainValue reports whether v is a JSON value encoding/json would accept:
// a string with nothing to unescape, an integer, a literal, or an object of
// such values (a few levels deep); anything else is left to encoding/json.
func plainValue(v []byte, depth int) bool {
	if len(v) == 0 {
		return false
	}
	switch v[0] {
	case '"':
		return len(v) >= 2 && v[len(v)-1] == '"' && plainText(v[1:len(v)-1])
	case '{':
		if depth >= 4 {
			return false
		}
		end, ok := walkObject(v, func(k, w []byte) bool { return plainText(k) && plainValue(w, depth+1) })
		return ok && end == len(v)
	case 't', 'f', 'n':
		return string(v) == "true" || string(v) == "false" || string(v) == "null"
	}
	var n int
	return plainInt(v, &n)
}

// plainText reports whether a string's text between its quotes is one
// encoding/json accepts with nothing to unescape: no control character, no
// escape (those are left to it). It takes any other bytes, bad UTF-8 too
// (it replaces them), and the totals read no text.
func plainText(in []byte) bool {
	for _, c := range in {
		if c < 0x20 || c == '\\' {
			return false
		}
	}
	return true
}

// walkTopLevel calls fn with each key (unquoted, as stored) and raw value of
// the JSON object v; it reports false if v is not an object it can walk or
// fn returns false.
func walkTopLevel(v []byte, fn func(key, value []byte) bool) bool {
	_, ok := walkObject(v, fn)
	return ok
}

// walkObject is walkTopLevel, also saying where the object ends (the index
// after its closing brace).
func walkObject(v []byte, fn func(key, value []byte) bool) (int, bool) {
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return 0, false
	}
	i = skipSpace(v, i+1)
	if i < len(v) && v[i] == '}' {
		return i + 1, true
	}
	for i < len(v) {
		if v[i] != '"' {
			return 0, false
		}
		end := skipString(v, i)
		if end < 0 {
			return 0, false
		}
		key := v[i+1 : end-1]
		i = skipSpace(v, end)
		if i >= len(v) || v[i] != ':' {
			return 0, false
		}
		start := skipSpace(v, i+1)
		stop := skipValue(v, start)
		if stop < 0 || !fn(key, v[start:stop]) {
			return 0, false
		}
		i = skipSpace(v, stop)
		if i >= len(v) {
			return 0, false
		}
		if v[i] == '}' {
			return i + 1, true
		}
		if v[i] != ',' {
			return 0, false
		}
		i = skipSpace(v, i+1)
	}
	return 0, false
}

func skipSpace(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at v[i] ('"'), or
// -1. It jumps from quote to quote (bytes.IndexByte is vectorised): a quote
// ends the string unless an odd run of backslashes escapes it.
func skipString(v []byte, i int) int {
	for j := i + 1; j < len(v); j++ {
		k := bytes.IndexByte(v[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		escapes := 0
		for b := j - 1; b > i && v[b] == '\\'; b-- {
			escapes++
		}
		if escapes%2 == 0 {
			return j + 1
		}
	}
	return -1
}

// plainUint reads a JSON number made of digits only (what the encoder
// writes for an id) without the reflection of json.Unmarshal.
func plainUint(v []byte) (uint64, bool) {
	if len(v) == 0 || len(v) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// plainStatus reads a status the encoder wrote as a plain quoted word; any
// other spelling (an escape, an unknown status) is left to json.Unmarshal.
func plainStatus(v []byte) (Status, bool) {
	switch string(v) {
	case `"active"`:
		return StatusActive, true
	case `"pending"`:
		return StatusPending, true
	case `"inactive"`:
		return StatusInactive, true
	}
	return "", false
}

// skipValue returns the index after the value starting at v[i], or -1.
func skipValue(v []byte, i int) int {
	if i >= len(v) {
		return -1
	}
	switch v[i] {
	case '"':
		return skipString(v, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(v); j++ {
			switch v[j] {
			case '"':
				end := skipString(v, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(v) && v[j] != ',' && v[j] != '}' && v[j] != ']' && v[j] != ' ' && v[j] != '\n' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
