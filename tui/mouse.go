package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

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
	if y == 0 && m.onWatchBadge(x) {
		return m.switchTo(tabIndex(common.PaneWatch)) // the WATCH badge leads to the watch list
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

// onWatchBadge reports whether column x of the header is on its WATCH badge.
func (m *App) onWatchBadge(x int) bool {
	if m.watch == 0 {
		return false
	}
	line := ansi.Strip(m.header())
	badge := fmt.Sprintf("WATCH %d", m.watch)
	i := strings.Index(line, badge)
	if i < 0 {
		return false
	}
	at := ansi.StringWidth(line[:i])
	return x >= at && x < at+len(badge)
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
