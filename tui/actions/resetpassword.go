package actions

import (
	"fmt"
	"time"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// R17Note is what the reset form says before anything else.
const R17Note = "R17: a single-use reset link goes to the email on file for this account; " +
	"the user chooses the new password themselves. The desk never sets or reads a password (R15)."

// resetPassword has a reset email sent to a user without a verified login
// email (R8, R17); a verified user resets their own (R16): accounts says
// which, and the refusal carries the guidance.
var resetPassword = &Action{
	ID: accounts.ActionResetPassword, On: accounts.SubjectUser, Key: bind("P", "reset password"), Title: "reset the password",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		kind := "email not verified"
		if d.User.Legacy() {
			kind = "legacy username"
		}
		return dialog.FormSpec{Heading: "Send a password reset email to " + d.Name(), Sub: d.Login() + " · " + kind,
			Note: R17Note + checkNote(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					dialog.Reason(v, "e.g. forgot the password, no verified email to reset it", "R17"),
					verifiedOr(d, v, "R17"),
				)}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "Send a password reset email to " + d.Name() + "?", Yes: "Send reset",
			Body: "A single-use reset link goes to the email on file for " + d.Login() +
				"; they choose the new password themselves (R17).\nReason: " + common.Sanitize(v.Str("reason")) +
				"\nVerified: " + verifiedLine(d, v)}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		msg, err := svc.SendPasswordReset(actor, d.User.ID, withCheck(svc, actor, d, request(d, v)))
		return Result{OK: fmt.Sprintf("Reset email for %s sent to %s, the email on file; the link works once, for %s. Recorded as operator %s",
			d.Login(), common.Sanitize(msg.To), minutes(svc.Config().ResetLinkTTL), common.Sanitize(actor.Name))}, err
	},
}

// minutes says a link's lifetime as a caller would hear it: "60 minutes".
func minutes(d time.Duration) string {
	if d%time.Minute == 0 && d <= 3*time.Hour {
		return plural.Count(int(d/time.Minute), "minute")
	}
	return d.String()
}
