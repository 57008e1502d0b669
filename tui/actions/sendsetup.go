package actions

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// sendSetup sends (or resends) the account-setup email (R4-R6); for a user
// who has not verified, a corrected login email may be typed, twice.
var sendSetup = &Action{
	ID: accounts.ActionSendSetup, On: accounts.SubjectUser, Key: bind("v", "send setup email"), Title: "send the setup email",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Send the account-setup email to " + d.Name(), Sub: d.Login(),
			Note: "R5, R6: a new single-use link goes to the login email; any earlier link dies (superseded)." +
				"\nR3, R41: a new address goes with the requester's passed caller check (V on them first); the address on file needs nobody.",
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{
					huh.NewGroup(
						huh.NewInput().Key("email").Title("New login email (optional)").
							Description("Leave empty to send to "+d.Login()+". A new address must be personal and unused (R9).").
							CharLimit(254).Value(v.S("email")),
						huh.NewInput().Key("email_confirm").Title("New login email again").
							Description("Only if you typed a new one (R4).").
							CharLimit(254).Value(v.S("email_confirm")).Validate(sameEmail(v.S("email"), true)),
						dialog.Reason(v, "e.g. the caller never got the setup email", "R29"),
					),
					// Whoever reads a new address owns the account: only
					// someone who could add the user asks for it (R3, R19).
					// A resend to the address on file asks nobody (R6).
					// With nobody to offer (a new practice's only user, its
					// pending owner: four eyes, R42) the service answers.
					huh.NewGroup(
						requesterIf(d, v, func() bool { return len(d.Requesters.People) > 0 }).
							Title("Requested by — a new address needs who asked (R3)"),
					).WithHideFunc(func() bool { return !newAddress(d, v.Raw("email")) || len(d.Requesters.People) == 0 }),
				}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		// R3, R41: whoever reads a new address owns the account: the
		// asker's passed check goes with it.
		req := askerCheck(svc, actor, d, request(d, v), newAddress(d, v.Raw("email")))
		u, msg, err := svc.SendVerification(actor, d.User.ID, v.Str("email"), v.Str("email_confirm"), req)
		// R42: a new practice's only owner's redirect was filed for a
		// second operator: the form is done (nothing to type again), as
		// an MFA clear that waits; the detail's Four eyes line says more.
		var waits *accounts.RedirectWaits
		if errors.As(err, &waits) {
			return Result{OK: fmt.Sprintf("Not sent yet: request #%d waits for a second operator (four eyes, R42); the address on file was told", waits.Approval)}, nil
		}
		return Result{OK: fmt.Sprintf("Setup email sent to %s (outbox #%d); any earlier link is superseded",
			common.Sanitize(u.Email), msg.ID)}, err
	},
}

// newAddress reports whether typed is a login email other than the one on
// file: only then does the setup email need a requester (R3, R6).
func newAddress(d *Data, typed string) bool {
	typed = strings.ToLower(strings.TrimSpace(typed))
	return typed != "" && typed != strings.ToLower(d.User.Email)
}
