package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
	"latchkey/tui/panes"
)

// paletteLimit bounds each kind of record a palette search reads.
const paletteLimit = 15

// paletteJumpMsg asks the root to show a record the palette found.
type paletteJumpMsg struct {
	Kind  accounts.Subject
	ID    uint64
	Login string // a user's, for the users list to show them (R31)
}

// paletteActionMsg asks the root to start an action on the selection the
// palette was opened over.
type paletteActionMsg struct {
	Action *actions.Action
	Sel    accounts.Target
}

// openPalette opens : over the panes: the actions on the selection and the
// tabs at once, and any user, practice or patient as the operator types.
func (m *App) openPalette() tea.Cmd {
	sel := m.focused().Selection()
	var static []dialog.PaletteItem
	if n := m.approvals; n > 0 {
		// The APPROVALS badge's way in from the keyboard (R42).
		what := "1 request (an MFA clear, a new owner's setup email) waits for your approval"
		if n > 1 {
			what = fmt.Sprintf("%d requests (MFA clears, new owners' setup emails) wait for your approval", n)
		}
		static = append(static, dialog.PaletteItem{Kind: "approval", Label: what,
			Detail: "opens the one waiting longest (R42)", Run: m.openApproval()})
	}
	for _, a := range offeredOn(m.focused()) { // as the footer (R31)
		static = append(static, dialog.PaletteItem{Kind: "action", Label: a.Title, Detail: "key " + a.Key.Help().Key,
			Run: msgCmd(paletteActionMsg{Action: a, Sel: sel})})
	}
	for i, p := range m.tabs {
		static = append(static, dialog.PaletteItem{Kind: "pane", Label: p.Title(), Detail: fmt.Sprintf("key %d", i+1),
			Run: msgCmd(paletteTabMsg(i))})
	}
	return m.dialogs.Push(dialog.NewPalette(m.c, static, m.paletteSearch))
}

type paletteTabMsg int

func msgCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// paletteSearch looks the text up among users, practices and patients,
// through the same service queries the panes use.
func (m *App) paletteSearch(term string, seq int) tea.Cmd {
	svc := m.c.Svc
	return common.Cmd(func() tea.Msg {
		var items []dialog.PaletteItem
		jump := func(k accounts.Subject, id uint64) tea.Cmd { return msgCmd(paletteJumpMsg{Kind: k, ID: id}) }
		jumpUser := func(u accounts.UserRow) tea.Cmd {
			return msgCmd(paletteJumpMsg{Kind: accounts.SubjectUser, ID: u.ID, Login: u.Login()})
		}
		if us, err := svc.Users(accounts.UserQuery{Search: term, Limit: paletteLimit}); err == nil {
			for _, u := range us {
				items = append(items, dialog.PaletteItem{Kind: "user", Label: common.Sanitize(u.Name),
					Detail: common.Sanitize(u.Login()) + " · " + common.Sanitize(u.PracticeName), Run: jumpUser(u)})
			}
		}
		if ps, err := svc.Practices(accounts.PracticeQuery{Search: term, Limit: paletteLimit}); err == nil {
			for _, p := range ps {
				items = append(items, dialog.PaletteItem{Kind: "practice", Label: common.Sanitize(p.Name),
					Detail: fmt.Sprintf("#%d · %s in use", p.ID, plural.Of(p.InUse, p.Purchased, "license")), Run: jump(accounts.SubjectPractice, p.ID)})
			}
		}
		if ps, err := svc.Patients(accounts.PatientQuery{Search: term, Limit: paletteLimit}); err == nil {
			for _, p := range ps {
				items = append(items, dialog.PaletteItem{Kind: "patient", Label: common.Sanitize(p.Name),
					Detail: common.Sanitize(p.Login) + " · " + common.Sanitize(p.PracticeName), Run: jump(accounts.SubjectPatient, p.ID)})
			}
		}
		return dialog.PaletteResultsMsg{Seq: seq, Items: items}
	})
}

// jump shows a record the palette found.
func (m *App) jump(msg paletteJumpMsg) tea.Cmd {
	switch msg.Kind {
	case accounts.SubjectUser:
		m.active = tabIndex(common.PaneUsers)
		m.setOver(m.detail)
		// Behind the detail, the list shows that user selected: back from
		// it, the next key acts on them, not on the row selected before.
		return tea.Batch(m.detail.Show(msg.ID), m.tabs[m.active].(*panes.Users).Find(msg.Login))
	case accounts.SubjectPractice:
		m.active = tabIndex(common.PanePractices)
		m.setOver(m.practice)
		return m.practice.Show(msg.ID)
	case accounts.SubjectPatient:
		m.active = tabIndex(common.PanePatients)
		m.setOver(nil)
		return m.tabs[m.active].(*panes.Patients).Open(msg.ID)
	}
	return nil
}
