package accounts

import (
	"strings"

	"latchkey/store"
)

// migrations bring an older file up to schemaVersion (store.EnsureSchema).
var migrations = []store.Migration{
	{From: 1, Run: reindexSearch},
	{From: 2, Run: keepLegacyEvents},
	{From: 3, Run: startAuditTail},
	{From: 4, Run: markUserSplit}, // then splitUsers, as New opens the file
	{From: 5, Run: reindexShownDomains},
}

// reindexShownDomains (schema 5 to 6) indexes again the users whose login
// email has an international domain: its words are now read from the
// address as shown (bücher.example), no longer from its ASCII form
// (xn--bcher-kva.example), whose "xn", "bcher" and "kva" an operator never
// sees. Only a user with the word "xn" can change, so only those are read:
// a few, found in one short range of the word index.
func reindexShownDomains(tx *store.Tx) error {
	prefix := []byte{kindOther, 'x', 'n', 0}
	var ids []uint64
	err := tx.Scan(ixUserWords, prefix, nil, false, func(k, _ []byte) (bool, error) {
		ids = append(ids, store.ParseU64(k[len(k)-8:]))
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		raw, err := tx.GetRaw(ixUserDocs, store.U64(id))
		if err != nil {
			return err
		}
		practice, name, other := splitDoc(raw)
		old := searchDoc{practice: practice, name: strings.Fields(string(name)), other: strings.Fields(string(other))}
		u, err := getUser(tx, id)
		if IsNotFound(err) { // a file older than schema 5: not yet in its shard
			if raw, err = tx.GetRaw(bUsers, store.U64(id)); err == nil {
				u, err = decodeUser(raw)
			}
		}
		if err != nil {
			return err
		}
		if err := userSpace.index(tx, id, &old, userDoc(u)); err != nil {
			return err
		}
	}
	return nil
}

// startAuditTail (schema 3 to 4) moves nothing: an older file has no audit
// tail, and the next event starts one. The version moves so that an older
// Latchkey, which would not read the tail, refuses the file.
func startAuditTail(*store.Tx) error { return nil }

// keepLegacyEvents (schema 2 to 3) moves nothing: the events already in
// ix_audit_user stay there and are read after those listed beside each
// user's record (userevents.go). Moving a million keys would rewrite every
// page of the users tree in one transaction as the file opens; new events
// go beside the records from now on.
func keepLegacyEvents(*store.Tx) error { return nil }

// reindexSearch (schema 1 to 2) rebuilds the search indexes with folded
// words and docs (search.go): the old word index kept unfolded words and no
// docs.
func reindexSearch(tx *store.Tx) error {
	for _, b := range []store.Bucket{"ix_search", "ix_patient_search", ixPracticeName, ixUserWords, ixUserDocs, ixPatientWords, ixPatientDocs} {
		if err := tx.DropBucket(b); err != nil {
			return err
		}
	}
	err := tx.Scan(bPractices, nil, nil, false, func(_, v []byte) (bool, error) {
		p, err := decode[Practice](v)
		if err != nil {
			return false, err
		}
		for _, w := range nameWords(p.Name) {
			if err := tx.PutRaw(ixPracticeName, searchKey(w, p.ID), nil); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	err = tx.Scan(bUsers, nil, nil, false, func(k, v []byte) (bool, error) {
		if !isUserKey(k) {
			return true, nil
		}
		u, err := decode[User](v)
		if err != nil {
			return false, err
		}
		return true, userSpace.index(tx, u.ID, nil, userDoc(u))
	})
	if err != nil {
		return err
	}
	return tx.Scan(bPatients, nil, nil, false, func(_, v []byte) (bool, error) {
		p, err := decode[Patient](v)
		if err != nil {
			return false, err
		}
		return true, patientSpace.index(tx, p.ID, nil, patientDoc(p))
	})
}
