// Package panes holds one file per pane of the console. Every pane renders a
// string, takes its size from SetSize, reports its keys as a help.KeyMap, and
// asks the service for data only through commands whose answers carry the
// pane and a request number (common.DataMsg).
package panes

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Pane is the contract between the root and a pane.
type Pane interface {
	help.KeyMap
	ID() common.PaneID
	Title() string
	// Init starts the first load.
	Init() tea.Cmd
	// Reload asks the service again, keeping the filter and the cursor.
	Reload() tea.Cmd
	// Update handles a message addressed to this pane (keys only when it has
	// the focus).
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	// Capturing reports whether keys are text here (a focused filter), so
	// global keys such as q must not act.
	Capturing() bool
	// Back handles esc: it reports whether the pane used it (to clear a
	// filter or a scope); if not, the root goes back.
	Back() (bool, tea.Cmd)
	// Selection is the record under the cursor, for the actions' keys and
	// the palette (a zero Target: nothing to act on).
	Selection() accounts.Target
}
