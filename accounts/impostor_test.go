package accounts

import (
	"strings"
	"testing"
	"time"
)

// A lying caller's and a careless operator's review, third round: each test
// is one way the desk could still be talked into what a rule forbids, named
// by that rule.

// R2, R20, R19: a practice keeps an active owner, since only an active owner
// can ask for licenses (requesters must be active, R3, R4). An owner who was
// added but never verified is no such owner: whoever holds their setup link
// would become the practice's only owner. So the last active owner is not
// inactivated, demoted or replaced while the only other owner is pending.
func TestLastActiveOwnerNotLeftToAPendingOne(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Pending Partner Clinic", 6)
	partner, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Paula Partner", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: "paula.partner@example.org", EmailConfirm: "paula.partner@example.org"},
		Request{Requester: owner.Email, Reason: "new partner", Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	if partner.Status != StatusPending {
		t.Fatalf("the new partner is %s, want pending", partner.Status)
	}
	req := Request{Requester: owner.Email, Reason: "retiring"}
	_, err = s.Inactivate(Operator("op"), owner.ID, req)
	wantRule(t, err, "R2")
	_, err = s.SetRoles(Operator("op"), owner.ID, Roles{Admin: true}, req)
	wantRule(t, err, "R2")
	_, _, err = s.Replace(Operator("op"), owner.ID, NewUser{Name: "Rita Replacement", Kind: KindProvider,
		Email: "rita.replacement@example.org", EmailConfirm: "rita.replacement@example.org"}, req)
	wantRule(t, err, "R2")
	if got := mustUser(t, s, owner.ID); got.Status != StatusActive || !got.Roles.Owner {
		t.Fatalf("the last active owner was let go: %+v", got)
	}
	// Once the partner has set up their account, the owner may go.
	setUpAccount(t, s, partner)
	req.Verification = ownerCheck(t, s, "op", owner) // an owner leaves at their proven request (R20, R41)
	if _, err := s.Inactivate(Operator("op"), owner.ID, req); err != nil {
		t.Fatal(err)
	}
}

// setUpAccount has a pending user follow their setup link (R4).
func setUpAccount(t *testing.T, s *Service, u User) User {
	t.Helper()
	if _, _, err := s.SendVerification(Operator("op"), u.ID, "", "", Request{Reason: "setup"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.UseLink(linkIn(t, s, u.Email), goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// R41, R7: a code counts only through something only the real user
// controls, never an address the caller gives. Whoever has the password of
// an account without MFA can make an address of their own its login email
// (the old one is only told), and minutes later read back the desk's code
// sent to "the email on file". A code by email counts only once the login
// email has been the account's for longer than the risk window (7 days,
// R42), as an approver's address must (R41); the desk is told to check
// another way, and is not offered that way meanwhile.
func TestCheckNotThroughAnAddressTheCallerJustGave(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Fresh Address Clinic", 6)
	second := activeUser(t, s, p.ID, "Sol Second", Roles{Owner: true}, owner.Email)
	clock.Advance(8 * 24 * time.Hour) // everything set up long ago

	const evil = "sol.elsewhere@example.net"
	if _, err := s.ChangeOwnEmail(second.Email, testPassword(second), "", evil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, evil), testPassword(second)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	before := codesTo(t, s, evil)
	for _, channel := range []string{"email", ""} {
		_, err := s.StartVerification(Operator("dana"), second.ID, VerifyStart{Method: VerifyCode, Channel: channel})
		wantRule(t, err, "R41")
	}
	if n := codesTo(t, s, evil) - before; n != 0 {
		t.Fatalf("a caller-check code went to the login email changed minutes ago (%d)", n)
	}
	for _, o := range mustOptions(t, s, second.ID) {
		if o.Method == VerifyCode {
			t.Fatalf("the desk is offered a code to the address changed minutes ago: %+v", o)
		}
	}
	// An owner's approval still works, and a week later so does the address.
	if _, err := s.StartVerification(Operator("dana"), second.ID, VerifyStart{Method: VerifyApproval, Approver: owner.Email}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(7*24*time.Hour + time.Minute)
	if _, err := s.StartVerification(Operator("dana"), second.ID, VerifyStart{Method: VerifyCode, Channel: "email"}); err != nil {
		t.Fatal(err)
	}
}

// R41, R43: a factor enrolled soon after an MFA clear waits on the watch
// list until an operator reviews it; until then it may be the attacker's,
// so a code to it verifies nobody, however long ago it was enrolled.
func TestWatchedFactorVerifiesNobody(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	v := passedCode(t, s, "dana", u, "")
	if _, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0155"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, "+15032530155")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * time.Hour)
	_, err := s.StartVerification(Operator("eli"), u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"})
	wantRule(t, err, "R41")
	ws, _ := s.WatchList(false, 0)
	if len(ws) != 1 {
		t.Fatalf("watch list: %+v", ws)
	}
	if _, err := s.ReviewWatch(Operator("eli"), ws[0].ID, "called back on the number on file: it was them"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartVerification(Operator("eli"), u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"}); err != nil {
		t.Fatal(err)
	}
}

func mustOptions(t *testing.T, s *Service, userID uint64) []VerifyOption {
	t.Helper()
	opts, err := s.VerifyOptions(userID)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// R41, R7: a check vouches through what was on file when the code was read
// back. A passed check whose phone or login email is no longer on file by
// the time it is used proves nothing the desk still has: the address it
// went to may be a former employer's mailbox, or the caller's who lost it
// since. It is refused at use, as it is when read back (goneFromFile).
func TestPassedCheckDiesWithWhatItWentTo(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Moved Mailbox Clinic", 6)
	clock.Advance(8 * 24 * time.Hour)
	v := passedCode(t, s, "dana", owner, "email")
	// The user makes another address their login email, then locks.
	const next = "olive.next@example.net"
	if _, err := s.ChangeOwnEmail(owner.Email, testPassword(owner), "", next); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, next), testPassword(owner)); err != nil {
		t.Fatal(err)
	}
	_ = failLogins(t, s, next, 5)
	_, err := s.Unlock(Operator("dana"), owner.ID, Request{Reason: "locked out", Verification: v.ID})
	wantRule(t, err, "R41")
	if got := mustUser(t, s, owner.ID); !got.LockedNow(clock.Now()) {
		t.Fatal("unlocked on a check through an address no longer on file")
	}
	if got, _ := s.Verification(v.ID); got.State != VerifyPassed {
		t.Fatalf("a refused use changed the check: %+v", got)
	}
}

// R42, R7: the second operator approves the clear the first one asked for,
// of the account as it was. If its login email changed meanwhile — where
// the notice of the clear goes (R26), and what the risk signals shown with
// the request did not know of — the approval would clear MFA for someone
// the first operator never heard from: it is refused, the factor stays.
func TestFourEyesRefusedWhenLoginEmailChangedMeanwhile(t *testing.T) {
	s, clock := newTestService(t)
	owner, req := flaggedOwnerRequest(t, s, clock)
	const next = "olive.next@example.net"
	if _, err := s.ChangeOwnEmail(owner.Email, testPassword(owner), "", next); RuleOf(err) != "R22" {
		t.Fatalf("change without a code: %v", err)
	}
	if _, err := s.ChangeOwnEmail(owner.Email, testPassword(owner), codeIn(t, s, "+15032530177"), next); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, next), testPassword(owner)); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.ApproveRequest(Operator("eli"), req.ID, "")
	wantRule(t, err, "R42")
	if got := mustUser(t, s, owner.ID); got.MFA.Method != MFASMS {
		t.Fatalf("the approval cleared the MFA of an account whose login changed since the request: %+v", got.MFA)
	}
	if n := codesTo(t, s, next); n != 1 { // the link only: no notice of a clear
		t.Fatalf("%d messages to the new address", n)
	}
}

// R42, R35: locally an operator is a name typed (--operator): one person can
// ask as dana and approve as eli. The face gives each local operator the
// seat they cannot type (their OS account and machine, Actor.Seat); an
// approval from the seat that asked is refused whatever name it carries,
// for an MFA clear and for a pending owner's setup redirect alike. Another
// seat approves.
func TestFourEyesNotOneSeatUnderTwoNames(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "One Seat Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0144"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530144")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * time.Hour)
	owner = mustUser(t, s, owner.ID)
	seat := func(name, where string) Actor { a := Operator(name); a.Seat = where; return a }
	dana := seat("dana", "OS account desk (uid 1000) on desk-1")
	v, err := s.StartVerification(dana, owner.ID, VerifyStart{Method: VerifyCode, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckVerification(dana, v.ID, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	res, err := s.ClearMFAVerified(dana, owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("want a pending request: %+v %v", res, err)
	}
	_, _, err = s.ApproveRequest(seat("eli", dana.Seat), res.Pending.ID, "")
	wantRule(t, err, "R42")
	if n, _ := s.PendingApprovals(seat("eli", dana.Seat)); n != 0 {
		t.Fatalf("the seat that asked is offered %d approvals", n)
	}
	if mustUser(t, s, owner.ID).MFA.Method != MFASMS {
		t.Fatal("cleared on an approval from the seat that asked")
	}
	if _, _, err := s.ApproveRequest(seat("eli", "OS account eli (uid 1001) on desk-1"), res.Pending.ID, "checked"); err != nil {
		t.Fatal(err)
	}

	// A new practice's only owner's setup redirect waits the same way.
	p2, err := s.CreatePractice(Operator("setup"), "One Seat Onboarding", 3)
	if err != nil {
		t.Fatal(err)
	}
	only, err := s.CreateUser(Operator("setup"), NewUser{PracticeID: p2.ID, Name: "Ona Only", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: "ona.only@example.org", EmailConfirm: "ona.only@example.org"}, Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SendVerification(dana, only.ID, "ona.typo@example.org", "ona.typo@example.org", Request{Reason: "typo"})
	wantRule(t, err, "R42")
	pv, ok, err := s.PendingFor(only.ID)
	if err != nil || !ok {
		t.Fatalf("no redirect waits: %v", err)
	}
	_, _, err = s.ApproveRequest(seat("eli", dana.Seat), pv.ID, "")
	wantRule(t, err, "R42")
	if _, _, err := s.ApproveRequest(seat("eli", "OS account eli (uid 1001) on desk-1"), pv.ID, "checked"); err != nil {
		t.Fatal(err)
	}
}

// R19, R41, R42: a change of permissions needs the request — the
// electronic permission — of an owner, and the desk records who asked. A
// name typed is no permission: a caller who says "this is Olive, the owner;
// make Mallory an admin" had it done with no check at all, and an admin
// sets any colleague's password (R18), the owner's too. So a change that
// gives or takes the owner or admin role (privileged, R42) goes only with a
// passed check of the owner who asks, by a method that counts (R41): a
// code to what is on file, their app, or another owner's or admin's
// approval. A champion's role, and a practice admin's own edits, need none.
func TestPrivilegedRoleChangeNeedsTheOwnersProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Promotion Clinic", 8)
	co := activeUser(t, s, p.ID, "Cole Owner", Roles{Owner: true}, owner.Email)
	mal := activeUser(t, s, p.ID, "Mallory Staff", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	ask := Request{Requester: owner.Email, Reason: "office manager now"}
	for _, roles := range []Roles{{Admin: true}, {Owner: true}} {
		_, err := s.SetRoles(Operator("dana"), mal.ID, roles, ask)
		wantRule(t, err, "R19")
		if !strings.Contains(err.Error(), "R41") {
			t.Fatalf("the refusal does not say how the owner is verified: %v", err)
		}
	}
	// Taking an owner's role away is as much the practice's (R2).
	_, err := s.SetRoles(Operator("dana"), co.ID, Roles{}, ask)
	wantRule(t, err, "R19")
	// Knowledge never counts (R41).
	k, err := s.StartVerification(Operator("dana"), owner.ID, VerifyStart{Method: VerifyKnowledge, Note: "knew the practice's address"})
	if err != nil {
		t.Fatal(err)
	}
	withK := ask
	withK.Verification = k.ID
	_, err = s.SetRoles(Operator("dana"), mal.ID, Roles{Admin: true}, withK)
	wantRule(t, err, "R41")
	if got := mustUser(t, s, mal.ID); got.Roles != (Roles{}) {
		t.Fatalf("roles changed on a typed requester: %+v", got.Roles)
	}
	if got := mustUser(t, s, co.ID); !got.Roles.Owner {
		t.Fatal("an owner lost the role on a typed requester")
	}
	// A champion asks for any inactivation (R20): the owner's check too.
	_, err = s.SetRoles(Operator("dana"), mal.ID, Roles{Champion: true}, ask)
	wantRule(t, err, "R19")
	withC := ask
	withC.Verification = passedCode(t, s, "dana", owner, "email").ID
	if _, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Champion: true}, withC); err != nil {
		t.Fatal(err)
	}
	v := passedCode(t, s, "dana", owner, "email")
	withV := ask
	withV.Verification = v.ID
	if _, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Champion: true, Admin: true}, withV); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActRolesChanged); ev.Verification != v.ID || ev.VerifyMethod != "code" {
		t.Fatalf("the change does not record the owner's check: %+v", ev)
	}
	// A practice admin edits permissions themselves (R19).
	asAdmin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.SetRoles(asAdmin, mal.ID, Roles{}, Request{}); err != nil {
		t.Fatal(err)
	}
}

// R41, R19: the owner's request for a privileged change is proven by a code
// to what is on file — but on an account without MFA, whoever has the
// owner's password alone can enrol a phone (or an app) of their own (R22
// asks no code when there is none yet) and read the desk's code back from
// it minutes later. A change that gives or takes the owner or admin role
// goes only with a check through a factor enrolled more than 7 days ago
// (the risk window, R42); the code to the login email on file, or another
// owner's or admin's approval, still does.
func TestPrivilegedRoleChangeNotOnAPhoneJustEnrolled(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Fresh Phone Clinic", 6)
	mal := activeUser(t, s, p.ID, "Mallory Staff", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0166"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530166")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	owner = mustUser(t, s, owner.ID)
	v := passedCode(t, s, "dana", owner, "sms")
	ask := Request{Requester: owner.Email, Reason: "office manager now", Verification: v.ID}
	_, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Admin: true}, ask)
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "enrolled") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	if mustUser(t, s, mal.ID).Roles.Admin {
		t.Fatal("made an admin on a code to a phone enrolled minutes ago")
	}
	// The address on file for long proves the owner's request.
	ev := passedCode(t, s, "dana", owner, "email")
	ask.Verification = ev.ID
	if _, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Admin: true}, ask); err != nil {
		t.Fatal(err)
	}
}

