package actions

import (
	"fmt"

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

// clearMFA clears a user's MFA after a passed caller check (R25, R26, R41):
// it is offered only then (accounts), and the check is the record of how
// the caller was verified, so the form asks only why. A knowledge record
// never makes a clear pass (R41): it is recorded where the caller is
// verified (V, "knowledge: recorded, never counts"), not here.
var clearMFA = &Action{
	ID: accounts.ActionClearMFA, On: accounts.SubjectUser, Key: bind("m", "clear MFA"), Title: "clear MFA",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Clear the MFA of " + d.Name(), Sub: d.Login() + " · " + accounts.MFAStrength(d.User.MFA.Method),
			Note: R26Warning + checkNote(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(dialog.Reason(v, "e.g. lost phone", "R26"))}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		return &ConfirmSpec{Title: "CLEAR the MFA of " + d.Name() + "?", Yes: "Clear MFA", Loud: true,
			Body: d.Login() + " (" + accounts.MethodLabel(d.User.MFA.Method) + ") will log in with the password alone until they set up a new method." +
				"\nIdentity verified by: " + verifiedWords(d) +
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
		r, err := svc.ClearMFAVerified(actor, d.User.ID, accounts.ClearMFARequest{Verification: pv, Reason: v.Str("reason")})
		if err == nil && r.Pending != nil {
			return Result{OK: fmt.Sprintf("Not cleared yet: request #%d waits for a second operator (four eyes, R42)", r.Pending.ID)}, nil
		}
		return Result{OK: "Cleared the MFA of " + d.What() + "; the notice is in the outbox"}, err
	},
}

// verifiedWords is how the caller was verified, for the confirm.
func verifiedWords(d *Data) string {
	if d.Passed == nil {
		return "no passed caller check yet (R41 will refuse unless one passes first)"
	}
	return fmt.Sprintf("caller check #%d (%s), passed", d.Passed.ID, d.Passed.Method)
}
