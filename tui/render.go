package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/dialog"
)

// MinWidth and MinHeight are the smallest screen the console draws on.
const MinWidth, MinHeight = 80, 24

// Title is the terminal window's title while the console is open.
const Title = "Latchkey"

// View draws the screen. A panic while drawing shows a message, never a crash.
func (m *App) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			// The value and stack go to the log, never the screen (internal.go);
			// off the loop: View does no I/O of its own.
			if cmd := m.logInternal("View", common.Recovered(r)); cmd != nil {
				go cmd()
			}
			v = tea.NewView("Latchkey could not draw this screen (" + common.InternalMsg + ").\nPress esc, or q to quit.")
			v.AltScreen = true
		}
	}()
	v = tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = Title
	return v
}

// Render is the screen as a string (golden tests compare it).
func (m *App) Render() string {
	c := m.c
	if m.quitting {
		return ""
	}
	// A whole-screen dialog (the QR) fits itself, small screens included.
	if s, ok := m.dialogs.Top().(dialog.Screen); ok && s.FullScreen() {
		return m.dialogs.Top().View(c.Width, c.Height)
	}
	if m.tooSmall() {
		return tooSmall(c)
	}
	header := m.header()
	tabBar := components.Tabs(c, m.tabTitles(), m.active, m.badges())
	footer := m.footer.View(m.keyMap())
	bodyH := max(c.Height-3-lipgloss.Height(footer), 3)
	body := m.focused().View()
	if d := m.dialogs.Whole(); d != nil {
		body = d.View(c.Width, bodyH)
	}
	body = fitLines(body, bodyH)
	if boxes := m.dialogs.Boxes(); len(boxes) > 0 {
		layers := []*lipgloss.Layer{lipgloss.NewLayer(body)}
		for i, d := range boxes {
			dlg := d.View(c.Width-2, bodyH)
			x, y := boxAt(c.Width, bodyH, dlg)
			layers = append(layers, lipgloss.NewLayer(dlg).X(x).Y(y).Z(i+1))
		}
		body = fitLines(lipgloss.NewCompositor(layers...).Render(), bodyH)
	}
	return strings.Join([]string{header, tabBar, body, m.flashLine(), footer}, "\n")
}

// fitLines makes s exactly h lines: cut below, blank lines added. It does
// what a lipgloss style with Height and MaxHeight did here without measuring
// every line's width (that style also padded each line to the widest, which
// draws nothing: a frame starts blank), so a key's redraw does not spend a
// millisecond on it.
func fitLines(s string, h int) string {
	n := strings.Count(s, "\n") + 1
	if n > h {
		cut := 0
		for range h {
			cut += strings.IndexByte(s[cut:], '\n') + 1
		}
		return s[:cut-1]
	}
	return s + strings.Repeat("\n", h-n)
}

// boxAt is where a floating dialog goes: centred in the body.
func boxAt(w, bodyH int, dlg string) (int, int) {
	return max((w-lipgloss.Width(dlg))/2, 0), max((bodyH-lipgloss.Height(dlg))/2, 0)
}

// tooSmall reports whether the window is below the minimum, so that only
// the too-small screen shows (a whole-screen dialog fits itself instead).
func (m *App) tooSmall() bool {
	if s, ok := m.dialogs.Top().(dialog.Screen); ok && s.FullScreen() {
		return false
	}
	return m.c.Width < MinWidth || m.c.Height < MinHeight
}

// keyTooSmall: on the too-small screen a key reaches nothing it hides (a
// y must not confirm an unlock the operator cannot see); q and ctrl+c
// quit, as the screen says.
func (m *App) keyTooSmall(msg tea.KeyPressMsg) tea.Cmd {
	if k := msg.String(); k == "q" || k == "ctrl+c" {
		m.quitting = true
		return tea.Quit
	}
	return nil
}

// tooSmall is the screen below the minimum: what is needed, and how to quit.
func tooSmall(c *common.Common) string {
	msg := fmt.Sprintf("Terminal too small (need %dx%d, have %dx%d). Enlarge it, or press q to quit.",
		MinWidth, MinHeight, c.Width, c.Height)
	h := max(c.Height, 1)
	return lipgloss.NewStyle().Width(max(c.Width, 1)).Height(h).MaxHeight(h).Render(msg)
}

