package actions

import (
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// R13Warning is what the unlock form says before anything else.
const R13Warning = "R13: the person asking must be the locked-out user themselves. " +
	"Never unlock an account for a colleague, a manager or anyone calling on someone else's behalf."

// unlock opens a locked account at once (R13), recording why and how the
// caller was verified as the locked-out user.
var unlock = &Action{
	ID: accounts.ActionUnlock, On: accounts.SubjectUser, Key: bind("u", "unlock"), Title: "unlock",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Unlock " + d.Name(), Sub: d.Login(), Note: R13Warning + checkNote(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					dialog.Reason(v, "why the account is unlocked now", "R13"),
					verifiedOr(d, v, "R13"),
				)}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "Unlock " + d.Name() + " now?", Yes: "Unlock",
			Body: d.Login() + " will be able to log in at once.\nReason: " + common.Sanitize(v.Str("reason")) +
				"\nVerified: " + verifiedLine(d, v)}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		_, err := svc.Unlock(actor, d.User.ID, withCheck(svc, actor, d, request(d, v)))
		return Result{OK: "Unlocked " + d.What() + ", recorded as operator " + common.Sanitize(actor.Name)}, err
	},
}
