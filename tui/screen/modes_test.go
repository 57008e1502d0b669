package screen

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func TestWhichTerminalsAreAskedAboutModes(t *testing.T) {
	for _, c := range []struct {
		env []string
		ask bool
	}{
		{[]string{"TERM=xterm-256color"}, true},
		{[]string{"TERM=tmux-256color", "TERM_PROGRAM=tmux"}, true},
		{[]string{"TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal"}, false},
		{[]string{"TERM=xterm-256color", "SSH_TTY=/dev/pts/3"}, false},
		{[]string{"TERM=xterm-ghostty", "SSH_TTY=/dev/pts/3"}, true},
		{[]string{"TERM=xterm-256color", "SSH_TTY=/dev/pts/3", "WT_SESSION=1"}, true},
	} {
		if got := QueryModes(c.env); got != c.ask {
			t.Errorf("QueryModes(%q) = %v, want %v", c.env, got, c.ask)
		}
	}
}

func openAsking(t *testing.T, term *terminal) *Screen {
	t.Helper()
	return Open(Config{Out: term, Env: []string{"TERM=xterm-256color"}, Profile: colorprofile.TrueColor,
		Width: 20, Height: 3, QueryModes: true})
}

// The screen asks about synchronized output and the Unicode core when it
// opens; a terminal that has synchronized output gets every later frame
// inside it, shown at once when all of it is written.
func TestSynchronizedOutputWrapsEachFrame(t *testing.T) {
	term := newTerminal()
	s := openAsking(t, term)
	first := term.next(t)
	if !strings.Contains(first, ansi.RequestModeSynchronizedOutput) || !strings.Contains(first, ansi.RequestModeUnicodeCore) {
		t.Fatalf("the first write asks nothing: %q", first)
	}
	s.Draw("before")
	if f := term.next(t); strings.Contains(f, ansi.SetModeSynchronizedOutput) {
		t.Fatalf("a frame before the answer is wrapped: %q", f)
	}
	s.TerminalReports(ansi.ModeSynchronizedOutput, ansi.ModeReset)
	s.Draw("after")
	f := term.next(t)
	if !strings.HasPrefix(f, ansi.SetModeSynchronizedOutput) || !strings.HasSuffix(f, ansi.ResetModeSynchronizedOutput) || !strings.Contains(f, "after") {
		t.Fatalf("the frame after the answer should be wrapped whole: %q", f)
	}
	_ = s.Close()
}

// A terminal with the Unicode core gets it turned on, the frame drawn whole
// and measured by cluster from then on, and turned off again at Close.
func TestTheUnicodeCoreIsTurnedOnAndOff(t *testing.T) {
	term := newTerminal()
	s := openAsking(t, term)
	term.next(t)
	s.Draw("ab\ncd")
	term.next(t)
	s.TerminalReports(ansi.ModeUnicodeCore, ansi.ModeReset) // known, off: turn it on
	f := term.next(t)
	if !strings.Contains(f, ansi.SetModeUnicodeCore) || !strings.Contains(f, "ab") || !strings.Contains(f, "cd") {
		t.Fatalf("turning the core on should redraw the whole frame after it: %q", f)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.cells.Method != ansi.GraphemeWidth {
		t.Fatal("cells are not measured by cluster")
	}
	if end := term.writes[len(term.writes)-1]; !strings.Contains(end, ansi.ResetModeUnicodeCore) {
		t.Fatalf("Close leaves the Unicode core on: %q", end)
	}
}

// A terminal that does not know a mode, or other modes, change nothing.
func TestOtherModeAnswersChangeNothing(t *testing.T) {
	term := newTerminal()
	s := openAsking(t, term)
	term.next(t)
	s.TerminalReports(ansi.ModeSynchronizedOutput, ansi.ModeNotRecognized)
	s.TerminalReports(ansi.ModeUnicodeCore, ansi.ModeNotRecognized)
	s.TerminalReports(ansi.ModeBracketedPaste, ansi.ModeSet)
	s.Draw("x")
	if f := term.next(t); strings.Contains(f, ansi.SetModeSynchronizedOutput) || strings.Contains(f, ansi.SetModeUnicodeCore) {
		t.Fatalf("an unknown mode was turned on: %q", f)
	}
	_ = s.Close()
}
