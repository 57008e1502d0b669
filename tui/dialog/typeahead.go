package dialog

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"latchkey/tui/common"
)

// typeahead feeds a Huh form so that fast typing lands where the operator
// meant it. Huh moves the focus with a message (huh.NextField, then its
// next-group message) that comes back through the program after the key
// that asked for it; keys typed in between would land in the field being
// left. So after a key that may move the focus, the keys that follow are
// held until the form has moved (the focused field changed, or the form
// finished), then replayed in order. Nothing is held past a second console
// tick: a move that never comes (a refused value) only delays the keys by
// at most two seconds. One tick is not enough: on a loaded machine a tick
// can come between the enter and its move, and the keys it let go would
// land in the field being left.
type typeahead struct {
	leaving huh.Field // the field a move is leaving, while it is under way
	held    []tea.Msg // keys and pastes that arrived meanwhile, in order
	ticks   int       // console ticks seen while holding
	first   huh.Field // the form's first field: shift+tab there wraps (wrap.go)
}

// Holding reports whether keys are being held for a move (tests read it).
func (t *typeahead) Holding() bool { return t.leaving != nil }

// update feeds msg to *form, holding or replaying keys as above.
func (t *typeahead) update(form **huh.Form, msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case common.TickMsg:
		// The form itself has no use for the tick.
		if t.leaving != nil {
			if t.ticks++; t.ticks < 2 {
				return nil
			}
		}
		return t.release(form)
	case tea.KeyPressMsg, tea.PasteMsg:
		if t.leaving != nil {
			t.held = append(t.held, msg)
			return nil
		}
		return t.input(form, msg)
	}
	before := (*form).GetFocusedField()
	cmd := feed(form, msg)
	if leavingPageBack(*form, msg, before) {
		quiet(before)
	}
	if refusedPage(*form, msg, before) {
		// Huh refused to change page while a field on this one is not
		// valid, and left nothing focused: the focus stays where it was,
		// and keys held for the move go there.
		return tea.Batch(cmd, refocus(form, before), t.release(form))
	}
	if t.leaving != nil && t.moved(*form) {
		return tea.Batch(cmd, t.release(form))
	}
	return cmd
}

// moved reports whether the move the held keys wait for has happened.
func (t *typeahead) moved(f *huh.Form) bool {
	return f.State != huh.StateNormal || f.GetFocusedField() != t.leaving
}

// input feeds a key and starts holding if it asked for a move.
func (t *typeahead) input(form **huh.Form, msg tea.Msg) tea.Cmd {
	before := (*form).GetFocusedField()
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "shift+tab" && before != nil && before == t.first {
		return wrapToLast(form) // Huh would stay put; it wraps, as tab does not
	}
	cmd := feed(form, msg)
	if k, ok := msg.(tea.KeyPressMsg); ok && movesFocus(k) && (*form).State == huh.StateNormal &&
		before != nil && before.Error() == nil && (*form).GetFocusedField() == before {
		t.leaving = before
	}
	return cmd
}

// release replays the held keys in order; a replayed key that moves the
// focus again holds the rest once more.
func (t *typeahead) release(form **huh.Form) tea.Cmd {
	held := t.held
	t.leaving, t.held, t.ticks = nil, nil, 0
	var cmds []tea.Cmd
	for i, msg := range held {
		cmds = append(cmds, t.input(form, msg))
		if t.leaving != nil {
			t.held = append(t.held, held[i+1:]...)
			break
		}
	}
	return tea.Batch(cmds...)
}

// movesFocus: the keys of the console's Huh forms that go to the next or
// the previous field (enter, tab, shift+tab in every field kind they use).
func movesFocus(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "enter", "tab", "shift+tab":
		return true
	}
	return false
}

func feed(form **huh.Form, msg tea.Msg) tea.Cmd {
	f, cmd := (*form).Update(msg)
	if f, ok := f.(*huh.Form); ok {
		*form = f
	}
	return cmd
}