// R16, R18: a reset link is the way back in for someone who lost their
// password. Once the password was changed since — by the user, who has it,
// or by a practice admin — a reset link mailed before is the way back in
// for whoever else read that mail (a shared inbox, a mailbox briefly in the
// wrong hands): it ends with the change, and using it is refused.
func TestPasswordChangeEndsTheLiveResetLink(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Reset Race Clinic", 6)
	staff := activeUser(t, s, p.ID, "Stan Staff", Roles{}, owner.Email)
	for _, c := range []struct {
		name   string
		u      User
		change func(u User) error
	}{
		{"the user", owner, func(u User) error {
			_, err := s.ChangePassword(u.Email, testPassword(u), "", "amber quarry violin 71", "amber quarry violin 71")
			return err
		}},
		{"a practice admin", staff, func(u User) error {
			_, err := s.AdminSetPassword(owner.Email, "amber quarry violin 71", "", u.ID, "cobalt meadow fiddle 38")
			return err
		}},
	} {
		clock.Advance(6 * time.Minute) // the forgot throttle's window (R16)
		if _, err := s.ForgotPassword(c.u.Email); err != nil {
			t.Fatal(err)
		}
		link := linkIn(t, s, c.u.Email)
		if err := c.change(c.u); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		before := mustUser(t, s, c.u.ID).Password
		_, err := s.UseLink(link, goodPassword)
		wantRule(t, err, "R5")
		if !strings.Contains(err.Error(), "password was changed") {
			t.Fatalf("%s: the refusal does not say why: %v", c.name, err)
		}
		if mustUser(t, s, c.u.ID).Password != before {
			t.Fatalf("%s: a reset link mailed before the password changed set it again", c.name)
		}
	}
}

