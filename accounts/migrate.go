package accounts

import "latchkey/store"

// migrations bring an older file up to schemaVersion (store.EnsureSchema).
var migrations = []store.Migration{
	{From: 1, Run: reindexSearch},
	{From: 2, Run: keepLegacyEvents},
	{From: 3, Run: startAuditTail},
	{From: 4, Run: markUserSplit}, // then splitUsers, as New opens the file
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
