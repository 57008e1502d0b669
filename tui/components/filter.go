package components

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// Filter is the "/" line of a pane: while it is focused every key is text
// (so `q` typed in a filter is a letter, not quit).
type Filter struct {
	c     *common.Common
	input textinput.Model
}

// NewFilter returns an empty, unfocused filter.
func NewFilter(c *common.Common, placeholder string) Filter {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = placeholder
	in.CharLimit = 80
	f := Filter{c: c, input: in}
	f.restyle()
	return f
}

func (f *Filter) restyle() {
	s := f.input.Styles()
	s.Focused.Prompt = f.c.Styles.FilterPrompt
	s.Blurred.Prompt = f.c.Styles.Muted
	s.Focused.Placeholder = f.c.Styles.Muted
	s.Blurred.Placeholder = f.c.Styles.Muted
	s.Cursor.Blink = false // a steady cursor: nothing redraws while the operator reads
	f.input.SetStyles(s)
}

// Focus starts typing into the filter.
func (f *Filter) Focus() tea.Cmd {
	f.restyle()
	return f.input.Focus()
}

// Blur stops typing, keeping the text.
func (f *Filter) Blur() { f.input.Blur() }

// Focused reports whether keys go to the filter.
func (f Filter) Focused() bool { return f.input.Focused() }

// Value is the filter text.
func (f Filter) Value() string { return f.input.Value() }

// Reset clears and blurs the filter.
func (f *Filter) Reset() {
	f.input.Reset()
	f.input.Blur()
}

// SetWidth sets the width of the text field.
func (f *Filter) SetWidth(w int) { f.input.SetWidth(max(w, 8)) }

// Update feeds a message to the input; it reports whether the text changed.
func (f *Filter) Update(msg tea.Msg) (bool, tea.Cmd) {
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return f.input.Value() != before, cmd
}

// View draws the filter line.
func (f Filter) View() string { return f.input.View() }
