package accounts

import (
	"bytes"
	"encoding/json"
	"fmt"

	"latchkey/store"
)

// The desk reads a user's history, their recent resets and the risk of a
// call about them (R41, R42) from the listing of their events beside their
// record (userevents.go), never from the trail itself. So check proves the
// listing is the trail's (R29): every event about a user listed under that
// user exactly once, and nothing listed that the trail does not say is
// about them. A key planted in a user's listing, or one deleted from it,
// changes what the desk shows and how it weighs a caller while the chain
// still verifies.

// eventUsers is the user each audit event is about (0: none), by number,
// and which of them a listing has named so far.
type eventUsers struct {
	user   []uint64 // by seq; user[0] unused
	listed []uint64 // a bit per seq
}

// readEventUsers reads every event's user from the trail (the payloads in
// place, each read only as far as its members; see eventTargetID). The
// table grows as the entries come, never sized from the chain's head: a
// damaged head must be reported, not allocated.
func readEventUsers(tx *store.Tx) (*eventUsers, error) {
	ev := &eventUsers{user: []uint64{0}}
	err := auditChain.ScanData(tx, func(seq uint64, data []byte) (bool, error) {
		if seq != uint64(len(ev.user)) {
			return false, fmt.Errorf("audit: event %d where event %d was due", seq, len(ev.user))
		}
		id, err := eventTargetID(data)
		if err != nil {
			return false, fmt.Errorf("audit: event %d does not decode: %v", seq, err)
		}
		ev.user = append(ev.user, id)
		return true, nil
	})
	ev.listed = make([]uint64, len(ev.user)/64+1)
	return ev, err
}

// list takes key, a key of a listing in bucket b (userID|seq), and names
// what does not match the trail.
func (ev *eventUsers) list(b store.Bucket, key []byte) error {
	if len(key) != 16 {
		return fmt.Errorf("audit: key %x in %s is neither a user nor one of their events", key, b)
	}
	user, seq := store.ParseU64(key), store.ParseU64(key[8:])
	if seq == 0 || seq >= uint64(len(ev.user)) {
		return fmt.Errorf("audit: user #%d lists event %d in %s, which the trail does not hold", user, seq, b)
	}
	switch about := ev.user[seq]; about {
	case user:
	case 0:
		return fmt.Errorf("audit: user #%d lists event %d in %s, which is about no user", user, seq, b)
	default:
		return fmt.Errorf("audit: user #%d lists event %d in %s, which is about user #%d", user, seq, b, about)
	}
	word, bit := seq/64, uint64(1)<<(seq%64)
	if ev.listed[word]&bit != 0 {
		return fmt.Errorf("audit: event %d is listed twice for user #%d (again in %s)", seq, user, b)
	}
	ev.listed[word] |= bit
	return nil
}

// unlisted names the first event about a user that no listing holds.
func (ev *eventUsers) unlisted() error {
	for seq := uint64(1); seq < uint64(len(ev.user)); seq++ {
		if ev.user[seq] != 0 && ev.listed[seq/64]&(1<<(seq%64)) == 0 {
			return fmt.Errorf("audit: event %d is about user #%d but missing from their listing", seq, ev.user[seq])
		}
	}
	return nil
}

// listLegacy takes the listings a file keeps from its schema 1 and 2 days
// (legacyAuditUser).
func (ev *eventUsers) listLegacy(tx *store.Tx) error {
	return tx.Scan(legacyAuditUser, nil, nil, false, func(k, _ []byte) (bool, error) {
		return true, ev.list(legacyAuditUser, k)
	})
}

// eventTargetID is the target_id of an event's JSON as decodeEvent reads
// it: read from its members when they are spelled as the encoder writes
// an event (flatTargetID), else walked (walkObject: an event whose text
// holds an escape), else decoded whole by encoding/json — which matches
// names ignoring case and takes the last of two — so a member spelled any
// other way ("Target_ID", an escape, a second one) reads as the service
// reads it.
func eventTargetID(data []byte) (uint64, error) {
	if id, ok := flatTargetID(data); ok {
		return id, nil
	}
	var id uint64
	found := false
	end, ok := walkObject(data, func(key, value []byte) bool {
		if string(key) == "target_id" {
			var ok bool
			id, ok = jsonUint(value)
			ok = ok && !found
			found = true
			return ok
		}
		return plainEventKey(key)
	})
	if ok && skipSpace(data, end) == len(data) {
		return id, nil
	}
	var e Event
	err := json.Unmarshal(data, &e)
	return e.TargetID, err
}

// flatTargetID reads target_id from an event spelled as Event.AppendJSON
// writes it: one object with none inside it and no escape anywhere (so
// every quote opens or closes a string, and every member is the event's
// own); anything else it declines. It looks only at the quoted words of
// nine bytes with an underscore as their seventh, found with
// bytes.IndexByte: one of them is target_id, and one spelled in another
// case would be read by encoding/json as target_id too (then it
// declines). A check reads 1.4 million events; a walk of every member cost
// three times as much.
func flatTargetID(data []byte) (id uint64, ok bool) {
	n := len(data)
	if n < 2 || data[0] != '{' || data[n-1] != '}' || bytes.IndexByte(data, '\\') >= 0 || bytes.IndexByte(data[1:], '{') >= 0 {
		return 0, false
	}
	found := false
	for i := 0; ; {
		u := bytes.IndexByte(data[i:], '_')
		if u < 0 {
			return id, true
		}
		u += i
		i = u + 1
		if u < 7 || u+3 >= n || data[u-7] != '"' || data[u+3] != '"' {
			continue
		}
		word := data[u-6 : u+3]
		if !bytes.EqualFold(word, []byte("target_id")) {
			continue
		}
		if string(word) != "target_id" || found || u+4 >= n || data[u+4] != ':' {
			return 0, false // another spelling, a second one, or not a name
		}
		end := u + 5
		for end < n && data[end] >= '0' && data[end] <= '9' {
			end++
		}
		if id, ok = jsonUint(data[u+5 : end]); !ok || end >= n || (data[end] != ',' && data[end] != '}') {
			return 0, false
		}
		found = true
	}
}

// plainEventKey is a member name that encoding/json could not read into
// target_id: ASCII with nothing to unescape, and not target_id under
// another case.
func plainEventKey(k []byte) bool {
	for _, c := range k {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return false
		}
	}
	return len(k) != len("target_id") || !bytes.EqualFold(k, []byte("target_id"))
}
