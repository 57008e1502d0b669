package actions

import (
	"fmt"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// requireMFA turns a practice's MFA requirement on or off (R24), at the
// request of an owner or admin.
var requireMFA = &Action{
	ID: accounts.ActionRequireMFA, On: accounts.SubjectPractice, Key: bind("M", "MFA on/off"), Title: "turn the MFA requirement on or off",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		spec := dialog.FormSpec{Heading: "Require MFA at " + d.What(), Sub: fmt.Sprintf("#%d", d.Practice.ID), Loud: true,
			Note: "R24: every user of the practice must use MFA; a user without it must enrol at their next login before reaching the dashboard.",
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(requester(d, v), dialog.Reason(v, "e.g. the practice's security policy", "R24"))}
			}}
		if d.Practice.MFARequired {
			spec.Heading = "Stop requiring MFA at " + d.What()
			spec.Note = "R24: MFA becomes optional for every user of the practice; users who enabled it keep it (R25)."
		}
		return spec
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		on := !d.Practice.MFARequired
		cs := &ConfirmSpec{Title: "Require MFA at " + d.What() + "?", Yes: "Yes, turn it on",
			Body: d.What() + " — the requirement turns ON: every user must use MFA (R24)."}
		if !on {
			cs.Title, cs.Yes = "Stop requiring MFA at "+d.What()+"?", "Yes, turn it off"
			cs.Body = d.What() + " — the requirement turns OFF: MFA becomes optional (R24)."
		}
		cs.Body += "\nRequested by: " + asked(d, v) + "\nReason: " + common.Sanitize(v.Str("reason"))
		return cs
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		on := !d.Practice.MFARequired
		_, err := svc.RequireMFA(actor, d.Practice.ID, on, request(d, v))
		state := "off"
		if on {
			state = "on"
		}
		return Result{OK: "MFA requirement of " + d.What() + " is now " + state}, err
	},
}
