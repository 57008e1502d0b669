package accounts

import (
	"errors"
	"slices"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// userEventSeqs is every event of the audit trail about userID, newest
// first, read from the chain itself.
func userEventSeqs(t *testing.T, s *Service, userID uint64) []uint64 {
	t.Helper()
	var seqs []uint64
	for _, e := range events(t, s) {
		if e.TargetID == userID {
			seqs = append(seqs, e.Seq)
		}
	}
	slices.Reverse(seqs)
	return seqs
}

// auditSeqs pages through Audit for userID, limit events at a time.
func auditSeqs(t *testing.T, s *Service, userID uint64, limit int) []uint64 {
	t.Helper()
	var seqs []uint64
	before := uint64(0)
	for {
		page, err := s.Audit(AuditQuery{UserID: userID, Before: before, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			if e.TargetID != userID {
				t.Fatalf("event %d of user %d listed for user %d", e.Seq, e.TargetID, userID)
			}
			seqs = append(seqs, e.Seq)
		}
		if len(page) < limit {
			return seqs
		}
		before = page[len(page)-1].Seq
	}
}

// R29: a user's events are listed beside their record, so the unlock that
// rewrites the record writes its event's listing in the same page; the user
// pane lists them newest first, in pages, and nothing that reads the users
// (lists, totals, the check) mistakes a listing for a user.
func TestUserEventsBesideRecord(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Beside Clinic", 5)
	_ = failLogins(t, s, owner.Email, 5)
	if _, err := s.Unlock(Operator("ann"), owner.ID, Request{Reason: "called", VerifiedBy: "call-back"}); err != nil {
		t.Fatal(err)
	}
	want := userEventSeqs(t, s, owner.ID)
	if len(want) < 7 {
		t.Fatalf("only %d events about the owner", len(want))
	}
	for _, limit := range []int{1, 2, 3, 100} {
		if got := auditSeqs(t, s, owner.ID, limit); !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want %v", limit, got, want)
		}
	}
	err := s.db.View(func(tx *store.Tx) error {
		if _, err := tx.GetRaw(usersBucketOf(owner.ID), userEventKey(owner.ID, want[0])); err != nil {
			t.Errorf("the unlock's event is not beside the record: %v", err)
		}
		return tx.Scan(legacyAuditUser, nil, nil, false, func(k, _ []byte) (bool, error) {
			t.Errorf("a new file writes the old index: %x", k)
			return false, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.UserVersion(owner.ID); err != nil || v != want[0] {
		t.Errorf("version %d (%v), want %d", v, err, want[0])
	}
	rows, err := s.Users(UserQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].User.ID != owner.ID || rows[0].User.PracticeID != p.ID {
		t.Errorf("users listed: %+v", rows)
	}
	if st, _ := s.Stats(); st.Users != 1 {
		t.Errorf("totals count %d users", st.Users)
	}
}

// R29, R35: a file from schema 2 keeps its older events in ix_audit_user;
// opened by this Latchkey it is migrated to schema 3 without moving them,
// and a user's events (the user pane, the version a form keeps, the stale
// form's list of changes) are the old ones and the new ones together, in
// order.
func TestUserEventsOfMigratedFile(t *testing.T) {
	target := storetest.Target(t, "old.db")
	s, err := Open(target, NewFakeClock(testEpoch), cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	_, owner, _ := practiceWith(t, s, "Old Layout Clinic", 5)
	_ = failLogins(t, s, owner.Email, 5)
	before, _ := s.UserVersion(owner.ID)
	if _, err := s.Unlock(Operator("bob"), owner.ID, Request{Reason: "called", VerifiedBy: "call-back"}); err != nil {
		t.Fatal(err)
	}
	// Move the listings to where schema 2 kept them.
	err = s.db.Update(func(tx *store.Tx) error {
		var keys [][]byte
		if err := scanUsers(tx, 0, func(k, _ []byte) (bool, error) {
			if !isUserKey(k) {
				keys = append(keys, slices.Clone(k))
			}
			return true, nil
		}); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(usersBucketOf(store.ParseU64(k[:8])), k); err != nil {
				return err
			}
			if err := tx.PutRaw(legacyAuditUser, k, nil); err != nil {
				return err
			}
		}
		return tx.PutRaw(store.MetaBucket, []byte("schema_version"), []byte("2"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(target, NewFakeClock(testEpoch), cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.legacyEvents {
		t.Fatal("the migrated file's old index is not read")
	}
	err = s.db.View(func(tx *store.Tx) error {
		v, err := store.SchemaVersion(tx)
		if err == nil && v != schemaVersion {
			t.Errorf("schema %d after opening, want %d", v, schemaVersion)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// New events go beside the record; the old ones are still found.
	_ = failLogins(t, s, owner.Email, 5)
	want := userEventSeqs(t, s, owner.ID)
	for _, limit := range []int{1, 4, 100} {
		if got := auditSeqs(t, s, owner.ID, limit); !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v, want %v", limit, got, want)
		}
	}
	if err := s.Check(); err != nil {
		t.Errorf("check of the migrated file: %v", err) // R29: both listings are the trail's
	}
	if v, _ := s.UserVersion(owner.ID); v != want[0] {
		t.Errorf("version %d, want %d", v, want[0])
	}
	// A form opened before bob's unlock (kept in the old index) is stale,
	// and its changes are bob's unlock and the lock that followed.
	_, err = s.Unlock(Operator("alice"), owner.ID, Request{Reason: "r", VerifiedBy: "v", Version: before})
	var stale *StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("stale form across the old index: %v", err)
	}
	var actions []string
	for _, e := range stale.Changes {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{ActAccountUnlocked, ActAccountLocked}) {
		t.Errorf("changes %v", actions)
	}
	if err := s.Check(); err != nil {
		t.Errorf("check of the migrated file: %v", err)
	}
}
