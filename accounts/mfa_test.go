package accounts

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"latchkey/mfa"

	"latchkey/store/storetest"
)

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// codeIn returns the newest 6-digit code sent to addr.
func codeIn(t testing.TB, s *Service, addr string) string {
	t.Helper()
	msgs, _ := s.outbox(OutboxQuery{To: addr, Limit: 1})
	if len(msgs) == 0 {
		t.Fatalf("no message to %s", addr)
	}
	c := codeRE.FindString(msgs[0].Body)
	if c == "" {
		t.Fatalf("no code in %q", msgs[0].Body)
	}
	return c
}

func wrongCode(c string) string {
	if c == "000000" {
		return "111111"
	}
	return "000000"
}

// R21, R22, R23: an app enrolment shows a QR and key; it is active only
// after a code is verified; a TOTP code logs in once, never twice.
func TestAppEnrolmentAndLogin(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Totp Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, "wrong", "", MFAApp, ""); err != ErrBadCredentials {
		t.Fatalf("enrolment without the password: %v", err)
	}
	en, err := s.StartEnrolment(owner.Email, pw, "", MFAApp, "")
	if err != nil {
		t.Fatal(err)
	}
	if en.QR == "" || en.ManualKey == "" || !strings.HasPrefix(en.URI, "otpauth://totp/") || en.Notice != "" {
		t.Fatalf("enrolment %+v", en)
	}
	// Not active yet: a login needs no code.
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login during enrolment: %v", err)
	}
	secret := strings.ReplaceAll(en.ManualKey, " ", "")
	if _, err := s.ConfirmEnrolment(owner.Email, wrongCode(mfa.TOTPCode(secret, clock.Now()))); RuleOf(err) != "R23" {
		t.Fatalf("wrong confirmation: %v", err)
	}
	u, err := s.ConfirmEnrolment(owner.Email, mfa.TOTPCode(secret, clock.Now()))
	if err != nil || u.MFA.Method != MFAApp {
		t.Fatalf("confirm: %+v %v", u.MFA, err)
	}

	clock.Advance(30 * time.Second)
	_, err = s.Login(owner.Email, pw)
	var next *NextStepError
	if !errors.As(err, &next) || next.Result.Stage != StageCode || next.Result.Method != MFAApp {
		t.Fatalf("login without code: %v", err)
	}
	code := mfa.TOTPCode(secret, clock.Now())
	if r, err := s.Authenticate(owner.Email, pw, code); err != nil || r.Stage != StageDashboard {
		t.Fatalf("login with code: %+v %v", r, err)
	}
	_, err = s.Authenticate(owner.Email, pw, code)
	wantRule(t, err, "R23") // replay
	if u, _ := s.User(owner.ID); u.Failures != 1 {
		t.Fatalf("a replayed code should count as a failed login: %d", u.Failures)
	}
	// One step of skew is allowed.
	clock.Advance(30 * time.Second)
	if _, err := s.Authenticate(owner.Email, pw, mfa.TOTPCode(secret, clock.Now().Add(-30*time.Second))); err == nil {
		t.Fatal("a code older than the last used step was accepted")
	}
	if _, err := s.Authenticate(owner.Email, pw, mfa.TOTPCode(secret, clock.Now().Add(30*time.Second))); err != nil {
		t.Fatalf("one step of skew: %v", err)
	}
	v := ViewMFA(mustUser(t, s, owner.ID), Practice{})
	if v.Method != MFAApp || v.LastUsedAt.IsZero() || v.EnrolledAt.IsZero() || !strings.HasPrefix(v.Strength, "strong") {
		t.Fatalf("view %+v", v)
	}
}

