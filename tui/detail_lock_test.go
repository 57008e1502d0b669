package tui

import (
	"strings"
	"testing"
	"time"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R12, R31: a lock that lifts on another day is said whole at 80x24: when
// it lifts (date and time) on the Lock line, when it began below it,
// rather than the lift's time cut off the edge.
func TestDetailLockLineWholeAt80(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 1, Users: 3}, 80, 24, common.PaneUsers)
	h.f.Clock.Set(time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC))
	us, err := h.f.Svc.Users(accounts.UserQuery{Status: accounts.StatusActive})
	if err != nil || len(us) == 0 {
		t.Fatalf("%d users, %v", len(us), err)
	}
	for range h.f.Svc.Config().MaxFailures {
		_, _ = h.f.Svc.Login(us[0].Email, "wrong password")
	}
	h.openUser(us[0].ID)
	v := h.view()
	for _, want := range []string{"lifts itself in 1:00:00 (at Mar 03 00:30)", "since 2026-03-02 23:30:00"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the detail lacks %q whole:\n%s", want, v)
		}
	}
}
