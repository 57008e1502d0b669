package accounts

import (
	"strings"
	"testing"
	"time"
)

// R16 (throttle): "Forgot your password?" sends at most one email per
// address per 5 minutes; the caller gets the same answer either way; every
// suppressed request is counted in the audit, so a flood shows.
func TestForgotPasswordThrottled(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Flood Clinic", 5)
	sent := func() int {
		ms, _ := s.outbox(OutboxQuery{To: owner.Email, Limit: 100})
		return len(ms)
	}
	for i := range 10 {
		answer, err := s.ForgotPassword(strings.ToUpper(owner.Email))
		if err != nil || answer != ForgotAnswer {
			t.Fatalf("request %d: %q %v", i+1, answer, err)
		}
		clock.Advance(10 * time.Second)
	}
	if n := sent(); n != 1 {
		t.Fatalf("10 requests in 100 s sent %d emails", n)
	}
	ev := lastEvent(t, s, ActResetRequested)
	if ev.Outcome != refusedOutcome("R16") || !strings.Contains(ev.Detail, "10 requests") {
		t.Fatalf("the flood does not show in the audit: %+v", ev)
	}
	// Five minutes after the email, the next request sends again, and says
	// how many were held back before it.
	clock.Advance(5*time.Minute - 100*time.Second)
	if _, err := s.ForgotPassword(owner.Email); err != nil {
		t.Fatal(err)
	}
	if n := sent(); n != 2 {
		t.Fatalf("after 5 minutes: %d emails", n)
	}
	if ev := lastEvent(t, s, ActResetRequested); ev.Outcome != OutcomeOK || !strings.Contains(ev.Detail, "9 throttled") {
		t.Fatalf("after the window: %+v", ev)
	}

	// An unknown address is answered and throttled the same way.
	for range 3 {
		if answer, err := s.ForgotPassword("nobody.here@example.org"); err != nil || answer != ForgotAnswer {
			t.Fatalf("unknown: %q %v", answer, err)
		}
	}
	if ev := lastEvent(t, s, ActResetRequested); ev.Outcome != refusedOutcome("R16") || !strings.Contains(ev.Detail, "3 requests") {
		t.Fatalf("unknown address flood: %+v", ev)
	}
}
