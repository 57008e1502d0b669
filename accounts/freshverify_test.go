package accounts

import "testing"

// R35, R41: a caller check answered while a form is open — the owner's
// approval the operator waits for, or a check passed — changes nothing the
// form acts on: the console does not warn that "another operator, the user
// or the system acted", and the form is not refused as stale; the check is
// what lets it go through.
func TestCallerCheckIsNoChangeToAnOpenForm(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	for range 5 {
		_, _ = s.Login(u.Email, "wrong password")
	}
	if got := mustUser(t, s, u.ID); !got.LockedNow(clock.Now()) {
		t.Fatal("fixture: not locked")
	}
	version, err := s.UserVersion(u.ID) // the unlock form opens
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerApproval(linkIn(t, s, owner.Email), true); err != nil {
		t.Fatal(err)
	}
	if changed, err := s.ChangedSince(u.ID, version); err != nil || changed {
		t.Fatalf("a caller check counted as a change to the form's user: %v %v", changed, err)
	}
	if _, err := s.Unlock(Operator("dana"), u.ID, Request{Reason: "locked before clinic", Verification: v.ID, Version: version}); err != nil {
		t.Fatalf("the unlock after the owner's approval: %v", err)
	}
	// A real change still counts: the unlock itself.
	if changed, _ := s.ChangedSince(u.ID, version); !changed {
		t.Fatal("the unlock did not count as a change")
	}
}
