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
//     and nothing has the focus: keys go nowhere until esc. Here going back
//     needs nothing valid (what was typed stays, and is checked again on the
//     way forward); should Huh still refuse, the focus stays on the field.

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
		quiet(f)
	}
	return refocus(form, (*form).GetFocusedField())
}

// quiet clears the message a text field's check left on it when it lost
// the focus: a key clears it, and a field without the focus takes no text.
func quiet(f huh.Field) {
	if in, ok := f.(*huh.Input); ok {
		in.Update(tea.KeyPressMsg{})
	}
}

// leavingPageBack reports whether msg was Huh's move to the previous field
// that, from the first field of a page, asks for the previous page (the
// focus did not move): the field it blurred is quieted, so the page change
// is not refused for a value the operator was not done typing.
func leavingPageBack(f *huh.Form, msg tea.Msg, before huh.Field) bool {
	return fmt.Sprintf("%T", msg) == "huh.prevFieldMsg" && before != nil && f.GetFocusedField() == before
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
