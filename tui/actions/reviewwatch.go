package actions

import (
	"errors"
	"fmt"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// reviewWatch records an operator's review of a factor enrolled within 24
// hours of an MFA clear (R43); the entry leaves the watch list.
var reviewWatch = &Action{
	ID: accounts.ActionReviewWatch, On: accounts.SubjectUser, Key: bind("W", "review watch list"), Title: "review the watched factor",
	Form: func(c *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		note := "R43: a new factor enrolled soon after an MFA clear is what an impostor would do next. " +
			"Check it with the real user (call back on the number on file) before you mark it reviewed."
		if w := d.Watch; w != nil {
			note += fmt.Sprintf("\nWatch #%d: %s enrolled %s after the clear by %s.", w.ID, w.Method,
				common.Span(w.EnrolledAt.Sub(w.ClearedAt)), common.Sanitize(w.ClearedBy))
		}
		return dialog.FormSpec{Heading: "Review the new factor of " + d.Name(), Sub: d.Login(), Note: note,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					dialog.Text(v, "note", "What did the review find?", 200).
						Placeholder("e.g. called back on the number on file: it was them").
						Validate(dialog.RequiredBy("what the review found", "R43")),
				)}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		if d.Watch == nil {
			return Result{}, errors.New("nothing of this user is on the watch list")
		}
		w, err := svc.ReviewWatch(actor, d.Watch.ID, v.Str("note"))
		return Result{OK: fmt.Sprintf("Watch #%d of %s reviewed: it leaves the watch list", w.ID, d.What())}, err
	},
}
