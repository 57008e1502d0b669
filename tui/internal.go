package tui

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/actions"
	"latchkey/tui/common"
)

// A panic caught in a command comes back in the command's answer as a
// *common.InternalError (common/internal.go). The root logs its value and
// stack to the app's log — never the screen — and the answer goes on to
// the pane or form that waits for it, which says "internal error, logged".

// internalOf is the caught panic a message carries, if any.
func internalOf(msg tea.Msg) *common.InternalError {
	var err error
	switch msg := msg.(type) {
	case common.PanicMsg:
		return msg.Err
	case common.DataMsg:
		err = msg.Err
	case actions.LoadedMsg:
		err = msg.Err
	case actions.DoneMsg:
		err = msg.Err
	}
	var ie *common.InternalError
	if errors.As(err, &ie) {
		return ie
	}
	return nil
}

// logInternal writes a caught panic to the app's log, in a command (no I/O
// in Update).
func (m *App) logInternal(where string, ie *common.InternalError) tea.Cmd {
	log := m.log
	if log == nil || ie == nil {
		return nil
	}
	return func() tea.Msg {
		log.Error("internal error, recovered", "in", where, "operator", m.c.Operator, "panic", ie.Value, "stack", ie.Stack)
		return nil
	}
}

// internalFlash is what the flash line says of a caught panic.
func (m *App) internalFlash() string {
	s := "✗ " + common.InternalMsg
	if m.logWhere != "" {
		s += " to " + m.logWhere
	}
	return s + "; the console carries on"
}
