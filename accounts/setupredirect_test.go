package accounts

import (
	"fmt"
	"strings"
	"testing"
)

// pendingAdded adds a pending user to p at owner's request and returns them.
func pendingAdded(t *testing.T, s *Service, owner User, nu NewUser) User {
	t.Helper()
	req := Request{Requester: owner.Email, Reason: "new hire", Verification: ownerCheck(t, s, "op", owner)} // R3, R19, R41
	u, err := s.CreateUser(Operator("op"), nu, req)
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
	// Whoever could have added them: an admin for staff, an owner for an
	// owner, at their proven request (R41, TestSetupRedirectOnlyAtAProvenRequest).
	if u, _, err := s.SendVerification(op, pStaff.ID, "nina.home@example.net", "nina.home@example.net",
		Request{Requester: admin.Email, Reason: "typo", Verification: ownerCheck(t, s, "op", admin)}); err != nil || u.Email != "nina.home@example.net" {
		t.Fatalf("an admin's redirect of a pending staff user: %v %v", u.Email, err)
	}
	if _, _, err := s.ChangeEmailByOperator(op, pOwner.ID, "paula@example.net", "paula@example.net",
		Request{Requester: owner.Email, Reason: "typo", Verification: ownerCheck(t, s, "op", owner)}); err != nil {
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
	if _, _, err := s.SendVerification(Operator("op"), u.ID, to, to, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)}); err != nil {
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
		req := Request{Requester: asker.Login(), Verification: ownerCheck(t, s, "op", asker)} // proven (R3, R19, R41)
		_, _, err := s.SendVerification(Operator("op"), pOwner.ID, to, to, req)
		if accepted, offered := err == nil, asker.ID == owner.ID; accepted != offered {
			t.Fatalf("%s: offered %v, accepted %v (%v)", asker.Login(), offered, accepted, err)
		}
	}
}

// R42, R3, R41, R6: a new practice's only user, its owner, still pending,
// has nobody at the practice who could ask for their setup email to go to
// a new address (R3), and nothing on file that could verify a caller (R41):
// a lying caller's "I typed my email wrong at onboarding" would hand them
// the practice. So the desk's redirect waits for a second operator (four
// eyes): nothing is sent and nothing changes until another operator — never
// the one who asked — approves within 30 minutes; then the setup email goes
// to the new address, the old one is told, and the audit names both. A
// resend to the address on file needs nobody.
func TestOnlyOwnersSetupRedirectNeedsFourEyes(t *testing.T) {
	s, _ := newTestService(t)
	ann, bob := Operator("ann"), Operator("bob")
	p, err := s.CreatePractice(ann, "Fresh Start Clinic", 5)
	if err != nil {
		t.Fatal(err)
	}
	const old, fresh = "olga.onboard@example.org", "olga.real@example.org"
	owner, err := s.CreateUser(ann, NewUser{PracticeID: p.ID, Name: "Olga Onboard", Kind: KindProvider,
		Roles: Roles{Owner: true, Admin: true}, Email: old, EmailConfirm: old}, Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	// The address on file: no four eyes (R6).
	if _, _, err := s.SendVerification(ann, owner.ID, "", "", Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
	oldLink := linkIn(t, s, old)

	_, _, err = s.SendVerification(ann, owner.ID, fresh, fresh, Request{Reason: "typo at onboarding, says the caller"})
	wantRule(t, err, "R42")
	if !strings.Contains(err.Error(), "second operator") {
		t.Fatalf("refusal: %v", err)
	}
	if u := mustUser(t, s, owner.ID); u.Email != old || sentTo(t, s, fresh) != 0 {
		t.Fatalf("the redirect happened before a second operator approved: %s, %d messages", u.Email, sentTo(t, s, fresh))
	}
	// The address on file hears of the request at once, the new one masked.
	if ms, _ := s.outbox(OutboxQuery{To: old, Limit: 1}); len(ms) != 1 || !strings.Contains(ms[0].Subject, "change of address") ||
		strings.Contains(ms[0].Body, fresh) {
		t.Fatalf("the address on file was not told of the request: %+v", ms)
	}
	pv, ok, err := s.PendingFor(owner.ID)
	if err != nil || !ok || pv.Action != ActVerificationSent || pv.NewEmail != fresh || pv.RequestedBy != "ann" {
		t.Fatalf("no request waits for a second operator: %+v %v %v", pv, ok, err)
	}
	// Not the operator who asked; not a second request on top.
	_, _, err = s.ApproveRequest(ann, pv.ID, "me again")
	wantRule(t, err, "R42")
	_, _, err = s.SendVerification(ann, owner.ID, "olga.third@example.org", "olga.third@example.org", Request{Reason: "again"})
	wantRule(t, err, "R42")
	if n, err := s.PendingApprovals(bob); err != nil || n != 1 {
		t.Fatalf("bob's badge: %d %v", n, err)
	}

	// A second operator approves: carried out now.
	if _, _, err := s.ApproveRequest(bob, pv.ID, "checked the signed contract"); err != nil {
		t.Fatal(err)
	}
	if u := mustUser(t, s, owner.ID); u.Email != fresh || u.Status != StatusPending {
		t.Fatalf("after approval: %s %s", u.Email, u.Status)
	}
	if _, err := s.UseLink(oldLink, goodPassword); err == nil {
		t.Fatal("the old address's link still works after the redirect (R5)")
	}
	ms, _ := s.outbox(OutboxQuery{To: old, Limit: 1})
	if len(ms) != 1 || !strings.Contains(ms[0].Subject, "another address") {
		t.Fatalf("the old address was not told: %+v", ms)
	}
	e := lastEvent(t, s, ActVerificationSent)
	if e.Actor != "ann" || e.ApprovedBy != "bob" || e.Approval != pv.ID {
		t.Fatalf("the redirect's event does not name both operators: %+v", e)
	}
	if _, err := s.UseLink(linkIn(t, s, fresh), goodPassword); err != nil {
		t.Fatal(err)
	}
}

// R42: a redirect request approved after the owner finished setup from the
// old address is refused: there is nothing left to redirect.
func TestOnlyOwnersRedirectApprovedTooLate(t *testing.T) {
	s, _ := newTestService(t)
	ann, bob := Operator("ann"), Operator("bob")
	p, _ := s.CreatePractice(ann, "Late Clinic", 5)
	const old = "lena.late@example.org"
	owner, err := s.CreateUser(ann, NewUser{PracticeID: p.ID, Name: "Lena Late", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: old, EmailConfirm: old}, Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(ann, owner.ID, "", "", Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, old)
	_, _, err = s.SendVerification(ann, owner.ID, "lena.new@example.org", "lena.new@example.org", Request{Reason: "typo"})
	wantRule(t, err, "R42")
	pv, _, _ := s.PendingFor(owner.ID)
	if _, err := s.UseLink(link, goodPassword); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.ApproveRequest(bob, pv.ID, "ok")
	wantRule(t, err, "R6")
	if u := mustUser(t, s, owner.ID); u.Email != old {
		t.Fatalf("redirected after setup: %s", u.Email)
	}
}
