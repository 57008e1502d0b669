package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/tui/common"
	"latchkey/tui/screen"
)

// Every pane, a detail, a form, its confirm and the help, with their styles,
// leave no style open across a line break, so the screen redraws a changed
// line by parsing that line alone (tui/screen/lines.go) — the filter's echo
// costs one line's parse, not the frame's.
func TestFramesDrawLineByLine(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 40}} {
		h := newHarness(t, goldenFixture, size[0], size[1], common.PanePractices)
		check := func(what string) {
			t.Helper()
			frame := h.m.Render()
			if !screen.StandsAlone(frame) {
				for i, l := range strings.Split(frame, "\n") {
					t.Logf("%2d %q", i, l)
				}
				t.Errorf("%s at %dx%d: a line leaves a style open for the next", what, size[0], size[1])
			}
		}
		for _, pane := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
			h.key(pane)
			check(fmt.Sprintf("pane %s", pane))
		}
		h.key("2")
		h.key("/")
		h.typeText("ma")
		check("the users filter")
		h.key("esc")
		h.key("4")
		h.key("enter")
		check("a lockout's detail")
		h.key("u")
		check("the unlock form")
		h.key("esc")
		h.key("esc")
		h.key("?")
		check("the help")
	}
}

// R35: an operator's SSH client may claim any window size; the console
// draws at most screen.MaxWidth by screen.MaxHeight, so one absurd claim
// cannot take the shared desk's memory.
func TestAnAbsurdWindowIsDrawnBounded(t *testing.T) {
	h := newHarness(t, goldenFixture, 80, 24, common.PaneUsers)
	h.send(tea.WindowSizeMsg{Width: 100_000, Height: 100_000})
	frame := h.view()
	lines := strings.Split(frame, "\n")
	if len(lines) > screen.MaxHeight {
		t.Fatalf("%d lines drawn, want at most %d", len(lines), screen.MaxHeight)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > screen.MaxWidth {
			t.Fatalf("line %d is %d cells wide, want at most %d", i, w, screen.MaxWidth)
		}
	}
	if !strings.Contains(frame, "Users") {
		t.Fatalf("the bounded frame should still be the console:\n%.400s", frame)
	}
}