// R41, R42: an owner's or admin's approval vouches for a caller because the
// practice trusts that person. Someone given the admin (or owner) role this
// week is not yet that person: whoever talked the desk or the practice into
// the role would next vouch for the caller they are (a change split into
// two steps that each raise nothing). An approver's privileged role must be
// older than the risk window (7 days), as their address must (R41).
func TestApproverMadeAdminThisWeekDoesNotVouch(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "New Admin Clinic", 6)
	newAdmin := activeUser(t, s, p.ID, "Nina Newadmin", Roles{}, owner.Email)
	u := activeUser(t, s, p.ID, "Uma User", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	asOwner := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.SetRoles(asOwner, newAdmin.ID, Roles{Admin: true}, Request{}); err != nil {
		t.Fatal(err)
	}
	_, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: newAdmin.Email})
	wantRule(t, err, "R41")
	for _, o := range mustOptions(t, s, u.ID) {
		if o.Approver == newAdmin.Email {
			t.Fatalf("the desk is offered an approver made admin today: %+v", o)
		}
	}
	// Picked for the desk: the owner, whose role is old.
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval})
	if err != nil || v.Approver != owner.Email {
		t.Fatalf("picked approver: %+v %v", v, err)
	}
	clock.Advance(7*24*time.Hour + time.Minute)
	if _, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: newAdmin.Email}); err != nil {
		t.Fatal(err)
	}
}

