package accounts

import (
	"strings"
	"sync"
	"testing"
)

// R16 (throttle), race: many "Forgot your password?" requests at once for
// one address send exactly one email.
func TestForgotFloodAtOnceSendsOne(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Race Clinic", 5)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if answer, err := s.ForgotPassword(owner.Email); err != nil || answer != ForgotAnswer {
				t.Errorf("%q %v", answer, err)
			}
		}()
	}
	wg.Wait()
	if ms, _ := s.outbox(OutboxQuery{To: owner.Email, Limit: 100}); len(ms) != 1 {
		t.Fatalf("16 requests at once sent %d emails", len(ms))
	}
}

// R22, R23, race: one SMS code given to two changes at once moves at most
// one of them.
func TestStepUpCodeWorksOnceUnderRace(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Race Step Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}
	_, err := s.StartEnrolment(owner.Email, pw, "", MFAApp, "") // sends a code to the phone
	wantRule(t, err, "R22")
	code := codeIn(t, s, "+15032530123")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = s.StartEnrolment(owner.Email, pw, code, MFAApp, "")
			} else {
				next := "a-brand-new-passphrase-" + itoa(i)
				_, err = s.ChangePassword(owner.Email, pw, code, next, next)
			}
			if err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("one code moved %d changes", ok)
	}
}

// R18, R22: a changed password is told to the user at the login email, so a
// stolen password cannot lock its owner out in silence.
func TestPasswordChangeTellsTheUser(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Told Clinic", 5)
	const next = "a-brand-new-passphrase-1"
	if _, err := s.ChangePassword(owner.Email, pw, "", next, next); err != nil {
		t.Fatal(err)
	}
	m := newestTo(t, s, owner.Email)
	if m.Cause != ActPasswordChanged || !strings.Contains(m.Body, "was changed") || strings.Contains(m.Body, next) {
		t.Fatalf("%+v", m)
	}
}
