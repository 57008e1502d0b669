package accounts

import (
	"fmt"
	"strings"
	"testing"
)

// pendingAdded adds a pending user to p at owner's request and returns them.
func pendingAdded(t *testing.T, s *Service, owner User, nu NewUser) User {
	t.Helper()
	u, err := s.CreateUser(Operator("op"), nu, Request{Requester: owner.Email, Reason: "new hire"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// R3, R6, R19, R4: whoever holds the setup link owns the account, so an
// operator sending a pending user's setup email to a NEW address needs the
// request of someone who could have had that user added: on the caller's
// word alone it is refused, naming the rule; the user themselves (whose
// address is in question) cannot vouch; only an owner redirects a pending
// owner. The address on file needs no requester (R6).
func TestOperatorRedirectNeedsTheAddersRequester(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Redirect Desk Clinic", 8)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	pOwner := pendingAdded(t, s, owner, NewUser{PracticeID: p.ID, Name: "Paula Partner", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: "paula.partner@example.org", EmailConfirm: "paula.partner@example.org"})
	pStaff := pendingAdded(t, s, owner, NewUser{PracticeID: p.ID, Name: "Nina New", Kind: KindStaff,
		Email: "nina.new@example.org", EmailConfirm: "nina.new@example.org"})
	const evil = "x@evil.example.net"
	op := Operator("op")

	refused := []struct {
		who    User
		asker  string
		rule   string
		reason string
	}{
		{pOwner, "", "R3", "no requester"},
		{pStaff, "", "R3", "no requester"},
		{pStaff, staff.Email, "R3", "a plain user may not have users added"},
		{pStaff, pStaff.Email, "R3", "the user whose address is in question"},
		{pOwner, pOwner.Email, "R3", "the pending owner vouching for themselves"},
		{pOwner, admin.Email, "R19", "an admin, not an owner, for a pending owner"},
	}
	for _, c := range refused {
		_, _, err := s.SendVerification(op, c.who.ID, evil, evil, Request{Requester: c.asker})
		wantRule(t, err, c.rule)
		if got := mustUser(t, s, c.who.ID); got.Email != c.who.Email {
			t.Fatalf("%s: redirected to %s", c.reason, got.Email)
		}
	}
	if n := sentTo(t, s, evil); n != 0 {
		t.Fatalf("a refused redirect sent %d messages to the new address", n)
	}
	// The same address: a resend needs nobody (R6).
	if _, _, err := s.SendVerification(op, pOwner.ID, "", "", Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(op, pStaff.ID, pStaff.Email, pStaff.Email, Request{}); err != nil {
		t.Fatal(err)
	}
	// Whoever could have added them: an admin for staff, an owner for an owner.
	if u, _, err := s.SendVerification(op, pStaff.ID, "nina.home@example.net", "nina.home@example.net",
		Request{Requester: admin.Email, Reason: "typo"}); err != nil || u.Email != "nina.home@example.net" {
		t.Fatalf("an admin's redirect of a pending staff user: %v %v", u.Email, err)
	}
	if _, _, err := s.ChangeEmailByOperator(op, pOwner.ID, "paula@example.net", "paula@example.net",
		Request{Requester: owner.Email, Reason: "typo"}); err != nil {
		t.Fatal(err)
	}
	ev := lastEvent(t, s, ActVerificationSent)
	if ev.Requester != owner.Email {
		t.Fatalf("R3: the redirect's requester is not recorded: %+v", ev)
	}
}

// R6, R7, R4: the old address of a redirected setup is told, with the new
// address masked (the old address may be the real user's; the new one the
// impostor's, whose full address they need not learn), in the same
// transaction as the audit event. The new address gets the link.
func TestRedirectedSetupTellsTheOldAddress(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Told Clinic", 8)
	u := pendingAdded(t, s, owner, NewUser{PracticeID: p.ID, Name: "Nina New", Kind: KindStaff,
		Email: "nina.new@example.org", EmailConfirm: "nina.new@example.org"})
	const to = "nina.home@example.net"
	before := sentTo(t, s, u.Email)
	if _, _, err := s.SendVerification(Operator("op"), u.ID, to, to, Request{Requester: owner.Email}); err != nil {
		t.Fatal(err)
	}
	ms, err := s.outbox(OutboxQuery{To: u.Email, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != before+1 {
		t.Fatalf("the old address got %d new messages, want 1", len(ms)-before)
	}
	told := ms[0]
	if len(ms) > 1 && ms[1].ID > told.ID {
		told = ms[1]
	}
	if strings.Contains(told.Body, to) || !strings.Contains(told.Body, maskEmail(to)) || strings.Contains(told.Body, LinkBase) {
		t.Fatalf("the old address's notice should name the new address masked, with no link: %q", told.Body)
	}
	if told.Cause != ActVerificationSent {
		t.Fatalf("notice cause %q", told.Cause)
	}
	if sentTo(t, s, to) != 1 {
		t.Fatal("the new address did not get the setup email")
	}
}

// R3, R19: the people the desk is offered as the requester of a new setup
// address are exactly those the service accepts: for a pending owner, the
// practice's other owners only.
func TestRedirectRequestersAreWhomTheServiceAccepts(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Offered Clinic", 8)
	activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	pOwner := pendingAdded(t, s, owner, NewUser{PracticeID: p.ID, Name: "Paula Partner", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: "paula.partner@example.org", EmailConfirm: "paula.partner@example.org"})
	r, err := s.Requesters(ActionSendSetup, Target{UserID: pOwner.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.People) != 1 || r.People[0].ID != owner.ID || r.Rule != "R3" {
		t.Fatalf("offered %+v", r)
	}
	all, err := s.Requesters(ActionAddUser, Target{PracticeID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	for i, asker := range all.People {
		to := fmt.Sprintf("paula%d@example.net", i)
		_, _, err := s.SendVerification(Operator("op"), pOwner.ID, to, to, Request{Requester: asker.Login()})
		if accepted, offered := err == nil, asker.ID == owner.ID; accepted != offered {
			t.Fatalf("%s: offered %v, accepted %v (%v)", asker.Login(), offered, accepted, err)
		}
	}
}