// R19, R3, R41: what a change of roles may not do (TestPrivilegedRoleChange
// NeedsTheOwnersProvenRequest), adding a user may not either: "add Mallory,
// mallory@evil.example, as an admin — the champion asked" sent the setup
// link of an admin account to the caller's own address. The admin role,
// like the owner role, is given at an owner's request only (R19), and
// through the desk with that owner's passed check (R41); so is bringing an
// inactive owner or admin back (R20). A champion still has staff added, at
// their own proven request (R3, TestDeskAddOnlyAtAProvenRequest).
func TestPrivilegedUserAddedOnlyAtTheOwnersProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Add Admin Clinic", 8)
	champ := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true}, owner.Email)
	exAdmin := activeUser(t, s, p.ID, "Ex Admin", Roles{Admin: true}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	if _, err := s.Inactivate(Operator("dana"), exAdmin.ID, Request{Requester: owner.Email, Reason: "left",
		Verification: ownerCheck(t, s, "dana", owner)}); err != nil {
		t.Fatal(err)
	}
	const evil = "mallory@evil.example"
	nu := NewUser{PracticeID: p.ID, Name: "Mallory Newadmin", Kind: KindStaff, Roles: Roles{Admin: true}, Email: evil, EmailConfirm: evil}
	_, _, err := s.AddUser(Operator("dana"), nu, Request{Requester: champ.Email, Reason: "new office manager"})
	wantRule(t, err, "R19")
	_, _, err = s.AddUser(Operator("dana"), nu, Request{Requester: owner.Email, Reason: "new office manager"})
	wantRule(t, err, "R19")
	_, err = s.Reactivate(Operator("dana"), exAdmin.ID, Request{Requester: owner.Email, Reason: "back"})
	wantRule(t, err, "R19")
	if _, err := s.UserByLogin(evil); !IsNotFound(err) {
		t.Fatal("an admin was added on a typed request")
	}
	if n := codesTo(t, s, evil); n != 0 {
		t.Fatalf("%d messages went to %s", n, evil)
	}
	if mustUser(t, s, exAdmin.ID).Status != StatusInactive {
		t.Fatal("an admin came back on a typed request")
	}
	// Staff at a champion's proven word; an admin with the owner's passed check.
	staff := nu
	staff.Roles, staff.Email, staff.EmailConfirm = Roles{}, "sam.staff@example.org", "sam.staff@example.org"
	if _, _, err := s.AddUser(Operator("dana"), staff, Request{Requester: champ.Email, Reason: "new hire",
		Verification: ownerCheck(t, s, "dana", champ)}); err != nil {
		t.Fatal(err)
	}
	v := passedCode(t, s, "dana", owner, "email")
	if _, _, err := s.AddUser(Operator("dana"), nu, Request{Requester: owner.Email, Reason: "new office manager", Verification: v.ID}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActUserCreated); ev.Verification != v.ID {
		t.Fatalf("the addition does not record the owner's check: %+v", ev)
	}
}

