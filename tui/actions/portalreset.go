package actions

import (
	"errors"
	"os"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/printout"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// How the new portal password is chosen (R28).
const (
	PortalGenerate  = "generate"
	PortalDesignate = "designate"
)

// R28Note is what the portal reset form says before anything else.
const R28Note = "R28: the patient gets a temporary password and must change it at the first login. " +
	"It is emailed to the contact email on file, if any, and printed on a credentials document for the patient."

// portalReset resets a patient-portal password to a generated or a
// designated one and ends on the credentials document (R28).
var portalReset = &Action{
	ID: accounts.ActionPortalReset, On: accounts.SubjectPatient, Key: bind("P", "reset portal password"), Title: "reset the portal password",
	Defaults: func(_ *Data, v *dialog.Values) { *v.S("mode") = PortalGenerate },
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		p := d.Patient
		return dialog.FormSpec{Heading: "Reset the portal password of " + common.Sanitize(p.Name),
			Sub: common.Sanitize(p.Login) + " · " + common.Sanitize(d.Practice.Name), Note: R28Note, Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{
					huh.NewGroup(huh.NewSelect[string]().Key("mode").Title("New password").Options(
						huh.NewOption("Generate a temporary password (easy to read aloud)", PortalGenerate),
						huh.NewOption("Designate one (typed twice, hidden)", PortalDesignate),
					).Value(v.S("mode"))),
					huh.NewGroup(
						huh.NewInput().Key("password").Title("Temporary password").
							Description("At least 15 characters, up to 128; common and breached passwords are refused (R18).").
							EchoMode(huh.EchoModePassword).CharLimit(128).Value(v.S("password")).
							Validate(func(s string) error {
								if s == "" {
									return errors.New("type the password to designate, or go back and generate one")
								}
								return nil
							}),
						huh.NewInput().Key("repeat").Title("The same password again").
							EchoMode(huh.EchoModePassword).CharLimit(128).Value(v.S("repeat")).
							Validate(func(s string) error {
								if s != v.Raw("password") {
									return errors.New("the two passwords differ: type the same one twice")
								}
								return nil
							}),
					).WithHideFunc(func() bool { return v.Raw("mode") != PortalDesignate }),
					huh.NewGroup(
						dialog.Reason(v, "e.g. patient cannot sign in to the portal", "R28"),
						verified(v, "R28"),
					),
				}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		how := "a generated temporary password"
		if v.Raw("mode") == PortalDesignate {
			how = "the temporary password you designated"
		}
		p := d.Patient
		return &ConfirmSpec{Title: "Reset the portal password of " + common.Sanitize(p.Name) + "?", Yes: "Reset",
			Body: common.Sanitize(p.Login) + " at " + common.Sanitize(d.Practice.Name) + " gets " + how +
				" and must change it at the next login (R28). It is emailed to the contact email on file, if any, and a credentials document is written." +
				"\nReason: " + common.Sanitize(v.Str("reason")) + "\nVerified: " + common.Sanitize(v.Str("verified"))}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		designated := ""
		if v.Raw("mode") == PortalDesignate {
			designated = v.Raw("password")
		}
		// The document is written inside the reset's transaction: if it
		// cannot be, the password is not changed and no email goes out (R28).
		var creds printout.Credentials
		var path string
		res, err := svc.ResetPatientPasswordWithDocument(actor, d.Patient.ID, designated, request(d, v),
			func(res accounts.PortalReset) (func(), error) {
				creds = printout.Credentials{
					Practice: res.Practice.Name, Patient: res.Patient.Name, Login: res.Patient.Login,
					TemporaryPassword: res.TemporaryPassword, EmailedTo: res.EmailedTo,
					IssuedBy: res.IssuedBy, IssuedAt: res.IssuedAt, MustChange: res.MustChange,
				}
				var err error
				path, err = writeCredentials(d.DocsDir, creds)
				return func() { _ = os.Remove(path) }, err
			})
		if err != nil {
			return Result{}, err
		}
		var perr error
		shown, login := homeTilde(path), common.Sanitize(res.Patient.Login)
		ok := "Portal password of " + login + " reset · credentials document " + common.Sanitize(shown)
		return Result{OK: ok, Show: func(c *common.Common) dialog.Dialog {
			return dialog.NewDocument(c, creds, path, shown, perr, login)
		}}, nil
	},
}
