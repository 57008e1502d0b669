package actions

import (
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// reactivate brings an inactive user back (R20): a free license (R1) and
// the request of an owner, champion or admin (R3).
var reactivate = &Action{
	ID: accounts.ActionReactivate, On: accounts.SubjectUser, Key: bind("r", "reactivate"), Title: "reactivate",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Reactivate " + d.Name(), Sub: d.Login(), Note: licenseNote(d.Practice.Practice),
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(requester(d, v), dialog.Reason(v, "e.g. back from leave", "R20"))}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		u, err := svc.Reactivate(actor, d.User.ID, askerCheck(svc, actor, d, request(d, v), provenRoles(d.User.Roles)))
		return Result{OK: "Reactivated " + d.What() + ": back as " + string(u.Status) + ", one license taken"}, err
	},
}
