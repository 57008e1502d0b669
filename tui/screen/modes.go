package screen

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Two terminal modes make a frame better where the terminal has them, as
// Bubble Tea's renderer uses them: synchronized output (2026), which shows
// a frame only once it is all written, and the Unicode core (2027), which
// makes the terminal measure a cluster such as an emoji with its modifiers
// as the console measures it. The screen asks for both when it opens;
// Bubble Tea turns the answers into tea.ModeReportMsg, and the wrapper
// model hands them to TerminalReports.

// QueryModes reports whether to ask the terminal of env about its modes.
// Apple's Terminal, and a remote shell of unknown terminal (SSH_TTY set),
// are not asked unless $TERM names a terminal known to answer: a terminal
// that does not know the question may print it.
func QueryModes(env []string) bool {
	get := func(name string) (string, bool) {
		for _, kv := range env {
			if k, v, ok := strings.Cut(kv, "="); ok && k == name {
				return v, true
			}
		}
		return "", false
	}
	term, _ := get("TERM")
	for _, known := range []string{"ghostty", "wezterm", "alacritty", "kitty", "rio"} {
		if strings.Contains(term, known) {
			return true
		}
	}
	if _, ok := get("WT_SESSION"); ok {
		return true
	}
	program, _ := get("TERM_PROGRAM")
	_, remote := get("SSH_TTY")
	return !remote && !strings.Contains(program, "Apple")
}

// TerminalReports takes the terminal's answer about a mode.
func (s *Screen) TerminalReports(mode ansi.Mode, value ansi.ModeSetting) {
	s.mu.Lock()
	switch {
	case mode == ansi.ModeSynchronizedOutput && value == ansi.ModeReset:
		s.syncd = true // known, and off until a frame turns it on
	case mode == ansi.ModeUnicodeCore && (value == ansi.ModeReset || value.IsSet()):
		s.grapheme = true
	default:
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.signal()
}
