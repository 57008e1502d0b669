package accounts

import (
	"encoding/json"
	"strings"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// R29, R41, R42: the desk weighs a caller by the listing of the user's
// events (a recent reset or unlock raises the risk and can call for a
// second operator), so check proves every listing is the trail's. A key
// deleted from a user's listing hides an event from the desk; one planted
// makes another user's event, or no user's, look like theirs.
func TestCheckFindsATamperedEventListing(t *testing.T) {
	type setup struct {
		s             *Service
		owner, second User
		unlock, other uint64 // the owner's unlock; an event about no user
	}
	open := func(t *testing.T) setup {
		s, err := Open(storetest.Target(t, "t.db"), NewFakeClock(testEpoch), cheapConfig())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		_, owner, _ := practiceWith(t, s, "Listing Clinic", 5)
		_, second, _ := practiceWith(t, s, "Other Clinic", 5)
		_ = failLogins(t, s, owner.Email, 5)
		if _, err := s.Unlock(Operator("bob"), owner.ID, Request{Reason: "called", VerifiedBy: "call-back"}); err != nil {
			t.Fatal(err)
		}
		st := setup{s: s, owner: owner, second: second, unlock: lastEvent(t, s, ActAccountUnlocked).Seq}
		for _, e := range events(t, s) {
			if e.TargetID == 0 {
				st.other = e.Seq
			}
		}
		if st.other == 0 {
			t.Fatal("no event about no user to plant")
		}
		if err := s.Check(); err != nil {
			t.Fatalf("untouched: %v", err)
		}
		return st
	}
	edit := func(t *testing.T, s *Service, fn func(tx *store.Tx) error) {
		t.Helper()
		if err := s.db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, want string
		tamper     func(st setup) func(tx *store.Tx) error
	}{
		{"an event deleted from its user's listing", "missing from their listing", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.Delete(usersBucketOf(st.owner.ID), userEventKey(st.owner.ID, st.unlock))
			}
		}},
		{"another user's event planted", "which is about user", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.PutRaw(usersBucketOf(st.second.ID), userEventKey(st.second.ID, st.unlock), nil)
			}
		}},
		{"an event about no user planted", "about no user", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.PutRaw(usersBucketOf(st.second.ID), userEventKey(st.second.ID, st.other), nil)
			}
		}},
		{"an event the trail does not hold", "does not hold", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.PutRaw(usersBucketOf(st.owner.ID), userEventKey(st.owner.ID, 1<<40), nil)
			}
		}},
		{"an event listed again in the old index", "listed twice", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.PutRaw(legacyAuditUser, userEventKey(st.owner.ID, st.unlock), nil)
			}
		}},
		{"a key of no known shape beside a user", "neither a user", func(st setup) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.PutRaw(usersBucketOf(st.owner.ID), store.Key(store.U64(st.owner.ID), []byte{1, 2}), nil)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := open(t)
			edit(t, st.s, c.tamper(st))
			err := st.s.Check()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("check says %v, want an error saying %q", err, c.want)
			}
		})
	}
}

// R29: the user an event is about is read as decodeEvent reads it, however
// the member is spelled: encoding/json matches names ignoring case and
// takes the last of two.
func TestEventTargetIDReadsAsTheServiceReads(t *testing.T) {
	for _, data := range []string{
		`{"time":"2026-11-23T09:00:00Z","action":"unlocked","target_id":42,"outcome":"ok"}`,
		`{"action":"practice created","outcome":"ok"}`,
		`{"target_id":42,"Target_ID":7}`,
		`{"target_id":42,"target\u005fid":7}`,
		`{"target_id":42,"target_id":7}`,
		`{"TARGET_ID":9}`,
		` { "target_id" : 5 , "detail" : "a \"target_id\":6 inside" } `,
		`{"detail":"target_id","target_id":0}`,
	} {
		var e Event
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		got, err := eventTargetID([]byte(data))
		if err != nil || got != e.TargetID {
			t.Errorf("%s: read %d (%v), the service reads %d", data, got, err, e.TargetID)
		}
	}
	if _, err := eventTargetID([]byte(`{"target_id":"x"`)); err == nil {
		t.Error("an event that does not decode was read")
	}
}

// FuzzEventTargetID: wherever encoding/json decodes an event, the check
// reads the same user from it.
func FuzzEventTargetID(f *testing.F) {
	for _, s := range []string{`{"target_id":42}`, `{"Target_Id":1,"target_id":2}`, `{"a":{"target_id":3},"target_id":4}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Event
		if json.Unmarshal(data, &e) != nil {
			return
		}
		got, err := eventTargetID(data)
		if err != nil || got != e.TargetID {
			t.Fatalf("%q: read %d (%v), the service reads %d", data, got, err, e.TargetID)
		}
	})
}

// BenchmarkEventTargetID: the check reads every event's user (1.4 million
// at the 10,000-practice demo).
func BenchmarkEventTargetID(b *testing.B) {
	e := Event{Time: testEpoch, ActorKind: ActorOperator, Actor: "bob", Action: ActAccountUnlocked,
		Target: "maria.lopez@example.org", TargetID: 123456, PracticeID: 77, Requester: "Maria Lopez",
		Reason: "locked out after a password change", VerifiedBy: "call-back", Outcome: OutcomeOK}
	data, ok := e.AppendJSON(nil)
	if !ok {
		b.Fatal("not encoded")
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if id, err := eventTargetID(data); err != nil || id != 123456 {
			b.Fatal(id, err)
		}
	}
}

// R29: a chain head damaged to claim a vast trail is reported by check;
// the listings' pass beside the chain reads the entries there are and never
// sizes a table by the head's count (2^40 events would be 8 TB).
func TestCheckListingPassIgnoresTheHeadsCount(t *testing.T) {
	s, err := Open(storetest.Target(t, "t.db"), NewFakeClock(testEpoch), cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, owner, _ := practiceWith(t, s, "Head Clinic", 3)
	_ = failLogins(t, s, owner.Email, 2)
	held := len(events(t, s))
	head := []byte("chain_head:" + string(auditChain.Entries))
	err = s.db.Update(func(tx *store.Tx) error {
		raw, err := tx.GetRaw(auditChain.Meta, head)
		if err != nil {
			return err
		}
		_, rest, ok := strings.Cut(string(raw), ",")
		if !ok {
			t.Fatalf("head %s", raw)
		}
		return tx.PutRaw(auditChain.Meta, head, []byte(`{"seq":1099511627776,`+rest))
	})
	if err != nil {
		t.Fatal(err)
	}
	var ev *eventUsers
	err = s.db.View(func(tx *store.Tx) (err error) { ev, err = readEventUsers(tx); return err })
	if err != nil || len(ev.user)-1 != held {
		t.Fatalf("read %d events' users (%v), the trail holds %d", len(ev.user)-1, err, held)
	}
	if err := s.Check(); err == nil {
		t.Fatal("check passed a head claiming 2^40 events")
	}
}
