package accounts

import (
	"bytes"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// R1, R44: check counts each user as the service reads them. A record
// edited to carry a second status under another spelling ("Status", which
// encoding/json reads last, into the same field) makes an active owner
// inactive to the service without freeing the license; check must see
// that the counts no longer match, not read the first spelling.
func TestCheckCountsUsersAsTheServiceReadsThem(t *testing.T) {
	for name, extra := range map[string]string{
		"another case": `,"Status":"inactive"`,
		"an escape":    `,"st\u0061tus":"inactive"`,
	} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(storetest.Target(t, "t.db"), NewFakeClock(testEpoch), cheapConfig())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, owner, _ := practiceWith(t, s, "Tamper Clinic", 3)
			if err := s.Check(); err != nil {
				t.Fatalf("untouched: %v", err)
			}
			err = s.db.Update(func(tx *store.Tx) error {
				raw, err := tx.GetRaw(usersBucketOf(owner.ID), store.U64(owner.ID))
				if err != nil {
					return err
				}
				edited := append(bytes.Clone(raw[:len(raw)-1]), extra+"}"...)
				return tx.PutRaw(usersBucketOf(owner.ID), store.U64(owner.ID), edited)
			})
			if err != nil {
				t.Fatal(err)
			}
			var read User
			if err := s.db.View(func(tx *store.Tx) (err error) { read, err = getUser(tx, owner.ID); return err }); err != nil {
				t.Fatal(err)
			}
			if read.Status != StatusInactive {
				t.Fatalf("the service reads the edited owner as %q", read.Status)
			}
			if err := s.Check(); err == nil {
				t.Fatal("check passed a user the service reads as inactive while their license is counted in use")
			}
		})
	}
}
