package dialog

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
	"latchkey/tui/components"
)

// FormSpec is what an action's form is made of: a heading, what it acts on,
// the rule it follows (loud for the dangerous ones), and its fields, built
// over the form's values so the form can be built again as typed.
type FormSpec struct {
	Heading string // sanitised
	Sub     string // sanitised
	Note    string
	Loud    bool
	Groups  func(v *Values) []*huh.Group
}

// Form is an action's form. Submitting it runs submit (which confirms or
// calls the service); the form stays on the stack, waiting, until the
// action succeeds, so a No or a refusal comes back to it as typed.
type Form struct {
	c       *common.Common
	id      string
	spec    FormSpec
	v       *Values
	form    *huh.Form
	typing  typeahead
	submit  func(v *Values) tea.Cmd
	Info    any    // what the form was opened over (actions put their data here)
	Notice  string // the record changed since the form opened: said first
	waiting bool   // submitted: a confirm or the service has it
	closed  bool
	w, h    int
}

// NewForm returns a form dialog.
func NewForm(c *common.Common, id string, spec FormSpec, v *Values, submit func(v *Values) tea.Cmd) *Form {
	f := &Form{c: c, id: id, spec: spec, v: v, submit: submit, w: c.Width, h: c.Height}
	f.build()
	return f
}

func (f *Form) build() {
	km := huh.NewDefaultKeyMap()
	// esc cancels the form; ctrl+c closes it too (Update), never the app.
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	isDark := f.c.Styles.IsDark
	f.form = huh.NewForm(f.spec.Groups(f.v)...).WithKeyMap(km).WithShowHelp(true).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return huh.ThemeCharm(isDark) }))
	f.typing = typeahead{first: f.form.GetFocusedField()}
	f.SetSize(f.w, f.h)
}

// ID names the form.
func (f *Form) ID() string { return f.id }

// Values are what was typed (tests read them).
func (f *Form) Values() *Values { return f.v }

// Waiting reports whether the form was submitted and awaits its answer.
func (f *Form) Waiting() bool { return f.waiting }

// Init focuses the first field.
func (f *Form) Init() tea.Cmd { return f.form.Init() }

// Focus is the form on top again (after No, or a refused action): it is
// built again over the values typed, at its first field.
func (f *Form) Focus() tea.Cmd {
	if !f.waiting {
		return nil
	}
	f.waiting = false
	f.build()
	return f.Init()
}

// Respec replaces what the form says and asks (its note, its fields) when
// the state it was opened over changed — a caller check passed while it was
// open — and builds it again over the values typed, at its first field, as
// after a refusal. A submitted form takes it when it comes back.
func (f *Form) Respec(spec FormSpec) tea.Cmd {
	f.spec = spec
	if f.waiting {
		return nil
	}
	f.build()
	return f.Init()
}

// Update feeds the form; a submitted form hands its values on.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	if f.waiting {
		return nil // the answer comes; keys wait for it
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "ctrl+c" {
		return f.cancel()
	}
	cmd := f.typing.update(&f.form, msg)
	switch f.form.State {
	case huh.StateAborted:
		return f.cancel()
	case huh.StateCompleted:
		f.waiting = true
		return f.submit(f.v.Copy())
	}
	return cmd
}

func (f *Form) cancel() tea.Cmd {
	f.closed = true
	return common.Flash("Cancelled: nothing was changed", false)
}

// Closed reports whether the form was cancelled.
func (f *Form) Closed() bool { return f.closed }

// Whole: a form takes the body's place.
func (f *Form) Whole() bool { return true }

// SetSize fits the form to the body.
func (f *Form) SetSize(w, h int) {
	f.w, f.h = w, h
	f.form = f.form.WithWidth(min(max(w-6, 20), 72))
	// Huh measures a page's height when the page is made, before the width
	// above wraps its descriptions, and measures it again only on a window
	// size: without one a wrapped description pushed the page's last lines
	// (the Reason being typed) out of view. The room is what the heading
	// and the rule leave of the body; a page taller than that scrolls.
	room := max(h-lipgloss.Height(f.head(max(w, 20)))-2, 4)
	if m, _ := f.form.Update(tea.WindowSizeMsg{Width: w, Height: room}); m != nil {
		if hf, ok := m.(*huh.Form); ok {
			f.form = hf
		}
	}
}

// SetNotice says first that the record changed, the form fitted again
// below it.
func (f *Form) SetNotice(s string) {
	f.Notice = s
	f.SetSize(f.w, f.h)
}

// View draws the heading, the rule and the fields.
func (f *Form) View(w, _ int) string {
	return f.head(max(w, 20)) + "\n\n" + f.form.View()
}

// head is the heading, what the form acts on, any notice and the rule.
func (f *Form) head(w int) string {
	st := f.c.Styles
	out := st.Title.Render(f.spec.Heading)
	if sub := f.spec.Sub; sub != "" {
		if lipgloss.Width(f.spec.Heading)+2+lipgloss.Width(sub) <= w {
			out += st.Muted.Render("  " + sub)
		} else {
			out = components.Fit(out, w) + "\n" + st.Muted.Render(components.Fit(sub, w))
		}
	}
	if f.Notice != "" {
		out += "\n" + st.FlashErr.Width(min(max(w-2, 20), 72)).Render("⚠ "+f.Notice)
	}
	if f.spec.Note != "" {
		ns := st.Muted
		if f.spec.Loud {
			ns = st.Warn
		}
		out += "\n" + ns.Width(min(max(w-2, 20), 72)).Render(f.spec.Note)
	}
	return out
}

// ShortHelp is the footer's list while the form is open.
func (f *Form) ShortHelp() []key.Binding { return formKeys }

// FullHelp is every key of the form.
func (f *Form) FullHelp() [][]key.Binding { return [][]key.Binding{formKeys, selectKeys} }

var (
	formKeys = []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/tab", "next field")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/ctrl+c", "cancel")),
	}
	selectKeys = []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "choose")),
		key.NewBinding(key.WithKeys("x"), key.WithHelp("x/space", "toggle (multi-select)")),
		key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter a long list")),
	}
)

// Text is a text field whose limit is said before it cuts anything.
func Text(v *Values, k, title string, limit int) *huh.Input {
	return huh.NewInput().Key(k).Title(title).CharLimit(limit).Value(v.S(k)).
		Description(fmt.Sprintf("up to %d characters", limit))
}

// Required refuses an empty answer, naming what is missing.
func Required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required")
		}
		return nil
	}
}

// RequiredBy refuses an empty answer, naming what is missing and the rule
// that asks for it.
func RequiredBy(what, rule string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required (" + rule + ")")
		}
		return nil
	}
}

// Reason is the reason every action records, required by rule.
func Reason(v *Values, placeholder, rule string) *huh.Input {
	return Text(v, "reason", "Reason", 200).Placeholder(placeholder).Validate(RequiredBy("a reason", rule))
}