// ownerCheck is a passed caller check of owner by op, for a change that
// gives the owner or admin role through the desk (R19, R41).
func ownerCheck(t testing.TB, s *Service, op string, owner User) uint64 {
	t.Helper()
	return passedCode(t, s, op, owner, "email").ID
}

// R20, R41: inactivating or replacing an owner or an admin takes that role
// away — a change of roles the desk verifies the caller for (R41). "This
// is the champion: Ada the admin left, inactivate her" (or "I'm Paula the
// partner, I'm leaving", or "replace Paula by Mallory") on a typed
// requester locked a practice's admin or owner out. Through the desk the
// requester's request is proven by their passed caller check, their own
// included, under the same rules as giving the role (R19); staff still go
// at a typed request, and one check serves a replace that also adds an
// admin.
func TestPrivilegedLeaverOnlyAtAProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Leaver Clinic", 10)
	partner := activeUser(t, s, p.ID, "Paula Partner", Roles{Owner: true}, owner.Email)
	ada := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	champ := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true}, owner.Email)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	op := Operator("dana")
	const evil = "mallory@evil.example"
	mallory := NewUser{Name: "Mallory Newadmin", Kind: KindStaff, Roles: Roles{Admin: true}, Email: evil, EmailConfirm: evil}
	newStaff := NewUser{Name: "Nat Newstaff", Kind: KindStaff, Email: "nat.newstaff@example.org", EmailConfirm: "nat.newstaff@example.org"}

	_, err := s.Inactivate(op, ada.ID, Request{Requester: champ.Email, Reason: "left"})
	wantRule(t, err, "R20")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), champ.Email) {
		t.Fatalf("the refusal does not say whose check is missing: %v", err)
	}
	_, err = s.Inactivate(op, partner.ID, Request{Requester: partner.Email, Reason: "I'm leaving"})
	wantRule(t, err, "R20")
	_, _, _, err = s.ReplaceAndSend(op, partner.ID, newStaff, Request{Requester: owner.Email, Reason: "took over"})
	wantRule(t, err, "R20")
	// Knowledge never counts (R41).
	k, err := s.StartVerification(op, champ.ID, VerifyStart{Method: VerifyKnowledge, Note: "knew the practice's address"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Inactivate(op, ada.ID, Request{Requester: champ.Email, Reason: "left", Verification: k.ID})
	wantRule(t, err, "R41")
	// A check of someone else is not the requester's (R41).
	_, err = s.Inactivate(op, ada.ID, Request{Requester: champ.Email, Reason: "left", Verification: ownerCheck(t, s, "dana", staff)})
	wantRule(t, err, "R41")
	for _, u := range []User{ada, partner} {
		if got := mustUser(t, s, u.ID); got.Status != StatusActive {
			t.Fatalf("%s let go on a typed request: %s", got.Login(), got.Status)
		}
	}
	if n := codesTo(t, s, "nat.newstaff@example.org"); n != 0 {
		t.Fatalf("a newcomer was added in a partner's place on a typed request (%d messages)", n)
	}

	// Staff at a typed request; the privileged with the requester's check.
	if _, err := s.Inactivate(op, staff.ID, Request{Requester: champ.Email, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	v := ownerCheck(t, s, "dana", champ)
	if _, err := s.Inactivate(op, ada.ID, Request{Requester: champ.Email, Reason: "left", Verification: v}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActUserInactivated); ev.Verification != v || ev.VerifyMethod != "code" {
		t.Fatalf("the inactivation does not record the requester's check: %+v", ev)
	}
	// A replace that takes the owner role away and gives the admin role
	// goes with one check of the owner who asks.
	v = ownerCheck(t, s, "dana", owner)
	mallory.Email, mallory.EmailConfirm = "marta.newadmin@example.org", "marta.newadmin@example.org"
	if _, _, _, err := s.ReplaceAndSend(op, partner.ID, mallory, Request{Requester: owner.Email, Reason: "took over", Verification: v}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActUserReplaced); ev.Verification != v {
		t.Fatalf("the replace does not record the owner's check: %+v", ev)
	}
}

// R2, R41: only a financial decision maker asks for licenses, and buying
// them commits the practice's money. "This is Olive, the owner: add 500
// licenses" on a typed name had the practice buy them. Through the desk the
// owner's request is proven by their passed caller check, by the rules that
// prove a privileged change (no knowledge check, no phone enrolled this
// week), and the request and its event record it; the owner asking in the
// product themselves needs none.
func TestLicensesBoughtOnlyAtTheOwnersProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Purchase Clinic", 3)
	clock.Advance(8 * 24 * time.Hour)
	op := Operator("dana")
	ask := Request{Requester: owner.Email, Reason: "new office"}
	_, err := s.RequestLicenses(op, p.ID, 500, ask)
	wantRule(t, err, "R2")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), "verify start "+owner.Email) {
		t.Fatalf("the refusal does not say how the owner is verified: %v", err)
	}
	k, err := s.StartVerification(op, owner.ID, VerifyStart{Method: VerifyKnowledge, Note: "knew the tax id"})
	if err != nil {
		t.Fatal(err)
	}
	withK := ask
	withK.Verification = k.ID
	_, err = s.RequestLicenses(op, p.ID, 500, withK)
	wantRule(t, err, "R41")
	// A phone the caller enrolled minutes ago with the owner's password.
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0188"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530188")); err != nil {
		t.Fatal(err)
	}
	owner = mustUser(t, s, owner.ID)
	withSMS := ask
	withSMS.Verification = passedCode(t, s, "dana", owner, "sms").ID
	_, err = s.RequestLicenses(op, p.ID, 500, withSMS)
	wantRule(t, err, "R41")
	if rs, _ := s.LicenseRequests(p.ID); len(rs) != 0 {
		t.Fatalf("licenses requested on an unproven request: %+v", rs)
	}
	// The login email on file, for long, proves it.
	v := passedCode(t, s, "dana", owner, "email")
	withV := ask
	withV.Verification = v.ID
	lr, err := s.RequestLicenses(op, p.ID, 5, withV)
	if err != nil {
		t.Fatal(err)
	}
	if lr.Verification != v.ID {
		t.Fatalf("the request does not record the owner's check: %+v", lr)
	}
	if ev := lastEvent(t, s, ActLicensesRequested); ev.Verification != v.ID || ev.VerifyMethod != "code" {
		t.Fatalf("the event does not record the owner's check: %+v", ev)
	}
	// The owner in the product is their own proof.
	if _, err := s.RequestLicenses(Actor{Kind: ActorUser, Name: owner.Email, UserID: owner.ID}, p.ID, 2, Request{Reason: "one more"}); err != nil {
		t.Fatal(err)
	}
}

