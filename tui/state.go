package tui

import (
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
	"latchkey/tui/panes"
)

// What tests read of the root.

// Active is the tab in front.
func (m *App) Active() common.PaneID { return tabs[m.active].id }

// InDetail reports whether the user detail is showing.
func (m *App) InDetail() bool { return m.over == panes.Pane(m.detail) }

// InPractice reports whether the practice detail is showing.
func (m *App) InPractice() bool { return m.over == panes.Pane(m.practice) }

// Dialog names the top dialog: "form", "confirm", "alert", "qr",
// "document", "palette" or "".
func (m *App) Dialog() string {
	switch m.dialogs.Top().(type) {
	case *dialog.Form:
		return "form"
	case *dialog.Confirm:
		return "confirm"
	case *dialog.Alert:
		return "alert"
	case *dialog.QR:
		return "qr"
	case *dialog.Document:
		return "document"
	case *dialog.Palette:
		return "palette"
	case *dialog.Details:
		return "details"
	}
	if m.dialogs.Top() != nil {
		return "other"
	}
	return ""
}

// Top is the top dialog, if any.
func (m *App) Top() dialog.Dialog { return m.dialogs.Top() }

// Form is the topmost form on the stack, if any (tests read its values).
func (m *App) Form() *dialog.Form {
	if f, ok := m.dialogs.Whole().(*dialog.Form); ok {
		return f
	}
	return nil
}

// Flash is the flash line's text.
func (m *App) Flash() string { return m.flash }

// Lockouts is the lockouts pane (tests read its rows).
func (m *App) Lockouts() *panes.Lockouts { return m.lockouts() }

// Users is the users pane.
func (m *App) Users() *panes.Users { return m.tabs[tabIndex(common.PaneUsers)].(*panes.Users) }

// Detail is the user detail.
func (m *App) Detail() *panes.Detail { return m.detail }

// Practice is the practice detail.
func (m *App) Practice() *panes.Practice { return m.practice }

// Outbox is the outbox pane.
func (m *App) Outbox() *panes.Outbox { return m.tabs[tabIndex(common.PaneOutbox)].(*panes.Outbox) }

// Watch is the watch-list pane.
func (m *App) Watch() *panes.Watch { return m.tabs[tabIndex(common.PaneWatch)].(*panes.Watch) }

// Patients is the patients pane.
func (m *App) Patients() *panes.Patients {
	return m.tabs[tabIndex(common.PanePatients)].(*panes.Patients)
}

// refuse shows an error where the operator is looking: an alert naming the
// rule and its guidance, and the flash line.
func (m *App) refuse(what string, err error) tea.Cmd {
	t, body := actions.Explain(what, err)
	m.setFlash(actions.FlashLine(t, body), true)
	return m.dialogs.Push(dialog.NewAlert(m.c, "refusal", t, body, true))
}
