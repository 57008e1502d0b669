package accounts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latchkey/mfa"
)

// enrolApp sets up an authenticator app for u and returns its secret; the
// clock then moves to the next step so the next code is a fresh one.
func enrolApp(t *testing.T, s *Service, clock *FakeClock, login, pw string) string {
	t.Helper()
	en, err := s.StartEnrolment(login, pw, "", MFAApp, "")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.ReplaceAll(en.ManualKey, " ", "")
	if _, err := s.ConfirmEnrolment(login, mfa.TOTPCode(secret, clock.Now())); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	return secret
}

// R22: on an account with an app, switching method needs the app's code as
// well as the password; a wrong code counts as a failed login (R11).
func TestSwitchFromAppNeedsItsCode(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Stepup Clinic", 5)
	secret := enrolApp(t, s, clock, owner.Email, pw)

	_, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123")
	wantRule(t, err, "R22")
	if u := mustUser(t, s, owner.ID); u.MFA.Pending != nil || u.MFA.Method != MFAApp {
		t.Fatalf("a password alone started a switch: %+v", u.MFA)
	}
	_, err = s.StartEnrolment(owner.Email, pw, wrongCode(mfa.TOTPCode(secret, clock.Now())), MFASMS, "(503) 253-0123")
	wantRule(t, err, "R23")
	if u := mustUser(t, s, owner.ID); u.Failures != 1 || u.MFA.Pending != nil {
		t.Fatalf("a wrong code: failures %d pending %+v", u.Failures, u.MFA.Pending)
	}
	code := mfa.TOTPCode(secret, clock.Now())
	if _, err := s.StartEnrolment(owner.Email, pw, code, MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if u := mustUser(t, s, owner.ID); u.MFA.State() != MFAStateSwitching {
		t.Fatalf("after the right code: %+v", u.MFA)
	}
	// The same app code does not work twice (R23).
	_, err = s.StartEnrolment(owner.Email, pw, code, MFAEmail, "")
	wantRule(t, err, "R23")
	if !strings.Contains(err.Error(), "already used") {
		t.Fatalf("replayed code: %v", err)
	}
}

// R22, R11: guessing the current factor with a stolen password locks the
// account after 5 wrong codes, as at the login page.
func TestStepUpGuessesLock(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Guess Clinic", 5)
	secret := enrolApp(t, s, clock, owner.Email, pw)
	bad := wrongCode(mfa.TOTPCode(secret, clock.Now()))
	var err error
	for range 5 {
		_, err = s.ChangePassword(owner.Email, pw, bad, "a-brand-new-passphrase-1", "a-brand-new-passphrase-1")
	}
	wantRule(t, err, "R11")
	if u := mustUser(t, s, owner.ID); !u.LockedNow(clock.Now()) {
		t.Fatal("5 wrong step-up codes did not lock the account")
	}
}

// R22: changing the password of an account with SMS needs a code from the
// phone: without one a code is sent there, and the password stays.
func TestChangePasswordNeedsCodeWithMFA(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Change Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}
	const next = "a-brand-new-passphrase-1"
	_, err := s.ChangePassword(owner.Email, pw, "", next, next)
	wantRule(t, err, "R22")
	if !strings.Contains(err.Error(), "0123") {
		t.Fatalf("the refusal should say where the code went: %v", err)
	}
	if _, err := s.Login(owner.Email, next); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("the password changed without a code: %v", err)
	}
	if _, err := s.ChangePassword(owner.Email, pw, codeIn(t, s, "+15032530123"), next, next); err != nil {
		t.Fatal(err)
	}
	var step *NextStepError
	if _, err := s.Login(owner.Email, next); !errors.As(err, &step) {
		t.Fatalf("the new password: %v", err)
	}
}