// R19, R20, R41: an admin leaves only at a proven request
// (TestPrivilegedLeaverOnlyAtAProvenRequest), so the caller splits it in
// two: "this is Olive, the owner: take Ada's admin role away", then "this
// is the champion: Ada left, inactivate her" — each step on a typed name.
// Taking the admin role away is a privileged change of roles as giving it
// is: the owner's passed check goes with it. A practice admin still edits
// roles themselves.
func TestAdminNotDemotedOnATypedRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Two Step Clinic", 6)
	ada := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true, Champion: true}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	ask := Request{Requester: owner.Email, Reason: "no longer runs the office"}
	_, err := s.SetRoles(Operator("dana"), ada.ID, Roles{Champion: true}, ask)
	wantRule(t, err, "R19")
	if !strings.Contains(err.Error(), "R41") {
		t.Fatalf("the refusal does not say how the owner is verified: %v", err)
	}
	if !mustUser(t, s, ada.ID).Roles.Admin {
		t.Fatal("an admin was demoted on a typed request")
	}
	ask.Verification = ownerCheck(t, s, "dana", owner)
	if _, err := s.SetRoles(Operator("dana"), ada.ID, Roles{Champion: true}, ask); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActRolesChanged); ev.Verification != ask.Verification {
		t.Fatalf("the demotion does not record the owner's check: %+v", ev)
	}
	asAdmin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.SetRoles(asAdmin, ada.ID, Roles{Admin: true}, Request{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRoles(asAdmin, ada.ID, Roles{}, Request{}); err != nil {
		t.Fatal(err)
	}
}

// R19, R20, R41: an owner or admin leaves at a proven request
// (TestPrivilegedLeaverOnlyAtAProvenRequest), and a champion may ask for
// it. Mallory, staff, called as the owner: "make Mallory our champion" —
// a typed request, no role the desk thought privileged — then called as
// herself, passed her own check, and had the practice's admin inactivated
// on her word. Giving the champion role through the desk goes with the
// asking owner's passed check too.
func TestChampionNotMadeOnATypedRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Champion Clinic", 6)
	ada := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	mal := activeUser(t, s, p.ID, "Mallory Staff", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	ask := Request{Requester: owner.Email, Reason: "runs the rollout"}
	_, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Champion: true}, ask)
	wantRule(t, err, "R19")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), "R20") {
		t.Fatalf("the refusal does not say why or how: %v", err)
	}
	_, err = s.Inactivate(Operator("dana"), ada.ID, Request{Requester: mal.Email, Reason: "left",
		Verification: ownerCheck(t, s, "dana", mal)})
	wantRule(t, err, "R20")
	if mustUser(t, s, ada.ID).Status != StatusActive {
		t.Fatal("an admin was inactivated at the word of a champion made on a typed request")
	}
	// With the owner's check, and by a practice admin themselves.
	ask.Verification = ownerCheck(t, s, "dana", owner)
	if _, err := s.SetRoles(Operator("dana"), mal.ID, Roles{Champion: true}, ask); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRoles(Operator("dana"), mal.ID, Roles{}, Request{Requester: owner.Email, Reason: "rollout done"}); err != nil {
		t.Fatal(err) // taking the champion role away needs no check
	}
	asAdmin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.SetRoles(asAdmin, mal.ID, Roles{Champion: true}, Request{}); err != nil {
		t.Fatal(err)
	}
}

