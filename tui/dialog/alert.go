package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
)

// Alert is a message the operator acknowledges: a refusal shows its rule
// and guidance here, where the operator is looking. Over a refused form,
// enter goes back to the form as typed and esc drops it.
type Alert struct {
	c      *common.Common
	id     string
	Title  string
	Body   string
	Err    bool
	Form   string // the ID of the refused form beneath, if any
	closed bool
}

// NewAlert returns an alert.
func NewAlert(c *common.Common, id, title, body string, isErr bool) *Alert {
	return &Alert{c: c, id: id, Title: title, Body: body, Err: isErr}
}

// ID names the alert.
func (a *Alert) ID() string { return a.id }

// Init has nothing to start.
func (a *Alert) Init() tea.Cmd { return nil }

// Retry reports whether enter goes back to a form.
func (a *Alert) Retry() bool { return a.Form != "" }

// Update closes the alert on enter, esc, space, q or ctrl+c.
func (a *Alert) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch k.String() {
	case "enter":
		a.closed = true
		if a.Form != "" {
			return common.Flash("Back to the form: correct what was refused and submit again", false)
		}
	case "esc", "space", "q", "ctrl+c":
		a.closed = true
		if a.Form != "" {
			return tea.Batch(Close(a.Form), common.Flash("Dropped: nothing was changed", false))
		}
	}
	return nil
}

// Click anywhere on the alert closes it, as enter does.
func (a *Alert) Click(int, int) tea.Cmd { return a.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) }

// Closed reports whether the alert was acknowledged.
func (a *Alert) Closed() bool { return a.closed }

// Whole: an alert floats.
func (a *Alert) Whole() bool { return false }

// SetSize has nothing to fit.
func (a *Alert) SetSize(int, int) {}

// View draws the alert at most w cells wide.
func (a *Alert) View(w, _ int) string {
	st := a.c.Styles
	style, title := st.Dialog, st.Title.Render(a.Title)
	if a.Err {
		style, title = st.DialogErr, st.FlashErr.Render(a.Title)
	}
	w = min(w, 64)
	keys := "enter or esc to close"
	if a.Form != "" {
		keys = "enter: back to the form, as you typed it · esc: drop it"
	}
	return style.Width(w).Render(strings.Join([]string{
		title, "",
		lipgloss.NewStyle().Width(w - 4).Render(a.Body), "",
		st.Muted.Width(w - 4).Render(keys),
	}, "\n"))
}

// ShortHelp is the footer's list while the alert is open.
func (a *Alert) ShortHelp() []key.Binding {
	if a.Form != "" {
		return retryHelp
	}
	return alertHelp
}

// FullHelp is every key of the alert.
func (a *Alert) FullHelp() [][]key.Binding { return [][]key.Binding{a.ShortHelp()} }

var (
	alertHelp = []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/esc", "close"))}
	retryHelp = []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back to the form")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "drop it")),
	}
)
