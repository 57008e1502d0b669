package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// R31, R13: below the minimum size the console shows only "too small … or
// press q to quit". Keys typed then reach nothing hidden behind it: a y
// does not confirm the unlock the operator can no longer see, and letters
// do not land in a hidden form; q quits, as the screen says.
func TestTooSmallWindowTakesNoKeysButQ(t *testing.T) {
	h := newHarness(t, small, 120, 36, common.PaneLockouts)
	before := h.m.Lockouts().Count()
	h.unlockFirst("forgot password", "called back")
	if h.m.Dialog() != "confirm" {
		t.Fatalf("no confirm:\n%s", h.view())
	}
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := h.view(); !strings.Contains(v, "too small") {
		t.Fatalf("not the too-small screen:\n%s", v)
	}
	for _, k := range []string{"y", "right", "enter", "esc", "n", "x"} {
		h.key(k)
	}
	h.send(tea.MouseClickMsg{X: 10, Y: 10, Button: tea.MouseLeft})
	h.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	if h.m.Dialog() != "confirm" {
		t.Fatalf("keys typed while too small reached the dialog: now %q\n%s", h.m.Dialog(), h.view())
	}
	if n := h.m.Lockouts().Count(); n != before {
		t.Fatalf("an unlock was confirmed blind: %d locked, was %d", n, before)
	}
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.key("q")
	if !h.m.quitting {
		t.Fatal("q on the too-small screen did not quit")
	}
}
