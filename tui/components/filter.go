package components

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// Filter is the "/" line of a pane: while it is focused every key is text
// (so `q` typed in a filter is a letter, not quit). "/" starts a new
// search: the old text is shown selected, and the first key typed replaces
// it (an arrow key keeps it, to edit it instead).
type Filter struct {
	c        *common.Common
	input    textinput.Model
	selected bool // the old text is selected: typing replaces it
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

// Focus starts a new search, the old text selected.
func (f *Filter) Focus() tea.Cmd {
	f.restyle()
	f.selected = f.input.Value() != ""
	f.input.CursorEnd()
	return f.input.Focus()
}

// Selected reports whether the old text is selected (typing replaces it).
func (f Filter) Selected() bool { return f.selected }

// Blur stops typing, keeping the text.
func (f *Filter) Blur() {
	f.selected = false
	f.input.Blur()
}

// Focused reports whether keys go to the filter.
func (f Filter) Focused() bool { return f.input.Focused() }

// Value is the filter text.
func (f Filter) Value() string { return f.input.Value() }

// Reset clears and blurs the filter.
func (f *Filter) Reset() {
	f.selected = false
	f.input.Reset()
	f.input.Blur()
}

// Set puts text in the filter, not focused, as if typed and done.
func (f *Filter) Set(text string) {
	f.selected = false
	f.input.SetValue(text)
	f.input.Blur()
}

// SetWidth sets the width of the text field.
func (f *Filter) SetWidth(w int) { f.input.SetWidth(max(w, 8)) }

// Update feeds a message to the input; it reports whether the text changed.
func (f *Filter) Update(msg tea.Msg) (bool, tea.Cmd) {
	before := f.input.Value()
	if f.selected {
		switch msg := msg.(type) {
		case tea.PasteMsg:
			f.input.SetValue("")
		case tea.KeyPressMsg:
			switch msg.String() {
			case "backspace", "delete", "ctrl+u":
				f.selected = false
				f.input.SetValue("")
				return before != "", nil
			case "left", "right", "home", "end", "ctrl+a", "ctrl+e":
				// keep the old text, to edit it
			default:
				if msg.Text != "" {
					f.input.SetValue("") // a new search replaces the old
				}
			}
		}
		f.selected = false
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return f.input.Value() != before, cmd
}

// View draws the filter line, the old text marked while it is selected.
func (f Filter) View() string {
	if f.selected {
		return f.c.Styles.FilterPrompt.Render(f.input.Prompt) + f.c.Styles.Selected.Render(f.input.Value()) +
			f.c.Styles.Muted.Render("  (type to replace)")
	}
	return f.input.View()
}
