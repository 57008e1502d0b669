package actions

import (
	"latchkey/accounts"
	"latchkey/mfa"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// showQR shows the user's side of an authenticator enrolment, in a demo
// database only (R21, R40): accounts says when it applies.
var showQR = &Action{
	ID: accounts.ActionShowQR, On: accounts.SubjectUser, Key: bind("Q", "enrolment QR (demo)"), Title: "show the enrolment QR",
	Run: func(svc common.Service, _ accounts.Actor, d *Data, _ *dialog.Values) (Result, error) {
		e, err := svc.EnrolmentQR(d.User.Login())
		if err != nil {
			return Result{}, err
		}
		login, name := d.Login(), d.Name()
		return Result{Show: func(c *common.Common) dialog.Dialog {
			code := e.QR
			if !c.Styles.IsDark {
				if light, err := mfa.QRTextLight(e.URI); err == nil {
					code = light
				}
			}
			return dialog.NewQR(c, login, name, code, e.ManualKey)
		}}, nil
	},
}
