package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R41, R4: a pending user locked by someone guessing at their login is
// unlocked with the caller's verification typed, as before; but the form
// does not send the operator to V, which is not offered for a pending user
// (nothing a check goes through is theirs yet): it says why not, with the
// rule, and what to do instead.
func TestUnlockPendingUserDoesNotPointToV(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 1, Users: 3}, 80, 24, common.PaneUsers)
	us, err := h.f.Svc.Users(accounts.UserQuery{Status: accounts.StatusPending})
	if err != nil || len(us) == 0 {
		t.Fatalf("%d pending users, %v", len(us), err)
	}
	u := us[0].User
	for range h.f.Svc.Config().MaxFailures {
		_, _ = h.f.Svc.Login(u.Email, "wrong password")
	}
	h.start(accounts.ActionUnlock, accounts.Target{UserID: u.ID})
	if _, ok := h.form(accounts.ActionUnlock); !ok {
		t.Fatalf("no unlock form:\n%s", h.view())
	}
	v := strings.Join(strings.Fields(h.view()), " ")
	if strings.Contains(v, "then V verifies") {
		t.Fatalf("the form sends the operator to V, not offered for a pending user:\n%s", h.view())
	}
	if !strings.Contains(v, "R41: no caller check of") || !strings.Contains(v, "is pending") {
		t.Fatalf("the form does not say why no check goes with it:\n%s", h.view())
	}
}
