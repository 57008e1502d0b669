package components

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
)

// Confirm is a yes/no dialog for a destructive action. It opens with No
// focused, so Enter alone never confirms: the operator must move to Yes (or
// press y) first.
type Confirm struct {
	c     *common.Common
	Title string
	Body  string
	Yes   string // label of the affirmative button, e.g. "Unlock"
	Loud  bool   // the most dangerous actions (an MFA clear): the alarm border
	yes   bool   // the focused button
}

// NewConfirm returns a dialog with No focused.
func NewConfirm(c *common.Common, title, body, yes string) Confirm {
	return Confirm{c: c, Title: title, Body: body, Yes: yes}
}

// YesFocused reports whether the affirmative button has the focus.
func (d Confirm) YesFocused() bool { return d.yes }

var (
	confirmLeft   = key.NewBinding(key.WithKeys("left", "h", "right", "l", "tab", "shift+tab"))
	confirmEnter  = key.NewBinding(key.WithKeys("enter", "space"))
	confirmYes    = key.NewBinding(key.WithKeys("y", "Y"))
	confirmCancel = key.NewBinding(key.WithKeys("n", "N", "esc", "q"))
)

// Update handles a key: done reports that the dialog closed, yes what was chosen.
func (d *Confirm) Update(msg tea.KeyPressMsg) (done, yes bool) {
	switch {
	case key.Matches(msg, confirmLeft):
		d.yes = !d.yes
	case key.Matches(msg, confirmEnter):
		return true, d.yes
	case key.Matches(msg, confirmYes):
		return true, true
	case key.Matches(msg, confirmCancel):
		return true, false
	}
	return false, false
}

// View draws the dialog at most width cells wide.
func (d Confirm) View(width int) string {
	st := d.c.Styles
	no, yes := st.Button.Render("[ No ]"), st.Button.Render("[ "+d.Yes+" ]")
	if d.yes {
		yes = st.ButtonOn.Render("[ " + d.Yes + " ]")
	} else {
		no = st.ButtonOn.Render("[ No ]")
	}
	w := min(width, 64)
	style, title := st.Dialog, st.Title.Render(d.Title)
	if d.Loud {
		style, title = st.DialogErr, st.FlashErr.Render("⚠ "+d.Title)
	}
	body := strings.Join([]string{
		title,
		"",
		lipgloss.NewStyle().Width(w - 4).Render(d.Body),
		"",
		no + "  " + yes,
		st.Muted.Render("←/→ choose · enter picks · y yes · n/esc no"),
	}, "\n")
	return Box(style, w, body)
}

// ShortHelp is the footer's list while the dialog is open.
func (d Confirm) ShortHelp() []key.Binding { return confirmHelp }

// FullHelp is every key of the dialog.
func (d Confirm) FullHelp() [][]key.Binding { return [][]key.Binding{confirmHelp} }

var confirmHelp = []key.Binding{
	key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "choose")),
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick the focused button")),
	key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
	key.NewBinding(key.WithKeys("n"), key.WithHelp("n/esc", "no")),
}

// ShortHelp is the footer's list while the alert is open.
func (a Alert) ShortHelp() []key.Binding {
	if a.Retry {
		return retryHelp
	}
	return alertHelp
}

// FullHelp is every key of the alert.
func (a Alert) FullHelp() [][]key.Binding { return [][]key.Binding{a.ShortHelp()} }

var (
	alertHelp = []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/esc", "close"))}
	retryHelp = []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back to the form")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "drop it")),
	}
)

// Alert is a message the operator must acknowledge: a refusal shows its rule
// and guidance here, where the operator is looking.
type Alert struct {
	c     *common.Common
	Title string
	Body  string
	Err   bool
	Retry bool // a refused form: enter goes back to it with what was typed
}

// NewAlert returns an alert.
func NewAlert(c *common.Common, title, body string, isErr bool) Alert {
	return Alert{c: c, Title: title, Body: body, Err: isErr}
}

// View draws the alert at most width cells wide.
func (a Alert) View(width int) string {
	st := a.c.Styles
	style, title := st.Dialog, st.Title.Render(a.Title)
	if a.Err {
		style, title = st.DialogErr, st.FlashErr.Render(a.Title)
	}
	w := min(width, 64)
	keys := st.Muted.Render("enter or esc to close")
	if a.Retry {
		keys = st.Muted.Render("enter: back to the form, as you typed it · esc: drop it")
	}
	body := strings.Join([]string{
		title,
		"",
		lipgloss.NewStyle().Width(w - 4).Render(a.Body),
		"",
		lipgloss.NewStyle().Width(w - 4).Render(keys),
	}, "\n")
	return Box(style, w, body)
}
