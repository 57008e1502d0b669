package accounts

import (
	"strings"
	"testing"
)

// R3, R19, R20, R2, R24, R4, R11: the practice person an operator records as
// having asked must be an active user who is not locked. A pending user has
// never used their setup link, so nobody has shown they hold the account: a
// caller claiming to be them is exactly the lying caller the rules guard
// against. A locked account asks for nothing until it is unlocked. Each
// refusal names the action's rule and says why, changes nothing, and the
// desk's lists of who may ask leave such people out.
func TestRequesterMustBeActiveAndUnlocked(t *testing.T) {
	s, _ := newTestService(t)
	op := Operator("desk")
	p, owner, _ := practiceWith(t, s, "Requesters Clinic", 10)
	champ := activeUser(t, s, p.ID, "Cara Champion", Roles{Champion: true}, owner.Email)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)

	// A pending owner and admin: added, never set up.
	pendingOwner, err := s.CreateUser(op, NewUser{PracticeID: p.ID, Name: "Pat Pending", Kind: KindProvider,
		Roles: Roles{Owner: true, Admin: true}, Email: "pat.pending@example.org", EmailConfirm: "pat.pending@example.org"},
		Request{Requester: owner.Email, Reason: "new partner", Verification: ownerCheck(t, s, op.Name, owner)})
	if err != nil {
		t.Fatal(err)
	}
	if pendingOwner.Status != StatusPending {
		t.Fatalf("want pending, got %s", pendingOwner.Status)
	}
	nu := NewUser{PracticeID: p.ID, Name: "Nina New", Kind: KindStaff, Email: "nina.new@example.org", EmailConfirm: "nina.new@example.org"}

	refusedFor := func(err error, rule, words string) {
		t.Helper()
		wantRule(t, err, rule)
		if !strings.Contains(err.Error(), words) {
			t.Fatalf("refusal %q does not say %q", err, words)
		}
	}
	pv, err := s.PracticeDetail(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := pv.InUse

	// R3: adding a user.
	_, err = s.CreateUser(op, nu, Request{Requester: pendingOwner.Email, Reason: "hire"})
	refusedFor(err, "R3", "not finished account setup")
	// R19: changing permissions.
	_, err = s.SetRoles(op, staff.ID, Roles{Champion: true}, Request{Requester: pendingOwner.Email, Reason: "promote"})
	refusedFor(err, "R19", "not finished account setup")
	// R20: inactivation, by the pending owner and by a pending user of themselves.
	_, err = s.Inactivate(op, staff.ID, Request{Requester: pendingOwner.Email, Reason: "left"})
	refusedFor(err, "R20", "not finished account setup")
	_, err = s.Inactivate(op, pendingOwner.ID, Request{Requester: pendingOwner.Email, Reason: "asked themselves"})
	refusedFor(err, "R20", "not finished account setup")
	// R2: licenses.
	_, err = s.RequestLicenses(op, p.ID, 5, Request{Requester: pendingOwner.Email, Reason: "growth"})
	refusedFor(err, "R2", "not finished account setup")
	// R24: the MFA requirement.
	_, err = s.RequireMFA(op, p.ID, true, Request{Requester: pendingOwner.Email, Reason: "policy"})
	refusedFor(err, "R24", "not finished account setup")

	// A locked champion asks for nothing until unlocked (R11, R13).
	if err := failLogins(t, s, champ.Email, 5); RuleOf(err) != "R11" {
		t.Fatalf("want the champion locked, got %v", err)
	}
	_, err = s.CreateUser(op, nu, Request{Requester: champ.Email, Reason: "hire"})
	refusedFor(err, "R3", "locked")

	// Nothing changed.
	if got, _ := s.PracticeDetail(p.ID); got.Practice.InUse != before || got.Practice.MFARequired {
		t.Fatalf("a refused request changed the practice: %+v", got.Practice)
	}
	if u, _ := s.User(staff.ID); u.Status != StatusActive || u.Roles != (Roles{}) {
		t.Fatalf("a refused request changed %s: %+v", staff.Login(), u)
	}

	// The desk is offered neither of them.
	for _, a := range []Action{ActionAddUser, ActionRequestLicenses, ActionRequireMFA} {
		rs, err := s.Requesters(a, Target{PracticeID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs.People {
			if r.ID == pendingOwner.ID || r.ID == champ.ID {
				t.Fatalf("%s offers %s (%s) as a requester", a, r.Login(), r.Status)
			}
		}
	}

	// An active, unlocked owner still asks (proven, R41).
	if _, err := s.CreateUser(op, nu, Request{Requester: owner.Email, Reason: "hire", Verification: ownerCheck(t, s, op.Name, owner)}); err != nil {
		t.Fatal(err)
	}
}

// R3, R4: a practice whose only owner has not finished setup yet has nobody
// who may ask: the console says so, naming why, rather than offering a
// requester the service would refuse.
func TestNoRequesterWhileTheOwnerIsPending(t *testing.T) {
	s, _ := newTestService(t)
	op := Operator("desk")
	p, err := s.CreatePractice(op, "Fresh Clinic", 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(op, NewUser{PracticeID: p.ID, Name: "Olga Onboard", Kind: KindProvider,
		Roles: Roles{Owner: true, Admin: true}, Email: "olga.onboard@example.org", EmailConfirm: "olga.onboard@example.org"},
		Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
	e, err := s.EligibleFor(op, ActionAddUser, Target{PracticeID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if e.OK || e.Rule != "R3" || !strings.Contains(e.Why+" "+e.Guidance, "finish") {
		t.Fatalf("want adding a user refused under R3 until the owner finishes setup, got %+v", e)
	}
}

// R3, R11: an action that needs a requester, asked with none while nobody
// at the practice can ask (its only owner locked), says so — who holds the
// role and why they cannot ask now — rather than "record who asked", which
// the desk could not do.
func TestNoRequesterRecordedWhenNobodyCanAsk(t *testing.T) {
	s, _ := newTestService(t)
	op := Operator("desk")
	p, owner, _ := practiceWith(t, s, "Locked Out Clinic", 5)
	nina, err := s.CreateUser(op, NewUser{PracticeID: p.ID, Name: "Nina New", Kind: KindStaff,
		Email: "nina.new@example.org", EmailConfirm: "nina.new@example.org"}, Request{Requester: owner.Email, Reason: "hire",
		Verification: ownerCheck(t, s, op.Name, owner)})
	if err != nil {
		t.Fatal(err)
	}
	if err := failLogins(t, s, owner.Email, 5); RuleOf(err) != "R11" {
		t.Fatalf("want the owner locked, got %v", err)
	}
	_, _, err = s.SendVerification(op, nina.ID, "nina.home@example.net", "nina.home@example.net", Request{Reason: "typo"})
	wantRule(t, err, "R3")
	if !strings.Contains(err.Error(), "nobody at Locked Out Clinic can ask") || !strings.Contains(err.Error(), "is locked") {
		t.Fatalf("refusal does not say why nobody can ask: %v", err)
	}
}
