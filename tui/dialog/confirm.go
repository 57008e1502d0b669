package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
)

// Confirm asks before an action. It opens with No focused, so enter alone
// never confirms: the operator moves to Yes (or presses y) first. No goes
// back to what was under it — the form, as typed.
type Confirm struct {
	c      *common.Common
	id     string
	Title  string
	Body   string
	Yes    string // the affirmative button, e.g. "Unlock"
	Loud   bool   // the most dangerous actions: the alarm border
	Notice string // the record changed since the form opened: said first
	OnYes  tea.Cmd
	OnNo   tea.Cmd
	yes    bool
	closed bool
	// where the buttons were drawn, for clicks
	btnY, noX1, yesX0, yesX1 int
}

// NewConfirm returns a confirm with No focused.
func NewConfirm(c *common.Common, id, title, body, yes string, onYes tea.Cmd) *Confirm {
	return &Confirm{c: c, id: id, Title: title, Body: body, Yes: yes, OnYes: onYes, btnY: -1}
}

// ID names the confirm.
func (d *Confirm) ID() string { return d.id }

// Init has nothing to start.
func (d *Confirm) Init() tea.Cmd { return nil }

// YesFocused reports whether the affirmative button has the focus.
func (d *Confirm) YesFocused() bool { return d.yes }

var (
	confirmSwitch = key.NewBinding(key.WithKeys("left", "h", "right", "l", "tab", "shift+tab"))
	confirmEnter  = key.NewBinding(key.WithKeys("enter", "space"))
	confirmYes    = key.NewBinding(key.WithKeys("y", "Y"))
	confirmNo     = key.NewBinding(key.WithKeys("n", "N", "esc", "q", "ctrl+c"))
)

// Update handles a key.
func (d *Confirm) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, confirmSwitch):
		d.yes = !d.yes
	case key.Matches(k, confirmEnter):
		return d.choose(d.yes)
	case key.Matches(k, confirmYes):
		return d.choose(true)
	case key.Matches(k, confirmNo):
		return d.choose(false)
	}
	return nil
}

func (d *Confirm) choose(yes bool) tea.Cmd {
	d.closed = true
	if yes {
		return d.OnYes
	}
	if d.OnNo != nil {
		return d.OnNo
	}
	return common.Flash("Not done: nothing was changed", false)
}

// Click picks the button under (x, y).
func (d *Confirm) Click(x, y int) tea.Cmd {
	if y != d.btnY {
		return nil
	}
	switch {
	case x >= 0 && x < d.noX1:
		return d.choose(false)
	case x >= d.yesX0 && x < d.yesX1:
		return d.choose(true)
	}
	return nil
}

// Closed reports whether a button was chosen.
func (d *Confirm) Closed() bool { return d.closed }

// Whole: a confirm floats over what it asks about.
func (d *Confirm) Whole() bool { return false }

// SetSize has nothing to fit: View is given the width.
func (d *Confirm) SetSize(int, int) {}

// View draws the confirm at most w cells wide.
func (d *Confirm) View(w, _ int) string {
	st := d.c.Styles
	noL, yesL := "[ No ]", "[ "+d.Yes+" ]"
	no, yes := st.Button.Render(noL), st.Button.Render(yesL)
	if d.yes {
		yes = st.ButtonOn.Render(yesL)
	} else {
		no = st.ButtonOn.Render(noL)
	}
	w = min(w, 64)
	style, title := st.Dialog, st.Title.Render(d.Title)
	if d.Loud {
		style, title = st.DialogErr, st.FlashErr.Render("⚠ "+d.Title)
	}
	lines := []string{title, ""}
	if d.Notice != "" {
		lines = append(lines, st.Warn.Width(w-4).Render("⚠ "+d.Notice), "")
	}
	lines = append(lines, lipgloss.NewStyle().Width(w-4).Render(d.Body), "")
	// Border and padding put the content 2 cells in and 1 line down.
	d.btnY = 1 + lipgloss.Height(strings.Join(lines, "\n"))
	d.noX1 = 2 + lipgloss.Width(no)
	d.yesX0 = d.noX1 + 2
	d.yesX1 = d.yesX0 + lipgloss.Width(yes)
	lines = append(lines, no+"  "+yes, st.Muted.Render("←/→ choose · enter picks · y yes · n/esc no"))
	return style.Width(w).Render(strings.Join(lines, "\n"))
}

// ShortHelp is the footer's list while the confirm is open.
func (d *Confirm) ShortHelp() []key.Binding { return confirmHelp }

// FullHelp is every key of the confirm.
func (d *Confirm) FullHelp() [][]key.Binding { return [][]key.Binding{confirmHelp} }

var confirmHelp = []key.Binding{
	key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "choose")),
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick the focused button")),
	key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
	key.NewBinding(key.WithKeys("n"), key.WithHelp("n/esc", "no")),
}