func (m *App) tabTitles() []string {
	out := make([]string, len(m.tabs))
	for i, p := range m.tabs {
		out[i] = p.Title()
	}
	return out
}

// badges count what needs the desk: every locked account, whatever the
// lockouts filter shows, and every watched factor not yet reviewed (R43).
func (m *App) badges() map[int]string {
	out := map[int]string{}
	if n := m.c.Stats.Locked; n > 0 {
		out[tabIndex(common.PaneLockouts)] = fmt.Sprintf("(%d)", n)
	}
	if m.watch > 0 {
		out[tabIndex(common.PaneWatch)] = fmt.Sprintf("(%d)", m.watch)
	}
	return out
}

// header is the top line.
func (m *App) header() string {
	c := m.c
	return components.Header(c, components.HeaderInfo{
		Stats: c.Stats, Demo: c.Svc.IsDemo(), Offset: c.Svc.ClockOffset(), Now: c.Now(), Sim: m.simBadge(),
		Approvals: m.approvals, Watch: m.watch,
		Offline: offline(c.Svc),
	})
}

// flashLine is the task in progress, else the last result or refusal.
func (m *App) flashLine() string {
	st, w := m.c.Styles, m.c.Width
	if t := m.task.view(); t != "" {
		return st.Muted.Render(components.Fit(t, w))
	}
	switch {
	case m.flash == "":
		return ""
	case m.flashErr:
		return st.FlashErr.Render(components.Fit(m.flash, w))
	}
	return st.Flash.Render(components.Fit("✓ "+m.flash, w))
}

func (m *App) footerHeight() int {
	return max(lipgloss.Height(m.footer.View(m.keyMap())), 1)
}

// withActions is a pane's keys with the keys of the actions on its
// selection: all of them folded into one entry in the short list (one
// alone with its own words), each in full help; where the pane knows what
// accounts said applies (the user detail; a list, from the row's record:
// panes/rowoffers.go), only those (R31).
type withActions struct{ p interface{ help.KeyMap } }

type eligibleKnower interface{ Eligible() []accounts.Eligibility }

func (w withActions) actionKeys() []key.Binding {
	var keys []key.Binding
	for _, a := range offeredOn(w.p) {
		keys = append(keys, a.Key)
	}
	return keys
}

// offeredOn are the actions a pane's selection offers: those accounts
// said apply, where the pane knows (eligibleKnower), else all on its kind
// of record. The footer and the : palette offer the same (R31).
func offeredOn(p any) []*actions.Action {
	sel, ok := p.(interface{ Selection() accounts.Target })
	if !ok {
		return nil
	}
	if el, ok := p.(eligibleKnower); ok {
		return actions.EligibleActions(sel.Selection(), el.Eligible())
	}
	return actions.Offered(sel.Selection())
}

func (w withActions) ShortHelp() []key.Binding {
	own := w.p.ShortHelp()
	acts := w.actionKeys()
	if len(acts) == 0 {
		return own
	}
	names := make([]string, len(acts))
	for i, b := range acts {
		names[i] = b.Help().Key
	}
	fold := key.NewBinding(key.WithKeys(names...), key.WithHelp(strings.Join(names, " "), "actions"))
	if len(acts) == 1 {
		fold = acts[0] // one action says what it does: "W review watch list"
	}
	// The fold goes after the pane's own keys, before ? q and tab.
	out := make([]key.Binding, 0, len(own)+1)
	placed := false
	for _, b := range own {
		if !placed && (b.Help().Key == "?" || b.Help().Key == "q") {
			out, placed = append(out, fold), true
		}
		out = append(out, b)
	}
	if !placed {
		out = append(out, fold)
	}
	return out
}

func (w withActions) FullHelp() [][]key.Binding {
	full := w.p.FullHelp()
	if acts := w.actionKeys(); len(acts) > 0 {
		full = append([][]key.Binding{full[0], acts}, full[1:]...)
	}
	return full
}

// offline is what the header says while a shared database cannot be
// reached (R44): the store reconnects by itself, and actions meanwhile are
// refused with a message naming the server. Health is an atomic read.
func offline(svc common.Service) string {
	h, ok := svc.(interface{ Health() error })
	if !ok || h.Health() == nil {
		return ""
	}
	return h.Health().Error()
}