// R3, R41, R14: a user is brought back at the request of an owner, champion
// or admin (R3), and comes back with the password they left with. Fred,
// fired, called as the practice's champion ("Fred is back with us", a name
// typed), was reactivated and logged in with his old password — back at
// the patients' records. Through the desk a reactivation goes only at the
// requester's request proven by their passed caller check (R41), by the
// rules that prove a privileged change; a practice admin acting in the
// product needs none.
func TestReactivationOnlyAtAProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Rehire Clinic", 6)
	champ := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true}, owner.Email)
	fred := activeUser(t, s, p.ID, "Fred Fired", Roles{}, owner.Email)
	other := activeUser(t, s, p.ID, "Otto Other", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	op := Operator("dana")
	if _, err := s.Inactivate(op, fred.ID, Request{Requester: champ.Email, Reason: "let go"}); err != nil {
		t.Fatal(err)
	}
	ask := Request{Requester: champ.Email, Reason: "rehired"}
	_, err := s.Reactivate(op, fred.ID, ask)
	wantRule(t, err, "R3")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), "verify start "+champ.Email) || !strings.Contains(err.Error(), "--verification") {
		t.Fatalf("the refusal does not say how to proceed: %v", err)
	}
	// Knowledge never counts; a check of someone else is not the asker's.
	k, err := s.StartVerification(op, champ.ID, VerifyStart{Method: VerifyKnowledge, Note: "knew the office's address"})
	if err != nil {
		t.Fatal(err)
	}
	withK := ask
	withK.Verification = k.ID
	_, err = s.Reactivate(op, fred.ID, withK)
	wantRule(t, err, "R41")
	withOther := ask
	withOther.Verification = passedCode(t, s, "dana", other, "email").ID
	_, err = s.Reactivate(op, fred.ID, withOther)
	wantRule(t, err, "R41")
	if got := mustUser(t, s, fred.ID); got.Status != StatusInactive {
		t.Fatalf("a fired user came back on a typed request: %s", got.Status)
	}
	_, err = s.Login(fred.Email, testPassword(fred))
	wantRule(t, err, "R14")

	// With the champion's passed check, recorded; by a practice admin themselves.
	v := passedCode(t, s, "dana", champ, "email")
	ask.Verification = v.ID
	back, err := s.Reactivate(op, fred.ID, ask)
	if err != nil || back.Status != StatusActive {
		t.Fatalf("reactivation with the champion's check: %+v %v", back, err)
	}
	if ev := lastEvent(t, s, ActUserReactivated); ev.Verification != v.ID || ev.VerifyMethod != "code" {
		t.Fatalf("the reactivation does not record the champion's check: %+v", ev)
	}
	asAdmin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.Inactivate(asAdmin, other.ID, Request{Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reactivate(asAdmin, other.ID, Request{Reason: "back"}); err != nil {
		t.Fatal(err)
	}
}

// R3, R41: users are added at the request of an owner, champion or admin
// (R3), and the setup link goes to the address the desk is given. A caller
// who said "this is Cara, the champion: add our new receptionist,
// mallory@evil.example" (a name typed) had an account at the clinic made
// for themselves, and the link sent to them; a replace of a leaver did the
// same. Through the desk a user is added only at the requester's request
// proven by their passed caller check (R41); a practice admin acting in
// the product needs none, nor does a new practice's owner at onboarding.
func TestDeskAddOnlyAtAProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Front Desk Clinic", 8)
	champ := activeUser(t, s, p.ID, "Cara Champion", Roles{Champion: true}, owner.Email)
	leaver := activeUser(t, s, p.ID, "Lee Leaving", Roles{}, owner.Email)
	clock.Advance(8 * 24 * time.Hour)
	op := Operator("dana")
	const evil = "mallory@evil.example"
	mallory := NewUser{PracticeID: p.ID, Name: "Mallory Receptionist", Kind: KindStaff, Email: evil, EmailConfirm: evil}
	ask := Request{Requester: champ.Email, Reason: "new receptionist"}
	_, _, err := s.AddUser(op, mallory, ask)
	wantRule(t, err, "R3")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), "verify start "+champ.Email) || !strings.Contains(err.Error(), "--verification") {
		t.Fatalf("the refusal does not say how to proceed: %v", err)
	}
	_, err = s.CreateUser(op, mallory, ask)
	wantRule(t, err, "R3")
	_, _, _, err = s.ReplaceAndSend(op, leaver.ID, mallory, ask)
	wantRule(t, err, "R3")
	k, err := s.StartVerification(op, champ.ID, VerifyStart{Method: VerifyKnowledge, Note: "knew the office hours"})
	if err != nil {
		t.Fatal(err)
	}
	withK := ask
	withK.Verification = k.ID
	_, _, err = s.AddUser(op, mallory, withK)
	wantRule(t, err, "R41")
	if _, err := s.UserByLogin(evil); !IsNotFound(err) {
		t.Fatal("a user was added on a typed request")
	}
	if n := codesTo(t, s, evil); n != 0 {
		t.Fatalf("%d messages went to %s", n, evil)
	}
	if mustUser(t, s, leaver.ID).Status != StatusActive {
		t.Fatal("a leaver was replaced on a typed request")
	}

	// With the champion's passed check, recorded.
	v := passedCode(t, s, "dana", champ, "email")
	withV := ask
	withV.Verification = v.ID
	mallory.Email, mallory.EmailConfirm = "rita.receptionist@example.org", "rita.receptionist@example.org"
	if _, _, err := s.AddUser(op, mallory, withV); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActUserCreated); ev.Verification != v.ID || ev.VerifyMethod != "code" {
		t.Fatalf("the addition does not record the champion's check: %+v", ev)
	}
	// A practice admin in the product is their own proof.
	staff := NewUser{PracticeID: p.ID, Name: "Sam Staff", Kind: KindStaff, Email: "sam.staff@example.org", EmailConfirm: "sam.staff@example.org"}
	if _, _, err := s.AddUser(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, staff, Request{}); err != nil {
		t.Fatal(err)
	}
}

