package tui

import (
	"testing"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// R16: on a quiet desk the console's one-second tick sweeps a "Forgot your
// password?" window when it ends, so the address leaves the file although
// nothing else writes; before its end the tick reads nothing for it.
func TestTickSweepsEndedForgotWindow(t *testing.T) {
	h := newHarness(t, small, 100, 30, common.PaneAudit)
	if _, err := h.f.Svc.ForgotPassword("nobody.here@example.org"); err != nil {
		t.Fatal(err)
	}
	h.tick() // the change feed moved
	if h.f.Svc.SweepDue(h.f.Svc.Now()) {
		t.Fatal("a window due at once")
	}
	h.f.Clock.Advance(accounts.DefaultForgotEvery)
	if !h.f.Svc.SweepDue(h.f.Svc.Now()) {
		t.Fatal("R16: the window's end is not due")
	}
	h.tick()
	if h.f.Svc.SweepDue(h.f.Svc.Now()) {
		t.Fatal("R16: the tick did not sweep the ended window")
	}
}
