package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/dialog"
)

// Mouse is a second path, never the only one: a click on a tab switches
// to it, a click on a row selects it (the pane's own), the wheel moves the
// cursor, and a click on a dialog's button presses it.

// headerLines are the lines above the body: the header and the tab bar.
const headerLines = 2

func (m *App) mouse(msg tea.MouseMsg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		if m.dialogs.Len() > 0 {
			return nil
		}
		k := "down"
		if msg.Button == tea.MouseWheelUp {
			k = "up"
		}
		return m.focused().Update(keyPress(k))
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return nil
		}
		return m.click(msg.X, msg.Y)
	}
	return nil
}

func (m *App) click(x, y int) tea.Cmd {
	if top := m.dialogs.Top(); top != nil {
		c, ok := top.(dialog.Clicker)
		if !ok {
			return nil
		}
		if _, whole := top.(dialog.Screen); whole || top.Whole() {
			return tea.Batch(c.Click(x, y-headerLines), m.dialogs.Update(nil))
		}
		dlg := top.View(m.c.Width-2, m.bodyHeight())
		dx, dy := boxAt(m.c.Width, m.bodyHeight(), dlg)
		cmd := c.Click(x-dx, y-headerLines-dy)
		return tea.Batch(cmd, m.dialogs.Update(nil))
	}
	if y == 0 && m.watch > 0 && m.onBadge(x, fmt.Sprintf("WATCH %d", m.watch)) {
		return m.switchTo(tabIndex(common.PaneWatch)) // the WATCH badge leads to the watch list
	}
	if y == 0 && m.approvals > 0 && m.onBadge(x, fmt.Sprintf("APPROVALS %d", m.approvals)) {
		return m.openApproval() // and APPROVALS to the user of the request waiting longest
	}
	if y == 1 {
		if i := m.tabAt(x); i >= 0 {
			return m.switchTo(i)
		}
		return nil
	}
	if row := y - headerLines; row >= 0 && row < m.bodyHeight() {
		if p, ok := m.focused().(interface{ ClickRow(int) bool }); ok {
			if p.ClickRow(row) {
				return nil
			}
		}
	}
	return nil
}

// onBadge reports whether column x of the header is on its badge.
func (m *App) onBadge(x int, badge string) bool {
	line := ansi.Strip(m.header())
	i := strings.Index(line, badge)
	if i < 0 {
		return false
	}
	at := ansi.StringWidth(line[:i])
	return x >= at && x < at+len(badge)
}

// openApproval opens the user whose request (an MFA clear, a new owner's
// setup email to a new address) has waited longest for a second operator
// (R42), other than this operator's own requests; A there
// decides it (and accounts refuses an operator's own, however spelt).
func (m *App) openApproval() tea.Cmd {
	svc, me := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		vs, err := svc.Approvals(false, 100)
		if err != nil {
			return common.FlashMsg{Text: "could not read the approvals: " + common.Sanitize(err.Error()), Err: true}
		}
		var user uint64
		for _, v := range vs { // newest first: the last one kept has waited longest
			if accounts.MayApprove(me, v.Approval) == nil { // the approval's own check (R42)
				user = v.UserID
			}
		}
		if user == 0 {
			return common.FlashMsg{Text: "no request waits for you: the ones waiting are your own (R42)"}
		}
		return common.OpenDetailMsg{UserID: user}
	})
}

// tabAt is the tab drawn at column x of the tab bar, or -1.
func (m *App) tabAt(x int) int {
	return components.TabAt(m.c, m.tabTitles(), m.active, m.badges(), x)
}

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}
