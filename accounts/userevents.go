package accounts

import (
	"errors"
	"time"

	"latchkey/store"
)

// The audit events about a user are listed beside the user's record: the
// users bucket holds, after the record's key (the user's id), one key per
// event, id|seq, with no value. An action that changes a user writes the
// record and appends the event's key in the same leaf page, so a commit
// rewrites one path of the users tree where a separate index cost another
// three pages (issue 14 item 5). Readers of the users bucket skip these
// keys (isUserKey).
//
// Files from before schema 3 keep the keys of their older events in
// legacyAuditUser (userID|seq), which is only read: every event there is
// older than any beside the records, so a user's events newest first are
// those beside the record, then those of the old index.

// legacyAuditUser is the per-user event index of schema 1 and 2 files.
const legacyAuditUser store.Bucket = "ix_audit_user"

// userEventKey is the key of event seq about user userID in the users bucket.
func userEventKey(userID, seq uint64) []byte {
	return u64Pair(userID, seq)
}

// isUserKey reports whether a key of the users bucket is a user's record
// (not one of the event keys that follow it).
func isUserKey(k []byte) bool { return len(k) == 8 }

// errStopEvents ends a walk of a user's events early.
var errStopEvents = errors.New("stop")

// userEvents visits the numbers of the audit events about userID, newest
// first, from the newest older than before (0: the newest of all), until fn
// returns false. legacy says the file keeps older events in
// legacyAuditUser (Service.legacyEvents).
func userEvents(tx *store.Tx, legacy bool, userID, before uint64, fn func(seq uint64) (bool, error)) error {
	if before == 1 {
		return nil
	}
	prefix := store.U64(userID)
	var start []byte
	if before > 0 {
		start = userEventKey(userID, before-1)
	}
	visit := func(k, _ []byte) (bool, error) {
		if len(k) != 16 {
			return false, nil // the user's record: every event is behind
		}
		more, err := fn(store.ParseU64(k[8:]))
		if err == nil && !more {
			err = errStopEvents
		}
		return more, err
	}
	err := tx.Scan(usersBucketOf(userID), prefix, start, true, visit)
	if err == nil && legacy {
		err = tx.Scan(legacyAuditUser, prefix, start, true, visit)
	}
	if errors.Is(err, errStopEvents) {
		err = nil
	}
	return err
}

// recentUserEvents visits the events about userID no older than since,
// newest first, decoded, while fn says go on: the one reading behind the
// checks that look back over a window (risk signals, the watch list, an
// approver's fresh role or address).
func recentUserEvents(tx *store.Tx, legacy bool, userID uint64, since time.Time, fn func(Event) (bool, error)) error {
	return userEvents(tx, legacy, userID, 0, func(seq uint64) (bool, error) {
		en, err := auditChain.Get(tx, seq)
		if err != nil {
			return false, err
		}
		e, err := decodeEvent(en)
		if err != nil || e.Time.Before(since) {
			return false, err
		}
		return fn(e)
	})
}

// userEventsSince is the numbers of the events about userID newer than
// after, oldest first.
func userEventsSince(tx *store.Tx, legacy bool, userID, after uint64) ([]uint64, error) {
	var seqs []uint64
	err := userEvents(tx, legacy, userID, 0, func(seq uint64) (bool, error) {
		if seq <= after {
			return false, nil
		}
		seqs = append(seqs, seq)
		return true, nil
	})
	for i, j := 0, len(seqs)-1; i < j; i, j = i+1, j-1 {
		seqs[i], seqs[j] = seqs[j], seqs[i]
	}
	return seqs, err
}

// hasLegacyEvents reports whether the file keeps events in the index of
// schema 1 and 2 (a file migrated from one), read once as it opens.
func hasLegacyEvents(db *store.DB) (bool, error) {
	found := false
	err := db.View(func(tx *store.Tx) error {
		return tx.Scan(legacyAuditUser, nil, nil, false, func([]byte, []byte) (bool, error) {
			found = true
			return false, nil
		})
	})
	return found, err
}
