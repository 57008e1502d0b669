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
				"A former employee is inactivated, never reassigned (R10)." + leaverCheckNote(d),
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
		// R20, R41: an owner or admin leaves at a request proven by the
		// requester's passed check (taking the role away).
		_, err := svc.Inactivate(actor, d.User.ID, askerCheck(svc, actor, d, request(d, v), privilegedRoles(d.User.Roles)))
		return Result{OK: "Inactivated " + d.What() + ": license freed, live links voided"}, err
	},
}

// newcomerCheckNote: whoever reads the address given gets an account at the
// practice, so a desk add goes with the asker's passed caller check (V on
// them first, R3, R41).
const newcomerCheckNote = "\nR3, R41: the newcomer's setup link goes to the address typed: the requester's passed caller check goes with this (V on them first)."

// leaverCheckNote: an owner or admin loses the role with the account, so
// the requester's passed caller check goes with it (V on them first, R20,
// R41).
func leaverCheckNote(d *Data) string {
	if d.User == nil || !privilegedRoles(d.User.Roles) {
		return ""
	}
	return "\nR41: " + d.Name() + " is an owner or admin: the requester's passed caller check goes with this (V on them first)."
}
