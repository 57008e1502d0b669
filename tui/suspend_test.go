package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// fakeSuspend records what the console asked of the terminal.
type fakeSuspend struct{ calls []string }

func (f *fakeSuspend) Leave() error { f.calls = append(f.calls, "leave"); return nil }
func (f *fakeSuspend) Back() (int, int, error) {
	f.calls = append(f.calls, "back")
	return 100, 30, nil
}

// step feeds msg to the console and runs the one command it answers with.
func step(t *testing.T, m *App, msg tea.Msg) tea.Msg {
	t.Helper()
	_, cmd := m.Update(msg)
	if cmd == nil {
		return nil
	}
	return cmd()
}

// ctrl+z suspends the local console properly: the terminal is given back
// first (the screen leaves the alternate screen, cooked mode), then Bubble
// Tea stops the process (tea.Suspend); on resume the terminal is taken again
// at its size now, and an open form is still there as typed. (R31: the
// desk's console is a well-behaved terminal program.)
func TestCtrlZSuspendsAndResumesTheLocalConsole(t *testing.T) {
	h := newHarness(t, small, 120, 36, common.PaneLockouts)
	sp := &fakeSuspend{}
	h.m.suspender = sp
	h.openUser(h.f.LockedIDs[0])
	h.key("u")
	h.paste("locked out")
	msg := step(t, h.m, keyMsg("ctrl+z"))
	if _, ok := msg.(leftMsg); !ok || strings.Join(sp.calls, ",") != "leave" {
		t.Fatalf("ctrl+z: %T, calls %v", msg, sp.calls)
	}
	if msg = step(t, h.m, msg); msg != (tea.SuspendMsg{}) {
		t.Fatalf("after the terminal was given back: %T, want tea.SuspendMsg", msg)
	}
	msg = step(t, h.m, tea.ResumeMsg{})
	if b, ok := msg.(backMsg); !ok || b.Width != 100 || strings.Join(sp.calls, ",") != "leave,back" {
		t.Fatalf("resume: %T %+v, calls %v", msg, msg, sp.calls)
	}
	h.send(msg)
	if c := h.m.Common(); c.Width != 100 || c.Height != 30 {
		t.Fatalf("size after resume %dx%d, want the terminal's 100x30", c.Width, c.Height)
	}
	if f, ok := h.form(accounts.ActionUnlock); !ok || f.Values().Str("reason") != "locked out" {
		t.Fatalf("the form is not back as typed:\n%s", h.view())
	}
}

// R35: a console served over SSH never suspends — its process is the desk
// server, and stopping it would stop every operator's console: ctrl+z says
// so and asks Bubble Tea for nothing, and help does not offer it.
func TestCtrlZOverSSHSaysSoAndSuspendsNothing(t *testing.T) {
	f := newHarness(t, small, 120, 36, common.PaneLockouts).f
	m := New(f.Svc, Options{Operator: "alice", Remote: true})
	m.suspender = &fakeSuspend{}
	m.every = func() tea.Cmd { return nil }
	m.noWake = true
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 36})
	if msg := step(t, m, keyMsg("ctrl+z")); msg != nil {
		t.Fatalf("ctrl+z over SSH answered %T", msg)
	}
	if !strings.Contains(m.Flash(), "served over SSH") {
		t.Fatalf("flash %q", m.Flash())
	}
	m.Update(keyMsg("?"))
	if strings.Contains(m.Render(), "suspend (fg resumes)") {
		t.Fatal("help offers ctrl+z over SSH")
	}
}
