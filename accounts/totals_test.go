package accounts

import (
	"strings"
	"testing"

	"latchkey/store"
)

// R1, R44: check recomputes the running totals and each practice's
// licenses in use from the records, on either engine, and names a mismatch.
func TestCheckVerifiesTotals(t *testing.T) {
	s, _ := newTestDemo(t, 3)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	var p Practice
	if err := s.db.Update(func(tx *store.Tx) error {
		var err error
		if p, err = getPractice(tx, 1); err != nil {
			return err
		}
		p.InUse--
		return store.Put(tx, bPractices, store.U64(1), p)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "practice #1") {
		t.Fatalf("a practice's count off by one: %v", err)
	}
	p.InUse++
	_ = s.db.Update(func(tx *store.Tx) error { return store.Put(tx, bPractices, store.U64(1), p) })
	if err := s.db.Update(func(tx *store.Tx) error {
		st, err := (&txn{tx: tx}).stats()
		if err != nil {
			return err
		}
		st.Locked++
		return store.Put(tx, store.MetaBucket, keyStats, st)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "running totals") {
		t.Fatalf("a total off by one: %v", err)
	}
	// Put it back, so the check after the test passes.
	_ = s.db.Update(func(tx *store.Tx) error {
		st, _ := (&txn{tx: tx}).stats()
		st.Locked--
		return store.Put(tx, store.MetaBucket, keyStats, st)
	})
}
