package actions

import (
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// reactivate brings an inactive user back (R20): a free license (R1) and
// the request of an owner, champion or admin (R3), proven by the asker's
// passed caller check (R41): they log in again with their old password.
var reactivate = &Action{
	ID: accounts.ActionReactivate, On: accounts.SubjectUser, Key: bind("r", "reactivate"), Title: "reactivate",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Reactivate " + d.Name(), Sub: d.Login(),
			Note: licenseNote(d.Practice.Practice) +
				"\nR3, R41: " + d.Name() + " logs in again with the password they left with: the requester's passed caller check goes with this (V on them first).",
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(requester(d, v), dialog.Reason(v, "e.g. back from leave", "R20"))}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		// R3, R41: anyone comes back at a request proven by the asker's
		// passed check (the owner's, for an owner or admin).
		u, err := svc.Reactivate(actor, d.User.ID, askerCheck(svc, actor, d, request(d, v), true))
		return Result{OK: "Reactivated " + d.What() + ": back as " + string(u.Status) + ", one license taken"}, err
	},
}
