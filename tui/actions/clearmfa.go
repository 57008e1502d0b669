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

// R26Warning is what the MFA clear form says before anything else: the help
// desk is the favourite target of social engineering.
const R26Warning = "R26: clearing MFA lets whoever holds the password in without a second factor. " +
	"Callers pretending to be a user are the classic attack on a help desk: verify the caller's identity " +
	"before anything else, and record how. The user is told on their login email."

// chooseCheck is the placeholder the identity select opens on.
const chooseCheck = "— choose how the caller was verified —"

// clearMFA clears a user's MFA after the identity check is recorded (R25, R26).
var clearMFA = &Action{
	ID: accounts.ActionClearMFA, On: accounts.SubjectUser, Key: bind("m", "clear MFA"), Title: "clear MFA",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		first := chooseCheck
		if d.Passed != nil {
			first = "— none: the passed caller check is the record (R41) —"
		}
		opts := []huh.Option[string]{huh.NewOption(first, "")}
		for _, c := range accounts.IdentityChecks {
			opts = append(opts, huh.NewOption(c, c))
		}
		return dialog.FormSpec{Heading: "Clear the MFA of " + d.Name(), Sub: d.Login() + " · " + accounts.MFAStrength(d.User.MFA.Method),
			Note: R26Warning + checkNote(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				if d.Passed != nil {
					// The passed check is the record (R41): only why is asked.
					return []*huh.Group{huh.NewGroup(dialog.Reason(v, "e.g. lost phone", "R26"))}
				}
				return []*huh.Group{huh.NewGroup(
					huh.NewSelect[string]().Key("check").Title("How was the caller's identity verified?").
						Options(opts...).Value(v.S("check")).Validate(func(s string) error {
						if s == "" && d.Passed == nil {
							return errors.New("record how the caller's identity was verified (R26)")
						}
						return nil
					}),
					dialog.Text(v, "note", "What was checked", 200).
						Placeholder("e.g. called back +1 503 555 0142 on file, confirmed DOB").
						Validate(func(s string) error {
							if d.Passed != nil && *v.S("check") == "" {
								return nil // the passed check is the record (R41)
							}
							return dialog.RequiredBy("a note of what was checked", "R26")(s)
						}),
					dialog.Reason(v, "e.g. lost phone", "R26"),
				)}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "CLEAR the MFA of " + d.Name() + "?", Yes: "Clear MFA", Loud: true,
			Body: d.Login() + " (" + accounts.MethodLabel(d.User.MFA.Method) + ") will log in with the password alone until they set up a new method." +
				"\nIdentity verified by: " + verifiedWords(d, v) +
				"\nReason: " + common.Sanitize(v.Str("reason")) +
				"\nThe user and the practice's owners are told by email (R26, R43); a privileged or flagged user's clear then needs another operator's approval (four eyes, R42)."}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		// R41: the operator's passed check of this caller, if any, goes with the clear.
		// A check passed since the form opened counts too.
		var pv uint64
		if d.Passed != nil {
			pv = d.Passed.ID
		} else if now, ok, _ := svc.PassedVerification(actor.Name, d.User.ID); ok {
			pv = now.ID
		}
		r, err := svc.ClearMFAVerified(actor, d.User.ID, accounts.ClearMFARequest{Verification: pv,
			Check: v.Str("check"), Note: v.Str("note"), Reason: v.Str("reason")})
		if err == nil && r.Pending != nil {
			return Result{OK: fmt.Sprintf("Not cleared yet: request #%d waits for a second operator (four eyes, R42)", r.Pending.ID)}, nil
		}
		return Result{OK: "Cleared the MFA of " + d.What() + "; the notice is in the outbox"}, err
	},
}

// verifiedWords is how the caller was verified, for the confirm.
func verifiedWords(d *Data, v *dialog.Values) string {
	var parts []string
	if d.Passed != nil {
		parts = append(parts, fmt.Sprintf("caller check #%d (%s), passed", d.Passed.ID, d.Passed.Method))
	}
	if c := v.Str("check"); c != "" {
		parts = append(parts, c+" — "+common.Sanitize(v.Str("note"))+" (knowledge: never enough alone, R41)")
	}
	if len(parts) == 0 {
		return "nothing that counts (R41 will refuse)"
	}
	return strings.Join(parts, "; ")
}
