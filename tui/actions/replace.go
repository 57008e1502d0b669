package actions

import (
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// replace inactivates a leaver and adds the newcomer in one step (R10), the
// license passing from one to the other; the newcomer's setup email goes in
// the same transaction (R4).
var replace = &Action{
	ID: accounts.ActionReplace, On: accounts.SubjectUser, Key: bind("R", "replace"), Title: "replace",
	Defaults: func(_ *Data, v *dialog.Values) { *v.S("kind") = string(accounts.KindStaff) },
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Replace " + d.Name(), Sub: d.Login(), Loud: true,
			Note: "R10: an account belongs to one person for life. " + d.Name() + " is inactivated and the newcomer " +
				"below gets a new account and the license, in one step." + newcomerCheckNote,
			Groups: func(v *dialog.Values) []*huh.Group {
				return append(newcomerGroups(v), huh.NewGroup(requester(d, v), dialog.Reason(v, "e.g. Dana replaces Lee at the front desk", "R10")))
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "Replace " + d.Name() + "?", Yes: "Replace",
			Body: d.What() + " is inactivated and " + common.Sanitize(v.Str("name")) + " <" + common.Sanitize(v.Str("email")) +
				"> is added in their place, the license passing to them (R10).\nRequested by: " + asked(d, v) +
				"\nReason: " + common.Sanitize(v.Str("reason"))}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		nu := newUser(d.User.PracticeID, v)
		// R3, R41: the newcomer is added at a request proven by the asker's
		// passed check, which serves the leaver too (R20).
		_, n, _, err := svc.ReplaceAndSend(actor, d.User.ID, nu, askerCheck(svc, actor, d, request(d, v), true))
		return Result{OK: "Replaced " + d.Name() + " by " + common.Sanitize(n.Name) + " (" + common.Sanitize(n.Login()) +
			", pending); their setup email is in the outbox"}, err
	},
}
