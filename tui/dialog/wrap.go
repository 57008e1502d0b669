package dialog

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Issue 12 item 3: shift+tab always lands on a field. Huh leaves it short
// of that in two places, mended here rather than in Huh:
//   - on the form's first field it stays put (there is no field before);
//     here it wraps to the last field of the page, as a browser form does;
//   - on the first field of a later page, Huh blurs the field, then
//     refuses to go back a page while a field on this page is not valid,
//     and nothing has the focus: keys go nowhere until esc. Here the focus
//     stays on the field, with its message.

// wrapToLast moves the focus from the first field to the last field of the
// first page. It steps with Huh's own next-field message, dropping what the
// steps ask for (past the page's last field Huh would ask for the next page,
// which on a one-page form submits it), then clears the "required" messages
// the steps set off on fields the operator did not try to leave.
func wrapToLast(form **huh.Form) tea.Cmd {
	var passed []huh.Field
	for range 64 {
		before := (*form).GetFocusedField()
		passed = append(passed, before)
		feed(form, huh.NextField())
		if (*form).GetFocusedField() == before {
			break // the page's last field: Huh blurred it and asked for the next page
		}
	}
	for _, f := range passed {
		if in, ok := f.(*huh.Input); ok {
			in.Update(tea.KeyPressMsg{}) // a key clears an input's message; a blurred one takes no text
		}
	}
	return refocus(form, (*form).GetFocusedField())
}

// refocus focuses f and redraws the page to show it.
func refocus(form **huh.Form, f huh.Field) tea.Cmd {
	if f == nil {
		return nil
	}
	cmd := f.Focus()
	feed(form, redraw{})
	return cmd
}

// redraw is a message no field answers: feeding it makes Huh draw the page
// again with the focus where it now is.
type redraw struct{}

// refusedPage reports whether msg was Huh's move to another page, refused
// because a field on this page is not valid (the focus did not move).
func refusedPage(f *huh.Form, msg tea.Msg, before huh.Field) bool {
	switch fmt.Sprintf("%T", msg) {
	case "huh.prevGroupMsg", "huh.nextGroupMsg":
	default:
		return false
	}
	return f.State == huh.StateNormal && before != nil && f.GetFocusedField() == before && len(f.Errors()) > 0
}
