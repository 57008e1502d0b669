package accounts

import (
	"strings"
	"testing"
	"time"

	"latchkey/store/storetest"
)

// R16: "Forgot your password?" sends a single-use link valid 60 minutes to
// the verified email; the answer and the audit event are the same for a
// known and an unknown address; a newer request kills the older link;
// opening a link changes nothing; completing it lifts a lock.
func TestForgotPassword(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Clearwater Clinic", 5)

	known, _ := s.ForgotPassword(owner.Email)
	unknown, _ := s.ForgotPassword("nobody@example.org")
	if known != unknown {
		t.Fatalf("answers differ: %q vs %q", known, unknown)
	}
	evs := events(t, s)
	a, b := evs[len(evs)-2], evs[len(evs)-1]
	a.Seq, b.Seq, a.Target, b.Target, a.Actor, b.Actor, a.Hash, b.Hash = 0, 0, "", "", "", "", "", ""
	if a != b {
		t.Fatalf("audit shapes differ:\n%+v\n%+v", a, b)
	}
	if msgs, _ := s.outbox(OutboxQuery{To: "nobody@example.org"}); len(msgs) != 0 {
		t.Fatal("mail to an unknown address")
	}
	first := linkIn(t, s, owner.Email)
	clock.Advance(5 * time.Minute) // one email per address per 5 minutes
	_, _ = s.ForgotPassword(strings.ToUpper(owner.Email))
	second := linkIn(t, s, owner.Email)
	if first == second {
		t.Fatal("no new link")
	}
	_, err := s.UseLink(first, goodPassword)
	wantRule(t, err, "R5")

	// The user locked themselves out meanwhile.
	_ = failLogins(t, s, owner.Email, 5)
	// A mail scanner opens the link: nothing changes.
	if l, err := s.InspectLink(second); err != nil || l.State != LinkLive || l.Hash != nil {
		t.Fatalf("inspect: %+v %v", l, err)
	}
	clock.Advance(59 * time.Minute)
	if _, err := s.UseLink(second, goodPassword); err != nil {
		t.Fatalf("reset at 59 minutes: %v", err)
	}
	u, _ := s.User(owner.ID)
	if u.Locked() || u.Failures != 0 {
		t.Fatalf("lock not lifted by the reset: %+v", u)
	}
	if ev := lastEvent(t, s, ActAccountUnlocked); ev.ActorKind != ActorUser || !strings.Contains(ev.Detail, "proved control") {
		t.Fatalf("unlock event %+v", ev)
	}
	if _, err := s.Login(owner.Email, goodPassword); err != nil {
		t.Fatal(err)
	}
	_, err = s.UseLink(second, "another-fine-password-1")
	wantRule(t, err, "R5")
}

// R16: the reset link dies after 60 minutes.
func TestResetLinkExpires(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Timely Clinic", 5)
	_, _ = s.ForgotPassword(owner.Email)
	link := linkIn(t, s, owner.Email)
	clock.Advance(60 * time.Minute)
	_, err := s.UseLink(link, goodPassword)
	wantRule(t, err, "R16")
}