func mustUser(t testing.TB, s *Service, id uint64) User {
	t.Helper()
	u, err := s.User(id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// R21: SMS only to US numbers; R23: an email code expires at 5:00 exactly,
// a resend kills the old code, and 5 wrong codes kill it.
func TestSMSAndEmailCodes(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Code Clinic", 5)
	_, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "+44 20 7946 0958")
	wantRule(t, err, "R21")
	en, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123")
	if err != nil || en.Notice == "" || !strings.HasSuffix(en.SentTo, "0123") {
		t.Fatalf("%+v %v", en, err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}

	// Switch to email: the password alone is not enough, a code goes to
	// the current phone (R22); SMS stays until the email code is confirmed.
	_, err = s.StartEnrolment(owner.Email, pw, "", MFAEmail, "")
	wantRule(t, err, "R22")
	if _, err := s.StartEnrolment(owner.Email, pw, codeIn(t, s, "+15032530123"), MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if u := mustUser(t, s, owner.ID); u.MFA.Method != MFASMS || u.MFA.State() != MFAStateSwitching {
		t.Fatalf("during the switch: %+v", u.MFA)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	if u := mustUser(t, s, owner.ID); u.MFA.Method != MFAEmail || u.MFA.Phone != "" {
		t.Fatalf("after the switch: %+v", u.MFA)
	}

	// An email code at 4:59 works; at 5:00 it has expired.
	_, _ = s.Login(owner.Email, pw)
	clock.Advance(5*time.Minute - time.Second)
	if _, err := s.Authenticate(owner.Email, pw, codeIn(t, s, owner.Email)); err != nil {
		t.Fatalf("code at 4:59: %v", err)
	}
	_, _ = s.Login(owner.Email, pw)
	clock.Advance(5 * time.Minute)
	_, err = s.Authenticate(owner.Email, pw, codeIn(t, s, owner.Email))
	wantRule(t, err, "R23")

	// Resend: the old code dies. (Six codes went out in ten minutes: a new
	// window of code sends first, R23.)
	clock.Advance(DefaultCodeSendWindow)
	_, _ = s.Login(owner.Email, pw)
	old := codeIn(t, s, owner.Email)
	_, _ = s.Login(owner.Email, pw)
	fresh := codeIn(t, s, owner.Email)
	if old != fresh {
		if _, err := s.Authenticate(owner.Email, pw, old); err == nil {
			t.Fatal("a superseded code worked")
		}
	}
	if _, err := s.Authenticate(owner.Email, pw, fresh); err != nil {
		t.Fatalf("fresh code: %v", err)
	}

	// Five wrong codes: the code dies and the account locks (R11).
	staff := activeUser(t, s, p.ID, "Five Wrongs", Roles{}, owner.Email)
	spw := testPassword(staff)
	if _, err := s.StartEnrolment(staff.Email, spw, "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	_, _ = s.ConfirmEnrolment(staff.Email, codeIn(t, s, staff.Email))
	_, _ = s.Login(staff.Email, spw)
	right := codeIn(t, s, staff.Email)
	for range 4 {
		_, err = s.Authenticate(staff.Email, spw, wrongCode(right))
		wantRule(t, err, "R23")
	}
	_, err = s.Authenticate(staff.Email, spw, wrongCode(right))
	wantRule(t, err, "R11")
	if u := mustUser(t, s, staff.ID); u.MFA.Challenge.State != mfa.CodeDead {
		t.Fatalf("challenge %+v", u.MFA.Challenge)
	}
}

// R21: email codes go only to a verified login email.
func TestEmailMFANeedsVerifiedEmail(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Legacy Email Clinic", 5)
	var legacy User
	_ = s.update(func(tx *txn) error {
		var err error
		legacy, err = tx.createUser(Actor{Kind: ActorSystem, Name: "setup"}, NewUser{PracticeID: p.ID, Name: "Lee Legacy", Kind: KindStaff, Username: "llegacy2"},
			Request{Requester: owner.Email}, StatusActive, Credential{Hash: hashPassword("legacy password 123", s.cfg.Hash)})
		return err
	})
	_, err := s.StartEnrolment(legacy.Username, "legacy password 123", "", MFAEmail, "")
	wantRule(t, err, "R21")
}

// R24: a practice requirement forces enrolment at the next login; only an
// operator turns it on, recording who asked.
func TestPracticeRequirement(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Required Clinic", 5)
	staff := activeUser(t, s, p.ID, "Ann Staff", Roles{}, owner.Email)
	_, err := s.RequireMFA(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, p.ID, true, Request{Requester: owner.Email})
	wantRule(t, err, "R24")
	_, err = s.RequireMFA(Operator("op"), p.ID, true, Request{Requester: staff.Email})
	wantRule(t, err, "R24")
	if _, err := s.RequireMFA(Operator("op"), p.ID, true, Request{Requester: owner.Email, Reason: "insurer demands it"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Authenticate(owner.Email, pw, "")
	if err != nil || r.Stage != StageEnroll {
		t.Fatalf("login under the requirement: %+v %v", r, err)
	}
	var next *NextStepError
	if _, err := s.Login(owner.Email, pw); !errors.As(err, &next) || next.Result.Stage != StageEnroll {
		t.Fatalf("Login: %v", err)
	}
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email))
	r, _ = s.Authenticate(owner.Email, pw, "")
	if r.Stage != StageCode {
		t.Fatalf("after enrolling: %+v", r)
	}
	if ev := lastEvent(t, s, ActMFARequired); ev.Requester != owner.Email || ev.Actor != "op" {
		t.Fatalf("event %+v", ev)
	}
}

// R25, R26: the user cannot turn MFA off; an operator clears it only with an
// identity-verification record, and the user is told.
func TestClearMFA(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Lost Phone Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, pw, "", MFASMS, "503-253-0199")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530199"))

	wantRule(t, s.DisableOwnMFA(owner.Email), "R25")
	for _, c := range []struct{ check, note, reason string }{
		{"", "called back", "lost phone"},
		{"trust me", "called back", "lost phone"},
		{IdentityChecks[0], "", "lost phone"},
		{IdentityChecks[0], "called 503-253-0199", ""},
	} {
		if _, err := s.ClearMFA(Operator("op"), owner.ID, c.check, c.note, c.reason); err == nil {
			t.Fatalf("cleared without a full record: %+v", c)
		}
	}
	if u := mustUser(t, s, owner.ID); u.MFA.Method != MFASMS {
		t.Fatal("MFA changed by a refused clear")
	}
	_, err := s.ClearMFA(Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}, owner.ID, IdentityChecks[1], "owner on the phone", "lost phone")
	wantRule(t, err, "R26")
	// R41, R42: knowledge alone is refused; a passed code check of this
	// owner waits for a second operator, whose approval clears.
	_, err = s.ClearMFA(Operator("dana"), owner.ID, IdentityChecks[0], "called the number on file, user answered", "lost phone")
	wantRule(t, err, "R41")
	v := passedCode(t, s, "dana", mustUser(t, s, owner.ID), "sms")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID,
		Check: IdentityChecks[0], Note: "called the number on file, user answered", Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("%+v %v", res, err)
	}
	_, cr, err := s.ApproveRequest(Operator("eli"), res.Pending.ID, "")
	if u := cr.User; err != nil || u.MFA.State() != MFAStateNone {
		t.Fatalf("%+v %v", u.MFA, err)
	}
	ev := lastEvent(t, s, ActMFACleared)
	if ev.Actor != "dana" || ev.ApprovedBy != "eli" || !strings.Contains(ev.VerifiedBy, IdentityChecks[0]) || ev.Reason != "lost phone" {
		t.Fatalf("event %+v", ev)
	}
	msgs, _ := s.outbox(OutboxQuery{To: owner.Email, Limit: 1})
	if len(msgs) != 1 || msgs[0].Cause != ActMFACleared {
		t.Fatalf("notice %+v", msgs)
	}
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login after clear: %v", err)
	}
}

// R37: TOTP secrets are sealed: the raw file never holds one; a wrong key
// says so and nothing else breaks.
func TestSecretsSealedAtRest(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	s, err := Open(storetest.Target(t, "sealed.db"), clock, cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	_, owner, pw := practiceWith(t, s, "Sealed Clinic", 5)
	en, err := s.StartEnrolment(owner.Email, pw, "", MFAApp, "")
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.ReplaceAll(en.ManualKey, " ", "")
	if _, err := s.ConfirmEnrolment(owner.Email, mfa.TOTPCode(secret, clock.Now())); err != nil {
		t.Fatal(err)
	}
	// The bytes at rest, on either engine: a bbolt copy holds every record.
	rawPath := t.TempDir() + "/raw.db"
	if _, err := s.BackupFile(rawPath); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(rawPath)
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(bytes.ToLower(raw), bytes.ToLower([]byte(secret))) {
		t.Fatal("the TOTP secret is in the raw file")
	}
	if !strings.Contains(en.URI, secret) {
		t.Fatal("the enrolment URI should carry the secret to the user")
	}

	// Another key file: TOTP says which key, naming R37; logins without
	// MFA still work.
	other := cheapConfig()
	other.KeyFile = t.TempDir() + "/other.key"
	if _, err := mfa.LoadOrCreateKey(other.KeyFile); err != nil {
		t.Fatal(err)
	}
	path := s.Where()
	_ = s.Close()
	s2, err := Open(path, clock, other)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	_, err = s2.Authenticate(owner.Email, pw, mfa.TOTPCode(secret, clock.Now()))
	if RuleOf(err) != "R37" || !strings.Contains(err.Error(), "keyed with key") {
		t.Fatalf("wrong key: %v", err)
	}
	st, err := s2.Stats()
	if err != nil || st.Users != 1 {
		t.Fatalf("stats with the wrong key: %+v %v", st, err)
	}
	if err := s2.Check(); err != nil {
		t.Fatal(err)
	}
	_ = s2.Close()
}

// The MFA state machine allows only its table.
func TestMFAStateMachine(t *testing.T) {
	states := []MFAState{MFAStateNone, MFAStateEnrolling, MFAStateEnabled, MFAStateSwitching}
	for _, from := range states {
		for _, to := range states {
			want := allowed(mfaTransitions, from, to) || (from == to && (from == MFAStateNone || from == MFAStateEnabled))
			if (mfaTransition(from, to) == nil) != want {
				t.Errorf("mfa %s -> %s", from, to)
			}
		}
	}
	if mfaTransition(MFAStateNone, MFAStateEnabled) == nil {
		t.Fatal("none -> enabled without a confirmed code")
	}
}
