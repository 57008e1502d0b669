package tui

import (
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/dialog"
)

// An action's way through the console: read what it needs, open its first
// dialog, and show its answer (the root's part of actions/).

// startAction reads what an action needs, with the task line showing.
func (m *App) startAction(a *actions.Action, sel accounts.Target) tea.Cmd {
	// The call first: a quick answer stops the task line before its delay
	// is up (the tests' harness feeds answers in this order too).
	return tea.Batch(actions.Start(m.c, a, sel), m.task.start(a.Title))
}

// onLoaded opens an action's first dialog: its refusal (with the rule), its
// form or its confirm; or runs it at once.
func (m *App) onLoaded(msg actions.LoadedMsg) tea.Cmd {
	m.task.stop()
	if d := actions.Open(m.c, msg); d != nil {
		if a, ok := d.(*dialog.Alert); ok {
			m.setFlash(actions.FlashLine(a.Title, a.Body), true)
		}
		d.SetSize(m.c.Width, m.bodyHeight())
		return m.dialogs.Push(d)
	}
	return actions.Immediate(m.c, msg)
}

// onDone shows an action's answer: success closes its form and flashes the
// result; a refusal goes over the form, which enter brings back as typed.
func (m *App) onDone(msg actions.DoneMsg) tea.Cmd {
	if msg.Err != nil {
		t, body := actions.Explain(msg.Title, msg.Err)
		a := dialog.NewAlert(m.c, "refusal", t, body, true)
		if msg.Form != "" && m.dialogs.Has(msg.Form) {
			a.Form = msg.Form
			m.adoptFresh(msg.Err)
		}
		m.setFlash(actions.FlashLine(t, body), true)
		return tea.Batch(m.dialogs.Push(a), m.reloadVisible())
	}
	cmds := []tea.Cmd{m.reloadVisible()}
	if msg.Form != "" {
		cmds = append(cmds, m.dialogs.Close(msg.Form))
	}
	if msg.Result.OK != "" {
		m.setFlash(msg.Result.OK, false)
	}
	if msg.Result.Show != nil {
		cmds = append(cmds, m.dialogs.Push(msg.Result.Show(m.c)))
	}
	return tea.Batch(cmds...)
}
