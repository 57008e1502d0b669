package accounts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latchkey/store"
)

// codesTo counts the messages in the outbox to addr.
func codesTo(t testing.TB, s *Service, addr string) int {
	t.Helper()
	msgs, err := s.outbox(OutboxQuery{To: addr, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// R23: at most CodeSendLimit code messages go to one user per window,
// whatever the flow (login, step-up, enrolment). The next is held back: no
// message, no new code, the live code still works, and the held-back send
// is audited. When the window ends sends resume. A wrong password answers
// as ever, so the limit tells nothing about who has an account.
func TestCodeSendLimit(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Flood Clinic", 5)
	const phone = "+15032530123"
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, phone)); err != nil {
		t.Fatal(err)
	}
	// One send so far (the enrolment); four logins fill the window.
	for i := range DefaultCodeSendLimit - 1 {
		var next *NextStepError
		if _, err := s.Login(owner.Email, pw); !errors.As(err, &next) {
			t.Fatalf("login %d: %v", i+2, err)
		}
		clock.Advance(time.Minute)
	}
	if n := codesTo(t, s, phone); n != DefaultCodeSendLimit {
		t.Fatalf("%d messages, want %d", n, DefaultCodeSendLimit)
	}
	live := codeIn(t, s, phone)
	before := mustUser(t, s, owner.ID).MFA.Challenge
	total := codesTo(t, s, phone) + codesTo(t, s, owner.Email)

	// The next login is held back: R23, nothing sent, the code unchanged.
	_, err := s.Login(owner.Email, pw)
	wantRule(t, err, "R23")
	if !strings.Contains(err.Error(), "no new code") {
		t.Fatalf("refusal: %v", err)
	}
	// A step-up (R22) is held back too, and an enrolment to another number.
	_, err = s.StartEnrolment(owner.Email, pw, "", MFAEmail, "")
	wantRule(t, err, "R23")
	if n := codesTo(t, s, phone) + codesTo(t, s, owner.Email); n != total {
		t.Fatalf("a held-back send went out: %d messages", n)
	}
	after := mustUser(t, s, owner.ID).MFA.Challenge
	if after == nil || string(after.Hash) != string(before.Hash) || after.State != before.State {
		t.Fatalf("a held-back send changed the code: %+v -> %+v", before, after)
	}
	held := lastEvent(t, s, ActCodeHeld)
	if held.Outcome != refusedOutcome("R23") || !strings.Contains(held.Detail, "2 held back") {
		t.Fatalf("held-back event: %+v", held)
	}

	// A wrong password answers exactly as for an unknown login.
	_, wrong := s.Login(owner.Email, "not the password")
	_, unknown := s.Login("nobody.at.all@example.org", "not the password")
	if !errors.Is(wrong, ErrBadCredentials) || wrong.Error() != unknown.Error() {
		t.Fatalf("wrong password over the limit: %v; unknown login: %v", wrong, unknown)
	}

	// The live code still logs in.
	if r, err := s.Authenticate(owner.Email, pw, live); err != nil || r.Stage != StageDashboard {
		t.Fatalf("live code after a held-back send: %+v %v", r, err)
	}

	// The window ends: sends resume.
	clock.Advance(DefaultCodeSendWindow)
	var next *NextStepError
	if _, err := s.Login(owner.Email, pw); !errors.As(err, &next) {
		t.Fatalf("after the window: %v", err)
	}
	if n := codesTo(t, s, phone); n != DefaultCodeSendLimit+1 {
		t.Fatalf("after the window: %d messages, want %d", n, DefaultCodeSendLimit+1)
	}
}

// R23: an enrolment cannot text an arbitrary number again and again; the
// window is dropped from the file when it ends.
func TestCodeSendLimitEnrolment(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Bill Clinic", 5)
	const victim = "+15032530123"
	for range DefaultCodeSendLimit {
		if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, victim); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, victim)
	wantRule(t, err, "R23")
	if n := codesTo(t, s, victim); n != DefaultCodeSendLimit {
		t.Fatalf("%d texts to the number, want %d", n, DefaultCodeSendLimit)
	}
	// The pending enrolment's code still confirms.
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, victim)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultCodeSendWindow)
	if err := s.update(func(*txn) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.db.View(func(tx *store.Tx) error {
		for _, b := range []store.Bucket{bCodeSends, ixCodeSendTime} {
			if n, err := tx.Count(b); err != nil || n != 0 {
				t.Errorf("%s holds %d entries after the window ended (%v)", b, n, err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// R23: an enrolment's number is texted at most CodeSendLimit times per
// window whichever users ask, and the refusal names R23.
func TestCodeSendLimitDestination(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Number Clinic", 5)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	const victim = "+15032530123"
	for i := range DefaultCodeSendLimit {
		who, wpw := owner, pw
		if i%2 == 1 {
			who, wpw = staff, testPassword(staff)
		}
		if _, err := s.StartEnrolment(who.Email, wpw, "", MFASMS, victim); err != nil {
			t.Fatal(err)
		}
	}
	// Staff has sent two codes only, but the number has had its five.
	_, err := s.StartEnrolment(staff.Email, testPassword(staff), "", MFASMS, "(503) 253-0123")
	wantRule(t, err, "R23")
	if !strings.Contains(err.Error(), "to this destination") {
		t.Fatalf("refusal: %v", err)
	}
	if n := codesTo(t, s, victim); n != DefaultCodeSendLimit {
		t.Fatalf("%d texts to the number, want %d", n, DefaultCodeSendLimit)
	}
	if e := lastEvent(t, s, ActCodeHeld); e.Outcome != refusedOutcome("R23") || strings.Contains(e.Detail, victim) {
		t.Fatalf("held-back event: %+v", e)
	}
	// Another number is still texted for staff.
	if _, err := s.StartEnrolment(staff.Email, testPassword(staff), "", MFASMS, "(503) 253-0124"); err != nil {
		t.Fatal(err)
	}
}

// R23, R41: the codes the desk sends to check a caller count in the user's
// limit, with their logins' and enrolments' codes: a lying caller who asks
// for check after check cannot make the desk flood the user's phone. The
// check over the limit sends nothing, starts no check, is audited as a
// held-back send under the operator's name, and is refused naming R23 with
// the ways that send nothing (the app, an approval); when the window ends
// the desk can check by code again.
func TestCallerCheckCodesCountInTheSendLimit(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	const phone = "+15032530199"
	desk := Operator("desk")
	for i := range DefaultCodeSendLimit {
		if _, err := s.StartVerification(desk, u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"}); err != nil {
			t.Fatalf("check %d: %v", i+1, err)
		}
		clock.Advance(time.Minute)
	}
	texts := codesTo(t, s, phone)
	_, err := s.StartVerification(desk, u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"})
	wantRule(t, err, "R23")
	var re *RuleError
	if !errors.As(err, &re) || !strings.Contains(re.Guidance, "approval") {
		t.Fatalf("the refusal does not point the desk to a check that sends no code: %+v", err)
	}
	// R31: in words an operator reads in the console as well as a script:
	// "15 minutes" (not "15m0s"), the console's way as well as the flag.
	if !strings.Contains(re.Msg, "in the last 15 minutes") || !strings.Contains(re.Guidance, "V in the console") {
		t.Fatalf("the refusal's words: %+v", re)
	}
	if n := codesTo(t, s, phone); n != texts {
		t.Fatalf("a held-back check texted the phone: %d messages, want %d", n, texts)
	}
	held := lastEvent(t, s, ActCodeHeld)
	if held.ActorKind != ActorOperator || held.Actor != "desk" || held.Outcome != refusedOutcome("R23") ||
		!strings.Contains(held.Detail, "caller check") {
		t.Fatalf("held-back event: %+v", held)
	}
	if e := lastEvent(t, s, ActVerifyStarted); e.Time.After(clock.Now().Add(-time.Minute)) {
		t.Fatalf("a held-back check was started: %+v", e)
	}
	// The desk's offer of a code check says so before it is picked.
	opts, err := s.VerifyOptions(u.ID)
	if err != nil || len(opts) == 0 || opts[0].Method != VerifyCode || !strings.Contains(opts[0].Label, "(R23)") {
		t.Fatalf("the code check is offered without its hold: %+v %v", opts, err)
	}
	// The checks count for the user's logins too.
	if _, err := s.Login(u.Email, testPassword(u)); RuleOf(err) != "R23" {
		t.Fatalf("a login after five checks: %v, want R23", err)
	}
	// The window ends: the desk checks by code again.
	clock.Advance(DefaultCodeSendWindow)
	if _, err := s.StartVerification(desk, u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"}); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if n := codesTo(t, s, phone); n != texts+1 {
		t.Fatalf("after the window: %d messages, want %d", n, texts+1)
	}
	if opts, _ := s.VerifyOptions(u.ID); strings.Contains(opts[0].Label, "R23") {
		t.Fatalf("the hold is still offered after the window: %+v", opts[0])
	}
}
