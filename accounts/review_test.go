package accounts

import (
	"errors"
	"strings"
	"testing"
)

// Review tests: each one fails on the bug it names (or, where noted, pins
// behaviour). See the review report.

func countEvents(t testing.TB, s *Service, userID uint64, action string) int {
	t.Helper()
	evs, err := s.Audit(AuditQuery{UserID: userID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == action {
			n++
		}
	}
	return n
}

// R11, R29: ChangeOwnEmail checks the password but never counts a wrong one
// as a failed login nor audits it, so it is an unlimited, silent
// password-guessing oracle that bypasses the lockout.
func TestReviewChangeOwnEmailWrongPasswordNotCountedNorAudited(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Guess Clinic", 5)
	u := activeUser(t, s, p.ID, "Vera Victim", Roles{}, owner.Email)
	before := len(events(t, s))
	for i := range 10 {
		_, err := s.ChangeOwnEmail(u.Email, "guess number "+itoa(i), "", "vera.new@example.org")
		if !errors.Is(err, ErrBadCredentials) && RuleOf(err) != "R11" {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	cur := mustUser(t, s, u.ID)
	if !cur.Locked() {
		t.Errorf("R11: 10 wrong passwords through ChangeOwnEmail did not lock the account (failures=%d)", cur.Failures)
	}
	if after := len(events(t, s)); after == before {
		t.Errorf("R29: 10 wrong passwords through ChangeOwnEmail left no audit event")
	}
}

// R11: a locked account "refuses every login ... and says only that it is
// locked". ChangePassword checks the password before the lock, so on a
// locked account a wrong password says "login or password is wrong" and the
// right one says "locked": the lock becomes a password oracle.
func TestReviewLockedAccountPasswordOracleViaChangePassword(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Oracle Clinic", 5)
	u := activeUser(t, s, p.ID, "Otto Oracle", Roles{}, owner.Email)
	wantRule(t, failLogins(t, s, u.Email, 5), "R11")

	_, wrongErr := s.ChangePassword(u.Email, "not the password at all", "", "a-brand-new-passphrase-1", "a-brand-new-passphrase-1")
	_, rightErr := s.ChangePassword(u.Email, testPassword(u), "", "a-brand-new-passphrase-1", "a-brand-new-passphrase-1")
	if RuleOf(wrongErr) != RuleOf(rightErr) || errors.Is(wrongErr, ErrBadCredentials) != errors.Is(rightErr, ErrBadCredentials) {
		t.Errorf("R11: a locked account answers differently for a wrong (%v) and the right (%v) password", wrongErr, rightErr)
	}
	_, wrongErr = s.StartEnrolment(u.Email, "not the password at all", "", MFASMS, "(503) 253-0123")
	_, rightErr = s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "(503) 253-0123")
	if RuleOf(wrongErr) != RuleOf(rightErr) || errors.Is(wrongErr, ErrBadCredentials) != errors.Is(rightErr, ErrBadCredentials) {
		t.Errorf("R11: StartEnrolment on a locked account answers differently for a wrong (%v) and the right (%v) password", wrongErr, rightErr)
	}
}

// R11, R13: a locked practice admin still acts as an admin: AdminSetPassword
// with the admin's right password succeeds, and the locked admin can even
// unlock their own account (Unlock as ActorAdmin checks no lock and no
// credential), which defeats the lockout.
func TestReviewLockedAdminStillActs(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, ownerPW := practiceWith(t, s, "Locked Admin Clinic", 5)
	colleague := activeUser(t, s, p.ID, "Cora Colleague", Roles{}, owner.Email)
	wantRule(t, failLogins(t, s, owner.Email, 5), "R11")

	if _, err := s.AdminSetPassword(owner.Email, ownerPW, "", colleague.ID, "a-designated-passphrase-77"); err == nil {
		t.Errorf("R11: a locked admin set a colleague's password")
	}
	admin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	if _, err := s.Unlock(admin, owner.ID, Request{Reason: "I unlock myself"}); err == nil {
		t.Errorf("R11/R13: a locked admin unlocked their own account")
	}
}

// R11, R29: five wrong current passwords in a password form lock the account
// (recordBadPassword), but unlike a login no account.locked event is
// written: the lock is a state change with no audit event of its own.
func TestReviewLockByPasswordFormNotAudited(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Form Lock Clinic", 5)
	u := activeUser(t, s, p.ID, "Fran Form", Roles{}, owner.Email)
	for range 5 {
		_, _ = s.ChangePassword(u.Email, "wrong current password", "", "a-brand-new-passphrase-1", "a-brand-new-passphrase-1")
	}
	if !mustUser(t, s, u.ID).Locked() {
		t.Fatal("setup: not locked")
	}
	if n := countEvents(t, s, u.ID, ActAccountLocked); n != 1 {
		t.Errorf("R29: the account locked through a password form, but %d %s events", n, ActAccountLocked)
	}
}

// R5, R20: inactivation kills live links, but not a live password-reset
// link: after a quick reactivation the reset link sent before the user left
// still sets a password.
func TestReviewInactivationLeavesResetLinkAlive(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Leaver Clinic", 5)
	var legacy User
	if err := s.update(func(tx *txn) error {
		var err error
		legacy, err = tx.createUser(Actor{Kind: ActorSystem, Name: "setup"}, NewUser{PracticeID: p.ID, Name: "Lena Leaver", Kind: KindStaff,
			Username: "lleaver", ContactEmail: "lena.leaver@example.net"}, Request{Requester: owner.Email}, StatusActive, Credential{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendPasswordReset(Operator("op"), legacy.ID, Request{Reason: "forgot", VerifiedBy: "call-back"}); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, "lena.leaver@example.net")
	if _, err := s.Inactivate(Operator("op"), legacy.ID, Request{Requester: owner.Email, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.InspectLink(link); l.State == LinkLive {
		t.Errorf("R20: the reset link is still live after inactivation")
	}
	if _, err := s.Reactivate(Operator("op"), legacy.ID, Request{Requester: owner.Email, Reason: "rehired",
		Verification: ownerCheck(t, s, "op", owner)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(link, goodPassword); err == nil {
		t.Errorf("R5/R20: a reset link issued before inactivation set a password after reactivation")
	}
}

// R14: inactive users cannot log in, yet ChangePassword (a logged-in
// action) lets an inactive user change their password.
func TestReviewInactiveUserChangesPassword(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Inactive Clinic", 5)
	u := activeUser(t, s, p.ID, "Ian Inactive", Roles{}, owner.Email)
	if _, err := s.Inactivate(Operator("op"), u.ID, Request{Requester: owner.Email, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangePassword(u.Email, testPassword(u), "", "a-brand-new-passphrase-1", "a-brand-new-passphrase-1"); err == nil {
		t.Errorf("R14: an inactive user changed their password")
	}
}

// R8, R14: a legacy user added through CreateUser starts pending, and there
// is no way for them to become active: they have no login email to verify,
// and a reset (R17) sets a password but leaves them pending, so they can
// never log in.
func TestReviewNewLegacyUserCanNeverLogIn(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Legacy Clinic", 5)
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
		t.Errorf("R8: a new legacy user who set a password through the reset link still cannot log in: %v", err)
	}
}

// R9: a legacy user's Email is stored without any check: not well-formed,
// not personal, not unique. Here a legacy user takes another user's login
// email; after a setup link it is even marked verified.
func TestReviewLegacyUserEmailUnchecked(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Shared Mail Clinic", 5)
	_, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Dee Duplicate", Kind: KindStaff,
		Username: "ddup", Email: owner.Email}, Request{Requester: owner.Email})
	if err == nil {
		t.Errorf("R9: a legacy user was created with another user's login email %s", owner.Email)
	}
	_, err = s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Rita Role", Kind: KindStaff,
		Username: "rrole", Email: "frontdesk@example.org"}, Request{Requester: owner.Email})
	if err == nil {
		t.Errorf("R9: a legacy user was created with a role mailbox as email")
	}
}

// R11, R29: an email-change link asks for the current password, but a wrong
// one is neither counted nor audited, and it is checked even on a locked
// account.
func TestReviewEmailChangeLinkPasswordUnguarded(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Link Guess Clinic", 5)
	u := activeUser(t, s, p.ID, "Lia Link", Roles{}, owner.Email)
	if _, err := s.ChangeOwnEmail(u.Email, testPassword(u), "", "lia.new@example.org"); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, "lia.new@example.org")
	before := len(events(t, s))
	for i := range 6 {
		if _, err := s.UseLink(link, "guess "+itoa(i)); !errors.Is(err, ErrBadCredentials) && RuleOf(err) != "R11" {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if !mustUser(t, s, u.ID).Locked() {
		t.Errorf("R11: 6 wrong passwords on an email-change link did not lock the account")
	}
	if len(events(t, s)) == before {
		t.Errorf("R29: 6 wrong passwords on an email-change link left no audit event")
	}
}

// R2: only an operator records license changes, but SetPurchased and
// FulfilLicenses accept any actor: a practice user raises their own
// practice's purchased count.
func TestReviewPracticeUserRaisesOwnLicenses(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Self Serve Clinic", 2)
	self := Actor{Kind: ActorUser, Name: owner.Email, UserID: owner.ID}
	if _, err := s.SetPurchased(self, p.ID, 500, Request{}); err == nil {
		t.Errorf("R2: a practice user set their practice's purchased licenses")
	}
	lr, err := s.RequestLicenses(self, p.ID, 50, Request{Requester: owner.Email})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FulfilLicenses(self, lr.ID, Request{}); err == nil {
		t.Errorf("R2: a practice user fulfilled their own license request")
	}
}

// R20: a practice user (ActorUser) inactivates a colleague — or a user of
// another practice — by naming that practice's owner as requester; nothing
// ties a user actor to their own account.
func TestReviewUserActorInactivatesSomeoneElse(t *testing.T) {
	s, _ := newTestService(t)
	_, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	pb, ownerB, _ := practiceWith(t, s, "Practice B", 5)
	victim := activeUser(t, s, pb.ID, "Vic Victim", Roles{}, ownerB.Email)
	attacker := Actor{Kind: ActorUser, Name: ownerA.Email, UserID: ownerA.ID}
	if _, err := s.Inactivate(attacker, victim.ID, Request{Requester: ownerB.Email, Reason: "mischief"}); err == nil {
		t.Errorf("R20: a user of practice A inactivated a user of practice B")
	}
}

// R29, R30: whatever is typed in the login field of a failed login lands in
// the audit trail verbatim — a password typed there by mistake (a common
// slip) is kept forever in the append-only log. Pins the behaviour.
func TestReviewTypedLoginLandsInAudit(t *testing.T) {
	s, _ := newTestService(t)
	const pw = "my-secret-passphrase-typed-in-the-wrong-field"
	_, _ = s.Login(pw, "")
	for _, e := range events(t, s) {
		if strings.Contains(e.Actor+e.Target+e.Detail, pw) {
			t.Logf("pinned: an unknown login typed at the login page is audited verbatim (%s: actor %q)", e.Action, e.Actor)
			return
		}
	}
}

// R11, R29: patient-portal logins never lock, and a wrong current password
// in the patient's change-password form is not audited: unlimited silent
// guesses at a portal password.
func TestReviewPatientPortalUnguarded(t *testing.T) {
	s, _ := newTestService(t)
	p, _, _ := practiceWith(t, s, "Portal Clinic", 5)
	pt, err := s.CreatePatient(Operator("op"), p.ID, "Pat Patient", "pat.patient", "pat@example.net")
	if err != nil {
		t.Fatal(err)
	}
	reset, err := s.ResetPatientPassword(Operator("op"), pt.ID, "", Request{Reason: "new portal", VerifiedBy: "in person with photo ID"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(events(t, s))
	for i := range 5 {
		if _, err := s.PatientChangePassword("pat.patient", "a-brand-new-passphrase-1", "a-brand-new-passphrase-1", "guess "+itoa(i)); !errors.Is(err, ErrBadCredentials) && RuleOf(err) != "R11" {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if len(events(t, s)) == before {
		t.Errorf("R29: 5 wrong current passwords in the portal change-password form left no audit event")
	}
	for i := range 10 {
		_, _ = s.PatientLogin("pat.patient", "guess "+itoa(i))
	}
	if _, err := s.PatientLogin("pat.patient", reset.TemporaryPassword); err == nil {
		t.Errorf("R11: after 10 wrong portal passwords the right one still logs in: portal accounts never lock")
	}
}

// R14, R22: ConfirmEnrolment checks neither status nor lock: a user made
// inactive (or locked) mid-enrolment still turns a second factor on.
func TestReviewConfirmEnrolmentAfterInactivation(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Enrol Clinic", 5)
	u := activeUser(t, s, p.ID, "Eli Enrol", Roles{}, owner.Email)
	if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, s, "+15032530123")
	if _, err := s.Inactivate(Operator("op"), u.ID, Request{Requester: owner.Email, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(u.Email, code); err == nil {
		t.Errorf("R14/R22: an inactive user enabled MFA")
	}
}