// R16: an operator asked to reset a verified user's password is refused with
// the guidance; R8, R17: a legacy user's reset goes to the email on file,
// with the reason and identity check recorded.
func TestOperatorResets(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Legacy Family Practice", 5)
	_, err := s.OperatorResetPassword(Operator("op"), owner.ID, Request{Reason: "caller asked", VerifiedBy: "call-back"})
	wantRule(t, err, "R16")
	if !strings.Contains(err.Error(), "Forgot your password?") {
		t.Fatalf("no guidance: %v", err)
	}

	var legacy User
	_ = s.update(func(tx *txn) error {
		var err error
		legacy, err = tx.createUser(Actor{Kind: ActorSystem, Name: "setup"}, NewUser{PracticeID: p.ID, Name: "Lou Legacy", Kind: KindStaff,
			Username: "llegacy", ContactEmail: "lou.legacy@example.net"}, Request{Requester: owner.Email}, StatusActive, Credential{})
		return err
	})
	if _, err := s.OperatorResetPassword(Operator("op"), legacy.ID, Request{Reason: "forgot"}); err == nil {
		t.Fatal("reset without identity verification accepted")
	}
	msg, err := s.OperatorResetPassword(Operator("op"), legacy.ID, Request{Reason: "forgot", VerifiedBy: "practice owner confirmed"})
	if err != nil || msg.To != "lou.legacy@example.net" {
		t.Fatalf("%+v %v", msg, err)
	}
	if ev := lastEvent(t, s, ActResetSent); ev.VerifiedBy != "practice owner confirmed" || ev.Actor != "op" {
		t.Fatalf("event %+v", ev)
	}
	if _, err := s.UseLink(linkIn(t, s, "lou.legacy@example.net"), goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login("LLegacy", goodPassword); err != nil {
		t.Fatalf("legacy login by username: %v", err)
	}
	// A practice admin may send it too.
	if _, err := s.SendPasswordReset(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, legacy.ID, Request{}); err != nil {
		t.Fatalf("admin reset: %v", err)
	}
}

// R18: a user changes their own password with current + new + repeat; an
// admin sets one with their own password as the check, a wrong one refused
// and audited.
func TestChangeAndAdminSetPassword(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, ownerPW := practiceWith(t, s, "Ashford Clinic", 5)
	staff := activeUser(t, s, p.ID, "Stan Staff", Roles{}, owner.Email)
	pw := testPassword(staff)

	if _, err := s.ChangePassword(staff.Email, "wrong", "", goodPassword, goodPassword); err != ErrBadCredentials {
		t.Fatalf("wrong current: %v", err)
	}
	if _, err := s.ChangePassword(staff.Email, pw, "", goodPassword, goodPassword+"x"); err == nil {
		t.Fatal("mismatched repeat accepted")
	}
	_, err := s.ChangePassword(staff.Email, pw, "", pw, pw)
	wantRule(t, err, "R18")
	if _, err := s.ChangePassword(staff.Email, pw, "", goodPassword, goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(staff.Email, goodPassword); err != nil {
		t.Fatal(err)
	}

	if _, err := s.AdminSetPassword(owner.Email, "not mine", "", staff.ID, "another-good-password"); err != ErrBadCredentials {
		t.Fatalf("wrong admin password: %v", err)
	}
	if ev := lastEvent(t, s, ActPasswordSet); ev.Outcome != "refused R18" || ev.Actor != owner.Email {
		t.Fatalf("event %+v", ev)
	}
	// The wrong own password counts as the admin's failed login (R11).
	if ev := lastEvent(t, s, ActLoginFailed); ev.TargetID != owner.ID {
		t.Fatalf("failed login not counted: %+v", ev)
	}
	if _, err := s.AdminSetPassword(staff.Email, goodPassword, "", owner.ID, "another-good-password"); RuleOf(err) != "R18" {
		t.Fatalf("a non-admin set a password: %v", err)
	}
	if _, err := s.AdminSetPassword(owner.Email, ownerPW, "", staff.ID, "another-good-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(staff.Email, "another-good-password"); err != nil {
		t.Fatal(err)
	}
}

// R18: the rules name every one a password breaks.
func TestPasswordRulesNameEveryBreak(t *testing.T) {
	u := User{Name: "Rosa Diaz", Email: "rosa.diaz@example.org"}
	err := checkNewPassword("rosa.diaz@example.org", u, false, "")
	wantRule(t, err, "R18")
	if !strings.Contains(err.Error(), "login email") {
		t.Fatalf("%v", err)
	}
	if err := checkNewPassword("twelve-chars", u, false, ""); err == nil || !strings.Contains(err.Error(), "15") {
		t.Fatalf("12 characters without MFA: %v", err)
	}
	if err := checkNewPassword("twelve-chars", u, true, ""); err != nil {
		t.Fatalf("12 characters with MFA: %v", err)
	}
	if err := checkNewPassword(strings.Repeat("long passphrase ", 4), u, false, ""); err != nil {
		t.Fatalf("64 characters: %v", err)
	}
	// "password" without MFA is both too short and common: both are named.
	err = checkNewPassword("password", u, false, "")
	if err == nil || !strings.Contains(err.Error(), "shorter than 15") || !strings.Contains(err.Error(), "common and breached") {
		t.Fatalf("password: %v", err)
	}
	// A long password on the list is refused for being listed alone.
	if err := checkNewPassword("passwordpassword", u, false, ""); err == nil || strings.Contains(err.Error(), "shorter") {
		t.Fatalf("passwordpassword: %v", err)
	}
	// The name, in another case, is refused.
	if err := checkNewPassword("ROSA DIAZ", u, true, ""); err == nil || !strings.Contains(err.Error(), "name") {
		t.Fatalf("name: %v", err)
	}
}

// R18: passwords are NFKC-normalised before hashing, so a full-width
// rendering of the same password logs in.
func TestPasswordNormalisedBeforeHashing(t *testing.T) {
	h := hashPassword("ｃｏｒｒｅｃｔ horse", HashParams{Memory: 64, Time: 1, Threads: 1})
	if ok, _ := verifyPassword("correct horse", h); !ok {
		t.Fatal("NFKC-equal password did not verify")
	}
}

// R27, R28: a portal reset gives a printable result, emails the contact on
// file, and forces a change at the next login; the patient changes it with
// new + new again + current.
func TestPatientPortalReset(t *testing.T) {
	s, _ := newTestService(t)
	pr, owner, ownerPW := practiceWith(t, s, "Portal Pediatrics", 5)
	_ = ownerPW
	pat, err := s.CreatePatient(Operator("op"), pr.ID, "Pia Patient", "ppatient1990", "pia@example.net")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ResetPatientPassword(Operator("op"), pat.ID, "", Request{Reason: "patient called", VerifiedBy: "date of birth"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.TemporaryPassword) != 19 || strings.ContainsAny(res.TemporaryPassword, "0O1lI5S2Z8B") ||
		res.EmailedTo != "pia@example.net" || !res.MustChange || res.Practice.Name != "Portal Pediatrics" {
		t.Fatalf("reset = %+v", res)
	}
	msgs, _ := s.outbox(OutboxQuery{To: "pia@example.net"})
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, res.TemporaryPassword) {
		t.Fatalf("credentials email %+v", msgs)
	}
	for _, e := range events(t, s) {
		if strings.Contains(e.Detail, res.TemporaryPassword) {
			t.Fatal("temporary password in the audit trail")
		}
	}
	lr, err := s.PatientLogin("ppatient1990", res.TemporaryPassword)
	if err != nil || !lr.MustChange {
		t.Fatalf("login after reset: %+v %v", lr, err)
	}
	if _, err := s.PatientChangePassword("ppatient1990", goodPassword, goodPassword, "wrong"); err != ErrBadCredentials {
		t.Fatalf("wrong current: %v", err)
	}
	_, err = s.PatientChangePassword("ppatient1990", "short", "short", res.TemporaryPassword)
	wantRule(t, err, "R18")
	if _, err := s.PatientChangePassword("ppatient1990", goodPassword, goodPassword, res.TemporaryPassword); err != nil {
		t.Fatal(err)
	}
	if lr, err := s.PatientLogin("ppatient1990", goodPassword); err != nil || lr.MustChange {
		t.Fatalf("login after change: %+v %v", lr, err)
	}
	// A designated password follows the same rules.
	_, err = s.ResetPatientPassword(Operator("op"), pat.ID, "password", Request{Reason: "asked", VerifiedBy: "date of birth"})
	wantRule(t, err, "R18")
	if _, err := s.ResetPatientPassword(Operator("op"), pat.ID, "", Request{Reason: "asked"}); err == nil {
		t.Fatal("an operator reset without an identity check was accepted")
	}
	des, err := s.ResetPatientPassword(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, pat.ID, "designated-by-the-admin", Request{})
	if err != nil || des.TemporaryPassword != "designated-by-the-admin" {
		t.Fatalf("%+v %v", des, err)
	}
}

// R28: the forced change is configurable.
func TestPortalForceChangeConfigurable(t *testing.T) {
	cfg := cheapConfig()
	cfg.PortalForceChange = false
	s, err := Open(storetest.Target(t, "p.db"), NewFakeClock(testEpoch), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pr, _ := s.CreatePractice(Operator("op"), "No Force Clinic", 3)
	pat, _ := s.CreatePatient(Operator("op"), pr.ID, "Nat Patient", "npatient", "")
	res, _ := s.ResetPatientPassword(Operator("op"), pat.ID, "", Request{Reason: "asked", VerifiedBy: "date of birth"})
	if res.MustChange || res.EmailedTo != "" {
		t.Fatalf("%+v", res)
	}
	if lr, _ := s.PatientLogin("npatient", res.TemporaryPassword); lr.MustChange {
		t.Fatal("forced change though configured off")
	}
}

// R18, R19: SPEC R18 lets "an admin" set "another user's" password with no
// exception for owners, and R19 (only an owner makes or unmakes an owner)
// is about roles, not passwords: an admin who is not an owner sets an
// owner's password, checked with their own, and the owner is told at their
// login email. (A careful desk might keep owners' passwords to owners; that
// is a SPEC decision, written up, not made here.)
func TestAdminNotOwnerSetsAnOwnersPasswordAsR18Says(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Admin Owner Clinic", 5)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	if _, err := s.AdminSetPassword(admin.Email, testPassword(admin), "", owner.ID, "a-designated-passphrase-41"); err != nil {
		t.Fatalf("R18 as written: %v", err)
	}
	if _, err := s.Login(owner.Email, "a-designated-passphrase-41"); err != nil {
		t.Fatal(err)
	}
	ms, err := s.outbox(OutboxQuery{To: owner.Email, Limit: 1})
	if err != nil || len(ms) != 1 || !strings.Contains(ms[0].Body, "Ada Admin") {
		t.Fatalf("the owner was not told who set their password: %+v %v", ms, err)
	}
}
