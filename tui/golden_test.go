package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// goldenFixture is small and fixed: a fake clock at a set time, times drawn
// in UTC, one hostile name (R38), four locks (R32). Screens are compared
// without styles (ansi.Strip), so the files are plain text.
var goldenFixture = fixture.Options{Practices: 6, Users: 5, Locked: 4, Hostile: true}

// R31, R32, R38: every pane at 80x24 and 120x36, as the operator sees it.
// Refresh with: go test ./tui -run TestGolden -update
func TestGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		h := newHarness(t, goldenFixture, size[0], size[1], common.PanePractices)
		for _, pane := range []struct{ name, key string }{
			{"practices", "1"}, {"users", "2"}, {"licenses", "3"}, {"lockouts", "4"}, {"audit", "5"},
		} {
			h.key(pane.key)
			t.Run(fmt.Sprintf("%s_%dx%d", pane.name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(h.view()))
			})
		}
		// The lockouts pane's detail, the unlock form and its confirm.
		h.key("4")
		h.key("enter")
		t.Run(fmt.Sprintf("detail_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})
		h.key("u")
		t.Run(fmt.Sprintf("unlock_form_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})
		h.paste("forgot password")
		h.key("enter")
		h.paste("called back on the number on file")
		h.key("enter")
		t.Run(fmt.Sprintf("unlock_confirm_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})
		h.key("esc")
		h.key("esc")
		h.key("?")
		t.Run(fmt.Sprintf("full_help_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})
		// The user detail's full help: its columns stack rather than lose
		// the global keys at 80 columns.
		h.key("enter")
		t.Run(fmt.Sprintf("detail_full_help_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})
		h.key("?")
		h.key("esc")
	}
}

// R31, R38 and the style sheet: the lockouts pane, a user's detail and the
// unlock confirm with their colours, in the dark and the light style, at
// 80x24 and 120x36 (no state is shown by colour alone: the words are in the
// plain goldens above). Refresh with: go test ./tui -run TestGoldenStyles -update
func TestGoldenStyles(t *testing.T) {
	for _, dark := range []bool{true, false} {
		style := map[bool]string{true: "dark", false: "light"}[dark]
		for _, size := range [][2]int{{80, 24}, {120, 36}} {
			h := newHarness(t, goldenFixture, size[0], size[1], common.PaneLockouts)
			*h.m.Common().Styles = *common.NewStyles(dark)
			shot := func(name string) {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", name, style, size[0], size[1]), func(t *testing.T) {
					golden.RequireEqual(t, []byte(h.m.Render()))
				})
			}
			shot("lockouts")
			h.key("enter")
			shot("detail")
			h.key("u")
			h.paste("forgot password")
			h.key("enter")
			h.paste("called back on the number on file")
			h.key("enter")
			shot("unlock_confirm")
		}
	}
}
