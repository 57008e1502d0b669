package tui

import (
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// copiedMsg carries what y copies, read in a command.
type copiedMsg struct {
	Text string
	Err  error
}

// copySelection copies the selected user's login (or the patient's, or the
// practice's name; in the audit and the outbox, the event's target or the
// message's recipient) to the clipboard with OSC 52, which works over SSH.
func (m *App) copySelection() tea.Cmd {
	sel, svc := m.focused().Selection(), m.c.Svc
	if ct, ok := m.focused().(interface{ CopyText() (string, bool) }); ok {
		if text, ok := ct.CopyText(); ok { // an event's target, a message's recipient
			return func() tea.Msg { return copiedMsg{Text: text} }
		}
	}
	if sel == (accounts.Target{}) {
		return common.Flash("Nothing selected to copy", true)
	}
	return common.Cmd(func() tea.Msg {
		switch {
		case sel.UserID != 0:
			u, err := svc.User(sel.UserID)
			return copiedMsg{Text: u.Login(), Err: err}
		case sel.PatientID != 0:
			p, err := svc.Patient(sel.PatientID)
			return copiedMsg{Text: p.Login, Err: err}
		}
		p, err := svc.Practice(sel.PracticeID)
		return copiedMsg{Text: p.Name, Err: err}
	})
}

func (m *App) onCopied(msg copiedMsg) tea.Cmd {
	if msg.Err != nil {
		return m.refuse("Nothing copied", msg.Err)
	}
	m.setFlash("Copied "+common.Sanitize(msg.Text)+" to the clipboard (OSC 52)", false)
	return tea.SetClipboard(msg.Text)
}
