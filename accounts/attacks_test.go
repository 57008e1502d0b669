package accounts

import (
	"strings"
	"testing"
	"time"
)

// An attacker's review of the identity flows, second round: each test is
// one attack that worked, named by the rule it broke.

// pendingIn adds a pending (never verified) user to practice p.
func pendingIn(t *testing.T, s *Service, p Practice, owner User, name, email string) User {
	t.Helper()
	u, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: name, Kind: KindStaff,
		Email: email, EmailConfirm: email}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// R4, R3: the account-setup email of a user who has not verified yet can
// carry a new login email (R6), so sending it is taking the account: the
// link's holder chooses its password. An admin of another practice, or any
// practice user, who sends it to their own address would own a stranger's
// new account. Only the desk or an admin of the user's own practice sends
// it, and only they correct the name of a pending user.
func TestSetupEmailOnlyFromTheUsersOwnPractice(t *testing.T) {
	s, _ := newTestService(t)
	pa, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	pb, ownerB, _ := practiceWith(t, s, "Practice B", 5)
	pend := pendingIn(t, s, pb, ownerB, "Petra Pending", "petra.pending@example.org")
	const evil = "mallory.evil@example.net"
	staffA := activeUser(t, s, pa.ID, "Stan Staff", Roles{}, ownerA.Email)
	for _, actor := range []Actor{
		{Kind: ActorAdmin, Name: ownerA.Email, UserID: ownerA.ID}, // an admin, of another practice
		{Kind: ActorUser, Name: ownerA.Email, UserID: ownerA.ID},
		{Kind: ActorUser, Name: staffA.Email, UserID: staffA.ID},
	} {
		_, _, err := s.SendVerification(actor, pend.ID, evil, evil, Request{})
		wantRule(t, err, "R4")
		_, err = s.Rename(actor, pend.ID, "Mallory Evil", Request{})
		wantRule(t, err, "R3")
	}
	if got := mustUser(t, s, pend.ID); got.Email != pend.Email || got.Name != pend.Name || got.SetupLink != 0 {
		t.Fatalf("another practice changed a pending account: %+v", got)
	}
	if ms, _ := s.outbox(OutboxQuery{To: evil, Limit: 10}); len(ms) != 0 {
		t.Fatalf("a setup link went to %s", evil)
	}
	// The user's own practice admin and the desk still can.
	adminB := Actor{Kind: ActorAdmin, Name: ownerB.Email, UserID: ownerB.ID}
	if _, err := s.Rename(adminB, pend.ID, "Petra Pendleton", Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(adminB, pend.ID, "", "", Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(Operator("op"), pend.ID, "", "", Request{Reason: "resend"}); err != nil {
		t.Fatal(err)
	}
}

// R3, R2: a practice with no users yet gets its owner at onboarding, which
// is the desk's work. A practice user or admin of another practice cannot
// make themselves (or anyone) the first owner of a customer they are not.
func TestFirstOwnerOnlyByTheDesk(t *testing.T) {
	s, _ := newTestService(t)
	_, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	empty, err := s.CreatePractice(Operator("setup"), "Empty Practice", 5)
	if err != nil {
		t.Fatal(err)
	}
	first := NewUser{PracticeID: empty.ID, Name: "Mal Owner", Kind: KindProvider, Roles: Roles{Owner: true, Admin: true},
		Email: "mal.owner@example.net", EmailConfirm: "mal.owner@example.net"}
	for _, actor := range []Actor{
		{Kind: ActorAdmin, Name: ownerA.Email, UserID: ownerA.ID},
		{Kind: ActorUser, Name: ownerA.Email, UserID: ownerA.ID},
	} {
		_, err := s.CreateUser(actor, first, Request{})
		wantRule(t, err, "R3")
		_, _, err = s.AddUser(actor, first, Request{})
		wantRule(t, err, "R3")
	}
	if p, _ := s.Practice(empty.ID); p.InUse != 0 {
		t.Fatalf("a stranger added the first owner: %+v", p)
	}
	if _, err := s.CreateUser(Operator("onboarding"), first, Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
}

// R19, R2: a practice admin edits permissions themselves, but an owner is
// the practice's financial decision maker, the only one who may ask for
// licenses (R2) or for permission changes through the desk (R19). An admin
// who is not an owner cannot make themselves or anyone an owner, nor take
// the role from one.
func TestAdminWhoIsNotOwnerCannotMoveOwnership(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Promo Clinic", 6)
	co := activeUser(t, s, p.ID, "Cora Coowner", Roles{Owner: true}, owner.Email)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	staff := activeUser(t, s, p.ID, "Stu Staff", Roles{}, owner.Email)
	asAdmin := Actor{Kind: ActorAdmin, Name: admin.Email, UserID: admin.ID}
	_, err := s.SetRoles(asAdmin, admin.ID, Roles{Admin: true, Owner: true}, Request{})
	wantRule(t, err, "R19")
	_, err = s.SetRoles(asAdmin, staff.ID, Roles{Owner: true}, Request{})
	wantRule(t, err, "R19")
	_, err = s.SetRoles(asAdmin, co.ID, Roles{}, Request{})
	wantRule(t, err, "R19")
	if mustUser(t, s, admin.ID).Roles.Owner || mustUser(t, s, staff.ID).Roles.Owner || !mustUser(t, s, co.ID).Roles.Owner {
		t.Fatal("an admin who is not an owner moved ownership")
	}
	// Other permissions are the admin's to edit; an owner who is an admin
	// may move ownership too.
	if _, err := s.SetRoles(asAdmin, staff.ID, Roles{Champion: true}, Request{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRoles(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, staff.ID, Roles{Champion: true, Owner: true}, Request{}); err != nil {
		t.Fatal(err)
	}
}

// R41, R19: a change of roles is vouched for by a check of the owner who
// asks. If that check is an approval, and the approver is the very user
// whose roles change (an admin asking for their own promotion while the
// desk thinks it talks to the owner), the user has vouched for themselves.
func TestRolesCheckNotApprovedByItsBeneficiary(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Benefit Clinic", 5)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	clock.Advance(8 * 24 * 3600e9)
	v, err := s.StartVerification(Operator("dana"), owner.ID, VerifyStart{Method: VerifyApproval, Approver: admin.Email})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerApproval(linkIn(t, s, admin.Email), true); err != nil {
		t.Fatal(err)
	}
	_, err = s.SetRoles(Operator("dana"), admin.ID, Roles{Admin: true, Owner: true}, Request{Requester: owner.Email, Reason: "promotion", Verification: v.ID})
	wantRule(t, err, "R41")
	if mustUser(t, s, admin.ID).Roles.Owner {
		t.Fatal("promoted on a check its beneficiary approved")
	}
	if got, _ := s.Verification(v.ID); got.State != VerifyPassed {
		t.Fatalf("the refused change used the check: %s", got.State)
	}
	// The same check still vouches for a change that is not the approver's.
	staff := activeUser(t, s, p.ID, "Stu Staff", Roles{}, owner.Email)
	if _, err := s.SetRoles(Operator("dana"), staff.ID, Roles{Champion: true}, Request{Requester: owner.Email, Reason: "champion", Verification: v.ID}); err != nil {
		t.Fatal(err)
	}
}

// R10, R8, R14: a legacy user who set up their account and logged in is a
// person's account for life. Inactivated and brought back, they came back
// pending (they have no login email to verify), so they could not log in,
// and a pending account's name could be changed: the account of one person
// became another's. They come back active, and their name stays theirs.
func TestReactivatedLegacyUserStaysTheirs(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Legacy Return Clinic", 5)
	u, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Larry Legacy", Kind: KindStaff,
		Username: "llarry", ContactEmail: "larry@example.net"}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendPasswordReset(Operator("op"), u.ID, Request{Reason: "first password", VerifiedBy: "owner confirmed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, "larry@example.net"), goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login("llarry", goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inactivate(Operator("op"), u.ID, Request{Requester: owner.Email, Reason: "leave"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Rename(Operator("op"), u.ID, "Someone Else", Request{Reason: "new hire"})
	wantRule(t, err, "R10")
	back, err := s.Reactivate(Operator("op"), u.ID, Request{Requester: owner.Email, Reason: "back from leave",
		Verification: ownerCheck(t, s, "op", owner)})
	if err != nil || back.Status != StatusActive {
		t.Fatalf("reactivated legacy user: %s %v", back.Status, err)
	}
	if _, err := s.Login("llarry", goodPassword); err != nil {
		t.Fatalf("login after reactivation: %v", err)
	}
	_, err = s.Rename(Operator("op"), u.ID, "Someone Else", Request{Reason: "new hire"})
	wantRule(t, err, "R10")
	if mustUser(t, s, u.ID).Name != "Larry Legacy" {
		t.Fatal("a set-up account was renamed to another person")
	}
}

// R42: "several desk contacts in 24 hours" flags a user. A caller the desk
// turned down is a contact too (the refusal is on record), or a caller who
// tries operator after operator leaves no trace in the risk: here two
// operators refused to clear on a knowledge check, and a third cleared at
// once on one code to the email on file, with no second operator. A refusal
// by the operator who just made a contact (the same call) is not another.
func TestRefusedDeskRequestsAreContacts(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	_, err := s.ClearMFA(Operator("dana"), u.ID, "confirmed by the practice owner", "the owner said so", "lost phone")
	wantRule(t, err, "R41")
	if r, _ := s.Risk(u.ID); len(r) != 0 {
		t.Fatalf("one refused call flagged: %+v", r)
	}
	clock.Advance(20 * 60e9)
	_, err = s.ClearMFA(Operator("eli"), u.ID, "video call with photo ID", "looked like the badge", "lost phone")
	wantRule(t, err, "R41")
	r, _ := s.Risk(u.ID)
	if len(r) != 1 || r[0].Signal != SignalDeskContacts {
		t.Fatalf("two refused calls are not two contacts: %+v", r)
	}
	v := passedCode(t, s, "fay", u, "email")
	res, err := s.ClearMFAVerified(Operator("fay"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("cleared without a second operator after two refused calls: %+v %v", res, err)
	}

	// One operator's fumbles on one call are one contact.
	s2, clock2 := newTestService(t)
	_, _, w := smsUser(t, s2, clock2)
	if _, err := s2.StartVerification(Operator("dana"), w.ID, VerifyStart{Method: VerifyKnowledge, Note: "employee id"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_, err := s2.Unlock(Operator("Dana"), w.ID, Request{Reason: "says locked", VerifiedBy: "employee id"})
		wantRule(t, err, "R13")
	}
	if r, _ := s2.Risk(w.ID); len(r) != 0 {
		t.Fatalf("one call counted as several contacts: %+v", r)
	}

	// The clear refused for want of a check, then the check and the clear,
	// is one call: carried out at once for a user with no other signal.
	s3, clock3 := newTestService(t)
	_, _, x := smsUser(t, s3, clock3)
	_, err = s3.ClearMFA(Operator("dana"), x.ID, "confirmed by the practice owner", "the owner said so", "lost phone")
	wantRule(t, err, "R41")
	clock3.Advance(2 * 60e9)
	v3 := passedCode(t, s3, "dana", x, "")
	if res, err := s3.ClearMFAVerified(Operator("dana"), x.ID, ClearMFARequest{Verification: v3.ID, Reason: "lost phone"}); err != nil || res.Pending != nil {
		t.Fatalf("a refusal and its check were counted as two calls: %+v %v", res, err)
	}
}

// R20, R26: a user who left has no caller to clear MFA for, and if
// reactivated would come back without their factor. Four eyes refuse such a
// clear (TestFourEyesRefusedWhenUserInactivatedMeanwhile); the clear carried
// out at once, for a user with no risk signal, did not.
func TestNoClearForAnInactiveUser(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	v := passedCode(t, s, "dana", u, "")
	if _, err := s.Inactivate(Operator("fay"), u.ID, Request{Requester: owner.Email, Reason: "left the practice"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	wantRule(t, err, "R20")
	if mustUser(t, s, u.ID).MFA.Method != MFASMS {
		t.Fatal("the MFA of an inactive user was cleared")
	}
	if e, _ := s.EligibleFor(Operator("dana"), ActionClearMFA, Target{UserID: u.ID}); e.OK || e.Rule != "R20" {
		t.Fatalf("the clear is offered for an inactive user: %+v", e)
	}
}

// R9, R7: a logged-in user asking to change their login email learned from
// the refusal (R9 "already in use") whether any address has an account,
// unbounded, for any address. A taken address is now answered as a free one
// is: the change awaits a verification and the old address is told; but no
// link goes out, so it never completes, and the address's owner is told
// someone tried it. The audit records the truth.
func TestEmailChangeDoesNotTellWhoHasAnAccount(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Probe Clinic", 5)
	prober := activeUser(t, s, p.ID, "Pat Prober", Roles{}, owner.Email)
	_, stranger, _ := practiceWith(t, s, "Someone Else's Clinic", 5)

	answer := func(addr string) (User, Message) {
		t.Helper()
		u, err := s.ChangeOwnEmail(prober.Email, testPassword(prober), "", addr)
		if err != nil {
			t.Fatalf("change to %s: %v", addr, err)
		}
		return u, newestTo(t, s, prober.Email)
	}
	free, freeNote := answer("pat.free@example.org")
	taken, takenNote := answer(stranger.Email)
	if free.PendingEmail != "pat.free@example.org" || taken.PendingEmail != stranger.Email ||
		freeNote.Subject != takenNote.Subject || freeNote.ID == takenNote.ID {
		t.Fatalf("the answers differ: %+v / %+v; %q / %q", free, taken, freeNote.Subject, takenNote.Subject)
	}
	told := newestTo(t, s, stranger.Email)
	if !strings.Contains(told.Subject, "tried to use your email") || strings.Contains(told.Body, LinkBase) {
		t.Fatalf("the address's owner was not told, or got a link: %+v", told)
	}
	if got := mustUser(t, s, prober.ID); got.EmailChangeLink != 0 || got.Email != prober.Email {
		t.Fatalf("a change to a taken address can complete: %+v", got)
	}
	if ev := lastEvent(t, s, ActEmailChangeStarted); ev.Outcome != refusedOutcome("R9") {
		t.Fatalf("the audit hides what happened: %+v", ev)
	}
	// The link to the free address, sent before, was superseded by the
	// later request, as any newer change supersedes an older one.
	if l, _ := s.InspectLink(linkIn(t, s, "pat.free@example.org")); l.State != LinkSuperseded {
		t.Fatalf("earlier link %s", l.State)
	}
	// Their own address is not a change.
	_, err := s.ChangeOwnEmail(prober.Email, testPassword(prober), "", strings.ToUpper(prober.Email))
	wantRule(t, err, "R9")
}

// R41: an approver is asked at an email that has been theirs for more than
// 7 days (TestApproverWithChangedEmail). An account set up minutes ago has
// an address that became its login just as new: whoever got hold of a
// pending admin's setup email would vouch for callers at once. A new
// owner or admin approves once their address has been theirs for a week.
func TestApproverSetUpThisWeekDoesNotVouch(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, u := smsUser(t, s, clock)
	const fresh = "nadia.new@example.org"
	if _, _, err := s.AddUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Nadia Newadmin", Kind: KindStaff, Roles: Roles{Admin: true},
		Email: fresh, EmailConfirm: fresh}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, fresh), "a-fresh-admin-passphrase-9"); err != nil {
		t.Fatal(err)
	}
	_, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: fresh})
	wantRule(t, err, "R41")
	opts, _ := s.VerifyOptions(u.ID)
	for _, o := range opts {
		if o.Approver == fresh {
			t.Fatalf("an admin set up minutes ago is offered as an approver: %+v", o)
		}
	}
	clock.Advance(7*24*time.Hour + time.Minute)
	if _, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: fresh}); err != nil {
		t.Fatalf("a week after the setup: %v", err)
	}
}

// R28: portal accounts are the practice's: an admin of another practice, or
// a practice user, cannot add patient-portal accounts to a practice (taking
// its patients' portal logins) — only the desk or the practice's own admin.
func TestPatientAccountsOnlyByTheirPractice(t *testing.T) {
	s, _ := newTestService(t)
	_, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	pb, ownerB, _ := practiceWith(t, s, "Practice B", 5)
	for _, actor := range []Actor{
		{Kind: ActorAdmin, Name: ownerA.Email, UserID: ownerA.ID},
		{Kind: ActorUser, Name: ownerB.Email, UserID: ownerB.ID},
	} {
		_, err := s.CreatePatient(actor, pb.ID, "Pat Patient", "pat.patient", "pat@example.net")
		wantRule(t, err, "R28")
	}
	if ev := lastEvent(t, s, ActPatientCreated); ev.Outcome != refusedOutcome("R28") {
		t.Fatalf("the refusal is not on record: %+v", ev)
	}
	if _, err := s.CreatePatient(Actor{Kind: ActorAdmin, Name: ownerB.Email, UserID: ownerB.ID}, pb.ID, "Pat Patient", "pat.patient", "pat@example.net"); err != nil {
		t.Fatal(err)
	}
}

// R19, R2: who may not make someone an owner (TestAdminWhoIsNotOwnerCannot
// MoveOwnership) may not add one either: an admin who is not an owner
// adding a new user, at their own second address, with the owner role, or
// the desk adding an owner at a champion's or an admin's word.
func TestOnlyAnOwnerAddsAnOwner(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Add Owner Clinic", 6)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	champ := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true}, owner.Email)
	nu := NewUser{PracticeID: p.ID, Name: "Ada Again", Kind: KindStaff, Roles: Roles{Owner: true},
		Email: "ada.second@example.net", EmailConfirm: "ada.second@example.net"}
	_, _, err := s.AddUser(Actor{Kind: ActorAdmin, Name: admin.Email, UserID: admin.ID}, nu, Request{})
	wantRule(t, err, "R19")
	for _, asker := range []User{admin, champ} {
		_, err = s.CreateUser(Operator("op"), nu, Request{Requester: asker.Email, Reason: "new partner"})
		wantRule(t, err, "R19")
	}
	if _, err := s.UserByLogin(nu.Email); !IsNotFound(err) {
		t.Fatal("an owner was added by someone who is not one")
	}
	// Others are theirs to add; an owner is an owner's.
	staff := nu
	staff.Roles, staff.Email, staff.EmailConfirm = Roles{}, "sam.staff@example.net", "sam.staff@example.net"
	if _, _, err := s.AddUser(Actor{Kind: ActorAdmin, Name: admin.Email, UserID: admin.ID}, staff, Request{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(Operator("op"), nu, Request{Requester: owner.Email, Reason: "new partner", Verification: ownerCheck(t, s, "op", owner)}); err != nil {
		t.Fatal(err)
	}
}

// R19, R4: sending a pending owner's setup email to a new address hands
// the owner account to that address. An admin who is not an owner could
// not add an owner (TestOnlyAnOwnerAddsAnOwner), nor redirect one.
func TestOnlyAnOwnerRedirectsAPendingOwner(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Redirect Clinic", 6)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	nu := NewUser{PracticeID: p.ID, Name: "Paula Partner", Kind: KindProvider, Roles: Roles{Owner: true},
		Email: "paula.partner@example.org", EmailConfirm: "paula.partner@example.org"}
	partner, err := s.CreateUser(Operator("op"), nu, Request{Requester: owner.Email, Reason: "new partner", Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	const alt = "ada.elsewhere@example.net"
	asAdmin := Actor{Kind: ActorAdmin, Name: admin.Email, UserID: admin.ID}
	_, _, err = s.SendVerification(asAdmin, partner.ID, alt, alt, Request{})
	wantRule(t, err, "R19")
	if got := mustUser(t, s, partner.ID); got.Email != nu.Email {
		t.Fatalf("a pending owner was redirected by an admin: %+v", got)
	}
	// Resending to the address on file is the admin's to do.
	if _, _, err := s.SendVerification(asAdmin, partner.ID, "", "", Request{}); err != nil {
		t.Fatal(err)
	}
}
