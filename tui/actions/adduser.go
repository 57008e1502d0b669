package actions

import (
	"fmt"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// addUser adds a user to a practice (R1, R3, R4, R9) and, unless told
// later, sends the setup email in the same service call.
var addUser = &Action{
	ID: accounts.ActionAddUser, On: accounts.SubjectPractice, Key: bind("a", "add user"), Title: "add a user",
	Defaults: func(_ *Data, v *dialog.Values) {
		*v.S("kind") = string(accounts.KindStaff)
		*v.B("send") = true
	},
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Add a user to " + d.What(), Sub: fmt.Sprintf("#%d", d.Practice.ID),
			Note: licenseNote(d.Practice.Practice) + newcomerCheckNote,
			Groups: func(v *dialog.Values) []*huh.Group {
				return append(newcomerGroups(v), huh.NewGroup(
					requester(d, v),
					dialog.Reason(v, "e.g. new hire starting Monday", "R3"),
					huh.NewConfirm().Key("send").Title("Send the account-setup email now? (R4)").
						Affirmative("Send").Negative("Later").Value(v.B("send")),
				))
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		// R3, R41: anyone is added at a request proven by the asker's
		// passed check (an owner's, for an owner or admin, R19).
		nu, req := newUser(d.Practice.ID, v), request(d, v)
		req = askerCheck(svc, actor, d, req, true)
		var u accounts.User
		var msg accounts.Message
		var err error
		if v.Bool("send") {
			u, msg, err = svc.AddUser(actor, nu, req) // user and email in one transaction (R4)
		} else {
			u, err = svc.CreateUser(actor, nu, req)
		}
		ok := fmt.Sprintf("Added %s (%s) to %s: pending", common.Sanitize(u.Name), common.Sanitize(u.Login()), d.What())
		if msg.ID != 0 {
			ok += fmt.Sprintf("; setup email sent (outbox #%d)", msg.ID)
		} else {
			ok += " · v sends the setup email"
		}
		return Result{OK: ok}, err
	},
}
