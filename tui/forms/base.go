package forms

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
	"latchkey/tui/components"
)

// Form is what the root needs of an action form: it is fed messages while
// open, and watched until the operator submits or cancels it.
type Form interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	Done() bool
	Aborted() bool
	Reopen() tea.Cmd
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// base is the machinery every action form shares: a Huh form with esc to
// cancel, the console's theme, and a heading with the rule it follows.
type base struct {
	c       *common.Common
	form    *huh.Form
	buildFn func() []*huh.Group // builds the fields over the form's values
	typing  typeahead
	heading string // sanitised
	sub     string // sanitised: who or what it acts on
	note    string // the rule, shown above the fields
	loud    bool   // the note is a warning
}

// setup builds the form from groups, a function over the form's values so
// that the form can be built again with what the operator typed (Reopen).
func (b *base) setup(groups func() []*huh.Group) {
	b.buildFn = groups
	b.build(groups()...)
}

// Reopen builds the form again over the values entered, for the operator to
// correct what the service refused; it starts again at the first field.
func (b *base) Reopen() tea.Cmd {
	b.typing = typeahead{}
	b.build(b.buildFn()...)
	return b.Init()
}

func (b *base) build(groups ...*huh.Group) {
	km := huh.NewDefaultKeyMap()
	// esc cancels the form; ctrl+c stays the console's quit.
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	isDark := b.c.Styles.IsDark
	b.form = huh.NewForm(groups...).WithKeyMap(km).WithShowHelp(true).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return huh.ThemeCharm(isDark) }))
	b.SetSize(b.c.Width, b.c.Height)
}

// Init focuses the first field.
func (b *base) Init() tea.Cmd { return b.form.Init() }

// Update forwards a message to the form, keeping fast typing in the
// field it was meant for (typeahead.go).
func (b *base) Update(msg tea.Msg) tea.Cmd {
	return b.typing.update(&b.form, msg)
}

// Done reports whether the operator submitted the form.
func (b *base) Done() bool { return b.form.State == huh.StateCompleted }

// Aborted reports whether the operator cancelled the form.
func (b *base) Aborted() bool { return b.form.State == huh.StateAborted }

// SetSize fits the form to the screen.
func (b *base) SetSize(w, _ int) {
	b.form = b.form.WithWidth(min(max(w-6, 20), 72))
}

// View draws the heading, the rule and the form.
func (b *base) View() string {
	st := b.c.Styles
	w := max(b.c.Width, 20)
	out := st.Title.Render(b.heading)
	if b.sub != "" {
		if lipgloss.Width(b.heading)+2+lipgloss.Width(b.sub) <= w {
			out += st.Muted.Render("  " + b.sub)
		} else {
			out = components.Fit(out, w) + "\n" + st.Muted.Render(components.Fit(b.sub, w))
		}
	}
	if b.note != "" {
		ns := st.Muted
		if b.loud {
			ns = st.Warn
		}
		out += "\n" + ns.Width(min(max(b.c.Width-2, 20), 72)).Render(b.note)
	}
	return out + "\n\n" + b.form.View()
}

// ShortHelp is the footer's list while the form is open.
func (b *base) ShortHelp() []key.Binding { return formKeys }

// FullHelp is every key of the form.
func (b *base) FullHelp() [][]key.Binding { return [][]key.Binding{formKeys, selectKeys} }

var selectKeys = []key.Binding{
	key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "choose")),
	key.NewBinding(key.WithKeys("x"), key.WithHelp("x/space", "toggle (multi-select)")),
	key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter a long list")),
}

// required refuses an empty answer, naming what is missing.
func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required")
		}
		return nil
	}
}

// reasonInput is the reason every action records (R29).
func reasonInput(v *string, placeholder string) *huh.Input {
	return huh.NewInput().Key("reason").Title("Reason").Placeholder(placeholder).
		CharLimit(200).Value(v).Validate(required("a reason"))
}

// sameEmail checks the second typing of a login email against the first (R4).
func sameEmail(first *string, optional bool) func(string) error {
	return func(s string) error {
		a, b := strings.ToLower(strings.TrimSpace(*first)), strings.ToLower(strings.TrimSpace(s))
		if a == "" && optional {
			if b != "" {
				return errors.New("type the new email in the first field too (R4)")
			}
			return nil
		}
		if a != b {
			return errors.New("the two login emails do not match (R4)")
		}
		return nil
	}
}
