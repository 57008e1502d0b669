package accounts

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// R35: the change feed moves when, and only when, a write transaction that
// appended an audit event commits — an operator's action, a refusal, the
// lock sweeper — and never on a read or an idle sweep.
func TestChangeSeqFollowsCommittedWrites(t *testing.T) {
	s, clk := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Feed Clinic", 5)
	start := s.ChangeSeq()
	if n, _ := s.AuditCount(); start != n {
		t.Fatalf("feed starts at %d, the trail holds %d events", start, n)
	}

	if _, err := s.Lockouts(0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sweep(); err != nil {
		t.Fatal(err)
	}
	if got := s.ChangeSeq(); got != start {
		t.Errorf("a read and an idle sweep moved the feed %d -> %d", start, got)
	}

	_ = failLogins(t, s, owner.Email, 5) // R11: five failures and a lock
	locked := s.ChangeSeq()
	if locked <= start {
		t.Errorf("failed logins and a lock did not move the feed")
	}
	// A refused action is audited in a transaction of its own: it moves too.
	_, err := s.Inactivate(Operator("dana"), owner.ID, Request{Requester: "nobody@example.org", Reason: "r"})
	if RuleOf(err) == "" {
		t.Fatalf("inactivation by a stranger: %v", err)
	}
	if s.ChangeSeq() <= locked {
		t.Errorf("the audited refusal did not move the feed")
	}
	// The sweeper lifting the lock (R12), as the system, moves it.
	before := s.ChangeSeq()
	clk.Advance(61 * time.Minute)
	if n, err := s.Sweep(); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	if s.ChangeSeq() <= before {
		t.Errorf("the sweeper's lift did not move the feed")
	}
	if n, _ := s.AuditCount(); s.ChangeSeq() != n {
		t.Errorf("feed %d, newest event %d", s.ChangeSeq(), n)
	}
}

// R35: a read-only operator's every write is refused by the service itself,
// whatever face it came through; the attempt is on record; nothing changes.
func TestReadOnlyOperatorChangesNothing(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Glass Clinic", 5)
	_ = failLogins(t, s, owner.Email, 5)
	ro := ReadOnlyOperator("rita")
	before, _ := s.User(owner.ID)
	stats, _ := s.Stats()

	_, err := s.Unlock(ro, owner.ID, Request{Reason: "r", VerifiedBy: "call-back"})
	wantRule(t, err, "R35")
	_, err = s.Inactivate(ro, owner.ID, Request{Requester: owner.Email, Reason: "r"})
	wantRule(t, err, "R35")
	_, err = s.CreatePractice(ro, "Sneaky Clinic", 3)
	wantRule(t, err, "R35")
	_, err = s.SetPurchased(ro, p.ID, 9, Request{Reason: "r"})
	wantRule(t, err, "R35")

	after, _ := s.User(owner.ID)
	if !after.Locked() || after.Status != before.Status {
		t.Errorf("a read-only operator changed the user: %+v", after)
	}
	if st, _ := s.Stats(); st.Practices != stats.Practices || st.Purchased != stats.Purchased {
		t.Errorf("a read-only operator changed the totals: %+v -> %+v", stats, st)
	}
	if e := lastEvent(t, s, ActAccountUnlocked); e.Actor != "rita" || e.Outcome != refusedOutcome("R35") {
		t.Errorf("the read-only attempt is not on record: %+v", e)
	}
	// Reads still work.
	if _, err := s.Lockouts(0); err != nil {
		t.Error(err)
	}
}

// R35: an action whose form was opened before another operator changed the
// target is refused with what changed and the fresh state, never applied
// twice; a form opened on the fresh record goes through as usual.
func TestStaleFormRefused(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Twin Desk Clinic", 5)
	_ = failLogins(t, s, owner.Email, 5)
	v, err := s.UserVersion(owner.ID)
	if err != nil || v == 0 {
		t.Fatalf("version %d, %v", v, err)
	}
	req := Request{Reason: "caller confirmed", VerifiedBy: "call-back", Version: v}

	// alice and bob both opened the unlock form; bob is quicker.
	if _, err := s.Unlock(Operator("bob"), owner.ID, req); err != nil {
		t.Fatal(err)
	}
	_, err = s.Unlock(Operator("alice"), owner.ID, req)
	var stale *StaleError
	if !errors.As(err, &stale) || RuleOf(err) != "R35" {
		t.Fatalf("alice's stale unlock: %v", err)
	}
	if len(stale.Changes) != 1 || stale.Changes[0].Action != ActAccountUnlocked || stale.Changes[0].Actor != "bob" {
		t.Errorf("what changed: %+v", stale.Changes)
	}
	if stale.Fresh.Locked() {
		t.Errorf("fresh state still locked: %+v", stale.Fresh)
	}
	unlocks := 0
	for _, e := range events(t, s) {
		if e.Action == ActAccountUnlocked && e.Outcome == OutcomeOK {
			unlocks++
		}
	}
	if unlocks != 1 {
		t.Errorf("unlocked %d times, want once", unlocks)
	}

	// Failed logins and refusals since the form opened do not make it stale.
	v2, _ := s.UserVersion(owner.ID)
	_ = failLogins(t, s, owner.Email, 1)
	if _, err := s.Inactivate(Operator("carol"), owner.ID, Request{Requester: "nobody@example.org", Reason: "r"}); RuleOf(err) == "" {
		t.Fatalf("want a refusal, got %v", err)
	}
	_, err = s.Unlock(Operator("alice"), owner.ID, Request{Reason: "r", VerifiedBy: "v", Version: v2})
	if errors.As(err, &stale) || RuleOf(err) != "R13" {
		t.Errorf("a fresh form on an unlocked user: want the usual R13 refusal, got %v", err)
	}
}

// R35: presence says who else has a user open, and forgets them when they
// leave; done twice is harmless.
func TestPresence(t *testing.T) {
	s, _ := newTestService(t)
	seq := s.PresenceSeq()
	doneA := s.Look("alice", 7)
	doneB := s.Look("bob", 7)
	doneB2 := s.Look("bob", 7) // bob has it open in two views
	if got := s.AlsoHere(7, "alice"); len(got) != 1 || got[0] != "bob" {
		t.Errorf("alice sees %v", got)
	}
	if got := s.AlsoHere(7, "bob"); len(got) != 1 || got[0] != "alice" {
		t.Errorf("bob sees %v", got)
	}
	doneB()
	doneB()
	if got := s.AlsoHere(7, "alice"); len(got) != 1 {
		t.Errorf("bob's second view closed his presence: %v", got)
	}
	doneB2()
	doneA()
	if got := s.AlsoHere(7, "carol"); len(got) != 0 {
		t.Errorf("after everyone left: %v", got)
	}
	if s.PresenceSeq() == seq {
		t.Error("presence changes did not move PresenceSeq")
	}
	// Safe from many goroutines (run with -race).
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done := s.Look(string(rune('a'+i)), 9)
			_ = s.AlsoHere(9, "x")
			done()
		}()
	}
	wg.Wait()
	if got := s.AlsoHere(9, ""); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

// R35: for a read-only operator no action applies, each naming R35, so
// every face hides or refuses it before a form is filled.
func TestReadOnlyEligibleForNothing(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Eligible Clinic", 5)
	_ = failLogins(t, s, owner.Email, 5)
	el, err := s.Eligible(ReadOnlyOperator("rita"), Target{UserID: owner.ID})
	if err != nil || len(el) == 0 {
		t.Fatalf("eligible: %v %v", el, err)
	}
	for _, e := range el {
		if e.OK || e.Rule != "R35" {
			t.Errorf("%s for a read-only operator: %+v", e.Action, e)
		}
	}
	if e, _ := s.EligibleFor(Operator("dana"), ActionUnlock, Target{UserID: owner.ID}); !e.OK {
		t.Errorf("unlock for a writing operator: %+v", e)
	}
}
