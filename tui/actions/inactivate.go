package actions

import (
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// inactivate makes a leaver inactive (R20) at the request of an owner or a
// champion, or the user themselves; the license is freed.
var inactivate = &Action{
	ID: accounts.ActionInactivate, On: accounts.SubjectUser, Key: bind("x", "inactivate"), Title: "inactivate",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Inactivate " + d.Name(), Sub: d.Login(), Loud: true,
			Note: "R20: inactivation frees the license, kills any live link and keeps all history. " +
				"A former employee is inactivated, never reassigned (R10).",
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(requester(d, v), dialog.Reason(v, "e.g. left the practice on Friday", "R20"))}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "Inactivate " + d.Name() + "?", Yes: "Inactivate",
			Body: d.Login() + " will not be able to log in. The license is freed, any live link dies, all history stays (R20)." +
				"\nRequested by: " + asked(d, v) + "\nReason: " + common.Sanitize(v.Str("reason"))}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		_, err := svc.Inactivate(actor, d.User.ID, request(d, v))
		return Result{OK: "Inactivated " + d.What() + ": license freed, live links voided"}, err
	},
}
