package accounts

import (
	"strings"
	"testing"
)

// offered is what Eligible says of one action on u.
func offered(t *testing.T, s *Service, op string, a Action, u User) Eligibility {
	t.Helper()
	e, err := s.EligibleFor(Operator(op), a, Target{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// R41: an action is offered only where it can run. Verifying the caller of
// an inactive user goes with nothing (they have no access to restore and
// ask for nothing, R14, R20): not offered, and refused with R41 if asked
// for anyway, sending no code to the former employee. Clearing MFA before
// a passed caller check can only be refused at its end (a knowledge record
// never counts): not offered until this operator's check passed, then
// offered; another operator's check does not count for them.
func TestActionsOfferedOnlyWhereTheyCanRun(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)

	if e := offered(t, s, "ana", ActionVerify, u); !e.OK {
		t.Fatalf("verify an active user's caller: %+v", e)
	}
	if e := offered(t, s, "ana", ActionClearMFA, u); e.OK || e.Rule != "R41" {
		t.Fatalf("clear MFA offered before a passed check: %+v", e)
	}
	passedCode(t, s, "bob", u, "sms")
	if e := offered(t, s, "ana", ActionClearMFA, u); e.OK || e.Rule != "R41" {
		t.Fatalf("clear MFA offered to ana on bob's check: %+v", e)
	}
	passedCode(t, s, "ana", u, "sms")
	if e := offered(t, s, "ana", ActionClearMFA, u); !e.OK {
		t.Fatalf("clear MFA not offered after ana's passed check: %+v", e)
	}

	if _, err := s.Inactivate(Operator("ana"), u.ID, Request{Requester: owner.Email, Reason: "left the practice"}); err != nil {
		t.Fatal(err)
	}
	u = mustUser(t, s, u.ID)
	if e := offered(t, s, "ana", ActionVerify, u); e.OK || e.Rule != "R41" {
		t.Fatalf("verify offered for an inactive user: %+v", e)
	}
	before, _ := s.Outbox(OutboxQuery{Limit: 1})
	for _, in := range []VerifyStart{{Method: VerifyCode, Channel: "email"}, {Method: VerifyApproval}, {Method: VerifyKnowledge, Note: "date of birth"}} {
		_, err := s.StartVerification(Operator("ana"), u.ID, in)
		wantRule(t, err, "R41")
	}
	if after, _ := s.Outbox(OutboxQuery{Limit: 1}); len(after) != len(before) || len(after) > 0 && after[0].ID != before[0].ID {
		t.Fatalf("a message went out for an inactive user's check: %+v", after)
	}
}

// R20: who may ask for an inactivation is said as it holds for the user
// shown: "or the user themselves" only while they can ask (active, not
// locked); a locked or pending user is named as unable, and why.
func TestInactivateRequesterHintIsTrueForTheUser(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	who := func() string {
		t.Helper()
		r, err := s.Requesters(ActionInactivate, Target{UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return r.Who
	}
	if w := who(); !strings.Contains(w, "or the user themselves") {
		t.Fatalf("an active user: %q", w)
	}
	_ = failLogins(t, s, u.Email, s.cfg.MaxFailures)
	if w := who(); strings.Contains(w, "or the user themselves") || !strings.Contains(w, "while locked, R11") {
		t.Fatalf("a locked user: %q", w)
	}
	p, err := s.CreateUser(Operator("ana"), NewUser{PracticeID: owner.PracticeID, Name: "Pat Pending", Kind: KindStaff,
		Email: "pat.pending@example.org", EmailConfirm: "pat.pending@example.org"}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "ana", owner)})
	if err != nil || p.Status != StatusPending {
		t.Fatalf("%+v %v", p, err)
	}
	u = p
	if w := who(); strings.Contains(w, "or the user themselves") || !strings.Contains(w, "setup not finished, R4") {
		t.Fatalf("a pending user: %q", w)
	}
}

// R41, R4, R14: a pending user has never logged in nor proven a login
// email or a factor, so nothing a check goes through is theirs yet, and
// nothing the desk does for them waits on one (their setup email, or a
// legacy user's reset to the email on file, goes to what is on file
// whoever calls). Verifying their caller is not offered, and starting one
// is refused with R41 (an owner was asked to vouch for, or a code went out
// about, someone nobody has seen), the legacy user's guidance naming the
// reset that is their setup (R17).
func TestVerifyNotOfferedForPendingUser(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := smsUser(t, s, clock)
	for _, nu := range []NewUser{
		{Name: "Pat Pending", Kind: KindStaff, Email: "pat.pending@example.org", EmailConfirm: "pat.pending@example.org"},
		{Name: "Lee Legacy", Kind: KindStaff, Username: "lee.legacy", ContactEmail: "lee.home@example.org"},
	} {
		nu.PracticeID = owner.PracticeID
		u, err := s.CreateUser(Operator("ana"), nu, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "ana", owner)})
		if err != nil || u.Status != StatusPending {
			t.Fatalf("%+v %v", u, err)
		}
		e := offered(t, s, "ana", ActionVerify, u)
		if e.OK || e.Rule != "R41" || !strings.Contains(e.Why, "pending") {
			t.Fatalf("verify offered for pending %s: %+v", u.Login(), e)
		}
		if want := map[bool]string{false: "(v", true: "(P, R17)"}[u.Legacy()]; !strings.Contains(e.Guidance, want) {
			t.Errorf("%s: guidance %q lacks %q", u.Login(), e.Guidance, want)
		}
		before, _ := s.Outbox(OutboxQuery{Limit: 1})
		for _, in := range []VerifyStart{{Method: VerifyCode, Channel: "email"}, {Method: VerifyApproval, Approver: owner.Email}, {Method: VerifyKnowledge, Note: "date of birth"}} {
			_, err := s.StartVerification(Operator("ana"), u.ID, in)
			wantRule(t, err, "R41")
		}
		if after, _ := s.Outbox(OutboxQuery{Limit: 1}); len(after) != len(before) || len(after) > 0 && after[0].ID != before[0].ID {
			t.Fatalf("a message went out for a pending user's check: %+v", after)
		}
	}
}