// R3, R41, R4: whoever reads a pending user's setup email owns the account.
// A caller who said "this is Cara, the champion: Nina never got her setup
// email, send it to nina.home@evil.example" (a name typed) had Nina's
// account, with the roles the practice gave her, sent to an address of
// their own. Through the desk a setup email goes to a new address only at
// the requester's request proven by their passed caller check (R41); a
// resend to the address on file needs nobody (R6), and a new practice's
// only owner's redirect still waits for a second operator (R42).
func TestSetupRedirectOnlyAtAProvenRequest(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Redirect Proof Clinic", 8)
	champ := activeUser(t, s, p.ID, "Cara Champion", Roles{Champion: true}, owner.Email)
	nina := pendingAdded(t, s, owner, NewUser{PracticeID: p.ID, Name: "Nina New", Kind: KindStaff,
		Email: "nina.new@example.org", EmailConfirm: "nina.new@example.org"})
	clock.Advance(8 * 24 * time.Hour)
	op := Operator("dana")
	const evil = "nina.home@evil.example"
	ask := Request{Requester: champ.Email, Reason: "never got it"}
	_, _, err := s.SendVerification(op, nina.ID, evil, evil, ask)
	wantRule(t, err, "R3")
	if !strings.Contains(err.Error(), "R41") || !strings.Contains(err.Error(), "verify start "+champ.Email) || !strings.Contains(err.Error(), "--verification") {
		t.Fatalf("the refusal does not say how to proceed: %v", err)
	}
	_, _, err = s.ChangeEmailByOperator(op, nina.ID, evil, evil, ask)
	wantRule(t, err, "R3")
	if got := mustUser(t, s, nina.ID); got.Email != nina.Email {
		t.Fatalf("redirected on a typed request to %s", got.Email)
	}
	if n := codesTo(t, s, evil); n != 0 {
		t.Fatalf("%d messages went to %s", n, evil)
	}
	// The address on file needs nobody (R6).
	if _, _, err := s.SendVerification(op, nina.ID, "", "", Request{Reason: "resend"}); err != nil {
		t.Fatal(err)
	}
	// With the champion's passed check, recorded.
	v := passedCode(t, s, "dana", champ, "email")
	ask.Verification = v.ID
	const fixed = "nina.new@example.net"
	if u, _, err := s.SendVerification(op, nina.ID, fixed, fixed, ask); err != nil || u.Email != fixed {
		t.Fatalf("a proven redirect: %+v %v", u, err)
	}
	if ev := lastEvent(t, s, ActVerificationSent); ev.Verification != v.ID || ev.VerifyMethod != "code" {
		t.Fatalf("the redirect does not record the champion's check: %+v", ev)
	}
}