// R22: confirming a new method dies after 5 wrong codes, an app too; the
// old method stays.
func TestConfirmEnrolmentDiesAfterFiveWrongCodes(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Dead Clinic", 5)
	en, err := s.StartEnrolment(owner.Email, pw, "", MFAApp, "")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.ReplaceAll(en.ManualKey, " ", "")
	bad := wrongCode(mfa.TOTPCode(secret, clock.Now()))
	left := []string{"(4 attempts left)", "(3 attempts left)", "(2 attempts left)", "(1 attempt left)"} // R31: "1 attempt"
	for i := range 4 {
		_, err := s.ConfirmEnrolment(owner.Email, bad)
		wantRule(t, err, "R23")
		if !strings.Contains(err.Error(), left[i]) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	_, err = s.ConfirmEnrolment(owner.Email, bad)
	wantRule(t, err, "R22")
	if u := mustUser(t, s, owner.ID); u.MFA.Pending != nil || u.MFA.State() != MFAStateNone {
		t.Fatalf("the enrolment lived on: %+v", u.MFA)
	}
	lastEvent(t, s, ActMFAEnrolDead)
	// The right code now is too late: the enrolment is gone.
	_, err = s.ConfirmEnrolment(owner.Email, mfa.TOTPCode(secret, clock.Now()))
	wantRule(t, err, "R22")
}

// R22: every change of method emails the user at the login email, naming
// the new method, and says so when it is weaker.
func TestMethodChangeTellsTheUser(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Tell Clinic", 5)
	secret := enrolApp(t, s, clock, owner.Email, pw)
	m := newestTo(t, s, owner.Email)
	if m.Cause != ActMFAEnrolled || !strings.Contains(m.Body, "authenticator app") || strings.Contains(m.Subject, "weaker") {
		t.Fatalf("first method: %+v", m)
	}
	if _, err := s.StartEnrolment(owner.Email, pw, mfa.TOTPCode(secret, clock.Now()), MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}
	m = newestTo(t, s, owner.Email)
	if !strings.Contains(m.Subject, "sms") || !strings.Contains(m.Subject, "weaker") ||
		!strings.Contains(m.Body, "0123") || !strings.Contains(m.Body, "replaces an authenticator app") ||
		!strings.Contains(m.Body, "weaker") {
		t.Fatalf("a weaker method: %+v", m)
	}
}

// R23: a TOTP code is "already used" only when its step was used; an older
// step never used is "expired".
func TestTOTPReplayAndExpiredApart(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Replay Clinic", 5)
	secret := enrolApp(t, s, clock, owner.Email, pw)
	clock.Advance(30 * time.Second)
	older := mfa.TOTPCode(secret, clock.Now().Add(-30*time.Second))
	now := mfa.TOTPCode(secret, clock.Now())
	if older == now {
		t.Skip("two steps share a code")
	}
	if _, err := s.Authenticate(owner.Email, pw, now); err != nil {
		t.Fatal(err)
	}
	_, err := s.Authenticate(owner.Email, pw, now)
	wantRule(t, err, "R23")
	if !strings.Contains(err.Error(), "already used") {
		t.Fatalf("replay: %v", err)
	}
	_, err = s.Authenticate(owner.Email, pw, older)
	wantRule(t, err, "R23")
	if !strings.Contains(err.Error(), "expired") || strings.Contains(err.Error(), "already used") {
		t.Fatalf("an older, never-used step: %v", err)
	}
}

// newestTo is the newest message to addr, as its recipient reads it.
func newestTo(t *testing.T, s *Service, addr string) Message {
	t.Helper()
	msgs, err := s.outbox(OutboxQuery{To: addr, Limit: 1})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no message to %s: %v", addr, err)
	}
	return msgs[0]
}

// R22, R7: the login email (where resets and email codes go) does not move
// with a password alone on an account with MFA.
func TestChangeOwnEmailNeedsCodeWithMFA(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Email Step Clinic", 5)
	secret := enrolApp(t, s, clock, owner.Email, pw)
	_, err := s.ChangeOwnEmail(owner.Email, pw, "", "olive.attacker@example.org")
	wantRule(t, err, "R22")
	if u := mustUser(t, s, owner.ID); u.PendingEmail != "" {
		t.Fatalf("a password alone started an email change: %+v", u)
	}
	if _, err := s.ChangeOwnEmail(owner.Email, pw, mfa.TOTPCode(secret, clock.Now()), "olive.new@example.org"); err != nil {
		t.Fatal(err)
	}
}

// R22, R18: an admin with MFA sets a colleague's password only with a code
// from it too: a stolen admin password alone hands out no account.
func TestAdminSetPasswordNeedsAdminCode(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Admin Step Clinic", 5)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	secret := enrolApp(t, s, clock, owner.Email, pw)
	const next = "a-designated-passphrase-77"
	_, err := s.AdminSetPassword(owner.Email, pw, "", staff.ID, next)
	wantRule(t, err, "R22")
	if _, err := s.Login(staff.Email, next); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("the colleague's password changed without the admin's code: %v", err)
	}
	if _, err := s.AdminSetPassword(owner.Email, pw, mfa.TOTPCode(secret, clock.Now()), staff.ID, next); err != nil {
		t.Fatal(err)
	}
}
