package accounts

import (
	"testing"
)

// R13: an operator unlocks at once, recording who, why and how the caller
// was verified; the row leaves the lockouts.
func TestOperatorUnlock(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Sunrise Sleep Medicine", 5)
	_ = failLogins(t, s, owner.Email, 5)
	if locks, _ := s.Lockouts(0); len(locks) != 1 || locks[0].Login != owner.Email || locks[0].Failures != 5 {
		t.Fatalf("lockouts = %+v", locks)
	}

	if _, err := s.Unlock(Operator("dana"), owner.ID, Request{Reason: "caller confirmed"}); err == nil {
		t.Fatal("unlock without identity verification was accepted")
	} else if fe, ok := err.(*FieldError); !ok || fe.Field != "verified_by" {
		t.Fatalf("want verified_by field error, got %v", err)
	}
	if _, err := s.Unlock(Operator("dana"), owner.ID, Request{VerifiedBy: "call-back"}); err == nil {
		t.Fatal("unlock without a reason was accepted")
	}

	u, err := s.Unlock(Operator("dana"), owner.ID, Request{Reason: "locked out before clinic", VerifiedBy: "call-back to number on file"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Locked() || u.Failures != 0 {
		t.Fatalf("after unlock: %+v", u)
	}
	ev := lastEvent(t, s, ActAccountUnlocked)
	if ev.Actor != "dana" || ev.ActorKind != ActorOperator || ev.Reason != "locked out before clinic" ||
		ev.VerifiedBy != "call-back to number on file" || ev.Outcome != OutcomeOK || ev.TargetID != owner.ID {
		t.Fatalf("unlock event = %+v", ev)
	}
	if locks, _ := s.Lockouts(0); len(locks) != 0 {
		t.Fatalf("lockouts after unlock = %+v", locks)
	}
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	// Unlocking an open account is refused, and the refusal is on record.
	_, err = s.Unlock(Operator("dana"), owner.ID, Request{Reason: "again", VerifiedBy: "call-back"})
	wantRule(t, err, "R13")
	if ev := lastEvent(t, s, ActAccountUnlocked); ev.Outcome != "refused R13" {
		t.Fatalf("refusal event = %+v", ev)
	}
}

// R13: a practice admin may unlock a colleague in their own practice only.
func TestAdminUnlock(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Highland Cardiology", 5)
	colleague := activeUser(t, s, p.ID, "Casey Colleague", Roles{}, owner.Email)
	_, otherAdmin, _ := practiceWith(t, s, "Other Practice", 5)
	_ = failLogins(t, s, colleague.Email, 5)

	_, err := s.Unlock(Actor{Kind: ActorAdmin, Name: otherAdmin.Email, UserID: otherAdmin.ID}, colleague.ID, Request{Reason: "asked"})
	wantRule(t, err, "R13")
	nonAdmin := activeUser(t, s, p.ID, "Nolan Nonadmin", Roles{}, owner.Email)
	_, err = s.Unlock(Actor{Kind: ActorAdmin, Name: nonAdmin.Email, UserID: nonAdmin.ID}, colleague.ID, Request{Reason: "asked"})
	wantRule(t, err, "R13")
	_, err = s.Unlock(Actor{Kind: ActorUser, Name: colleague.Email, UserID: colleague.ID}, colleague.ID, Request{Reason: "me"})
	wantRule(t, err, "R13")

	if _, err := s.Unlock(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, colleague.ID, Request{Reason: "at the front desk"}); err != nil {
		t.Fatalf("own admin unlock: %v", err)
	}
	if ev := lastEvent(t, s, ActAccountUnlocked); ev.ActorKind != ActorAdmin || ev.Actor != owner.Email {
		t.Fatalf("event = %+v", ev)
	}
}
