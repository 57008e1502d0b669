package common

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// PaneID names a pane, so results of background work land in the pane that
// asked for them and nowhere else.
type PaneID int

// The panes, in tab order; Detail is not a tab.
const (
	PanePractices PaneID = iota
	PaneUsers
	PaneLicenses
	PaneLockouts
	PaneAudit
	PaneOutbox   // tab 6 (issue 4)
	PanePatients // tab 7 (issue 5)
	PaneDetail
	PanePractice // the practice detail, over the practices tab (issue 4)
	PaneWatch    // the watch list (R43, issue 13)
)

// DataMsg is the answer to a pane's query: the pane it belongs to, the
// request number it was asked under (stale answers are dropped), and the data
// or the error.
type DataMsg struct {
	Pane PaneID
	Req  int
	Data any
	Err  error
}

// DebounceMsg fires a moment after a keystroke in a filter; the pane runs the
// query only if no later keystroke came (Seq is still current).
type DebounceMsg struct {
	Pane PaneID
	Seq  int
}

// TickMsg is the one clock tick of the whole app: countdowns redraw from it.
type TickMsg time.Time

// RefreshMsg asks every pane to reload: something changed in the database.
type RefreshMsg struct{}

// OpenDetailMsg asks the root to show a user's detail.
type OpenDetailMsg struct{ UserID uint64 }

// OpenPracticeMsg asks the root to show a practice's detail.
type OpenPracticeMsg struct{ PracticeID uint64 }

// ShowPracticeUsersMsg asks the root to show one practice's users.
type ShowPracticeUsersMsg struct {
	PracticeID uint64
	Name       string // sanitised
}

// FlashMsg puts a line in the flash area.
type FlashMsg struct {
	Text string
	Err  bool
}

// Cmd runs fn as a command that can never crash the console: a panic in it
// comes back as an error message instead (a panic must never reach the
// operator).
//
// It is never inlined, so every command it makes runs the same code: the
// tests' harness and the benchmarks know a service call by that code (an
// inlined copy would be a closure of its own, taken for a timer).
//
//go:noinline
func Cmd(fn func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = PanicMsg{Err: Recovered(r)}
			}
		}()
		return fn()
	}
}

// Query runs fetch as a command whose answer is a DataMsg for pane under req.
// A panic in fetch is that answer's error (an *InternalError), so the pane
// stops waiting for it and asks again at the next change.
func Query(pane PaneID, req int, fetch func() (any, error)) tea.Cmd {
	return Cmd(func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = DataMsg{Pane: pane, Req: req, Err: Recovered(r)}
			}
		}()
		data, err := fetch()
		return DataMsg{Pane: pane, Req: req, Data: data, Err: err}
	})
}

// PanicMsg reports a panic caught in a command whose answer had no room
// for an error: the root logs it and says so.
type PanicMsg struct {
	Err *InternalError
}

// Flash is a command that puts a line in the flash area.
func Flash(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return FlashMsg{Text: text, Err: isErr} }
}
