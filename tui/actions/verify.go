package actions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// R41Note is what the verify form says first.
const R41Note = "R41: verify the caller through something only the real user controls — never a number or " +
	"address the caller gives. Knowledge (date of birth, employee id) is recorded but never counts. " +
	"A check is good for one action within 15 minutes."

// verifyCaller starts a caller verification (R41): the methods offered are
// the ones this user has, as accounts answers them.
var verifyCaller = &Action{
	ID: accounts.ActionVerify, On: accounts.SubjectUser, Key: bind("V", "verify caller"), Title: "verify the caller",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		opts := make([]huh.Option[string], 0, len(d.VerifyOptions))
		lines := 0 // a code held back by the send limit says so on a second line (R23)
		for i, o := range d.VerifyOptions {
			opts = append(opts, huh.NewOption(common.Sanitize(o.Label), strconv.Itoa(i)))
			lines++
			if strings.Contains(o.Label, "(R23)") {
				lines++
			}
		}
		if *v.S("method") == "" && len(opts) > 0 {
			*v.S("method") = "0"
		}
		return dialog.FormSpec{Heading: "Verify the caller: " + d.Name(), Sub: d.Login(), Note: R41Note,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					huh.NewSelect[string]().Key("method").Title("How? (only what this user has on file)").
						Options(opts...).Value(v.S("method")).Height(2+min(lines, 10)),
					dialog.Text(v, "note", "Note (what the caller told you; required for knowledge)", 200).
						Placeholder("e.g. lost phone, new number; date of birth matched"),
				)}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		i, err := strconv.Atoi(v.Str("method"))
		if err != nil || i < 0 || i >= len(d.VerifyOptions) {
			return Result{}, errors.New("choose how to verify the caller (R41)")
		}
		o := d.VerifyOptions[i]
		view, err := svc.StartVerification(actor, d.User.ID, accounts.VerifyStart{Method: o.Method, Channel: o.Channel,
			Approver: o.Approver, Note: v.Str("note")})
		if err != nil {
			return Result{}, err
		}
		return Result{OK: "Verification #" + strconv.FormatUint(view.ID, 10) + " of " + d.What() + ": " + common.Sanitize(view.Status),
			Show: func(c *common.Common) dialog.Dialog { return NewCheckDialog(c, view) }}, nil
	},
}

// verifyAnew is V's form even while a check of the caller waits: n in the
// check dialog, for another method (the text never came, the owner is away).
var verifyAnew = func() *Action { a := *verifyCaller; return &a }()

// takesCheck are the actions a caller check precedes (R41).
var takesCheck = map[accounts.Action]bool{accounts.ActionUnlock: true, accounts.ActionResetPassword: true,
	accounts.ActionPermissions: true, accounts.ActionClearMFA: true}

// checkNote says which caller check goes with the action, or that none has
// passed (R41).
func checkNote(d *Data) string {
	if d.Passed == nil && !d.CheckOffer.OK && d.CheckOffer.Rule != "" {
		// V is not offered for this user (a pending one): say why, not V.
		return "\n" + d.CheckOffer.Rule + ": no caller check of " + d.Name() + " can go with this: " +
			common.Sanitize(d.CheckOffer.Why) + ". " + common.Sanitize(d.CheckOffer.Guidance)
	}
	if d.Passed == nil {
		return "\nR41: no passed caller check of " + d.Name() + " by you: esc, then V verifies the caller out of band."
	}
	return fmt.Sprintf("\nR41: caller check #%d (%s) PASSED: it goes with this action and is used up by it.", d.Passed.ID, d.Passed.Method)
}

// CheckPassed: a caller check of the form's user by this operator passed
// while the form was open (the owner's approval waited for, a code read
// back in another session). The form now says so and no longer asks how
// the caller was verified, as it would have had the check passed before it
// opened; the check goes with the action (withCheck). It returns whether
// the form took it, and the form's command.
func CheckPassed(c *common.Common, f *dialog.Form, pv accounts.VerificationView) (bool, tea.Cmd) {
	d, ok := f.Info.(*Data)
	a := ByID(accounts.Action(strings.TrimPrefix(f.ID(), "form:")))
	if !ok || a == nil || a.Form == nil || !takesCheck[a.ID] || d.User == nil || d.User.ID != pv.UserID || d.Passed != nil {
		return false, nil
	}
	d.Passed = &pv
	return true, f.Respec(a.Form(c, d, f.Values()))
}

// TakesCheck reports whether a form's action is one a caller check
// precedes (R41), so the console looks for a check passing while it is open.
func TakesCheck(formID string) bool {
	return takesCheck[accounts.Action(strings.TrimPrefix(formID, "form:"))]
}

// withCheck adds the passed check to the action's request: the one the
// form opened with, else one of this operator's that passed since (the
// owner's approval waited for with the form open), as an MFA clear does.
func withCheck(svc common.Service, actor accounts.Actor, d *Data, req accounts.Request) accounts.Request {
	if d.Passed != nil {
		req.Verification = d.Passed.ID
	} else if pv, ok, _ := svc.PassedVerification(actor.Name, d.User.ID); ok {
		req.Verification = pv.ID
	}
	return req
}

// verifiedLine is a confirm's "Verified:": the passed check that goes with
// the action (R41), then anything the operator added.
func verifiedLine(d *Data, v *dialog.Values) string {
	added := common.Sanitize(v.Str("verified"))
	if d.Passed == nil {
		return added
	}
	check := fmt.Sprintf("caller check #%d (%s), passed", d.Passed.ID, d.Passed.Method)
	if added != "" {
		check += " · " + added
	}
	return check
}

// verifiedOr is the "how was the caller verified" field: required unless a
// passed check goes with the action.
func verifiedOr(d *Data, v *dialog.Values, rule string) *huh.Input {
	if d.Passed == nil {
		return verified(v, rule)
	}
	return dialog.Text(v, "verified", "Anything to add to the caller check? (optional)", 200).
		Placeholder(fmt.Sprintf("the check #%d is recorded with the action", d.Passed.ID))
}

// askerCheck attaches the asker's passed caller check by this operator to
// a request the desk takes only proven (needed): one that gives the owner,
// admin or champion role, or takes the owner or admin role away with the
// account (R19, R20), adds, brings back or redirects anyone's setup (R3),
// or buys licenses (R2) — R41. Nothing is attached otherwise, so no check
// is spent on what needs none.
func askerCheck(svc common.Service, actor accounts.Actor, d *Data, req accounts.Request, needed bool) accounts.Request {
	if !needed || req.Verification != 0 {
		return req
	}
	if u, err := whoAsked(d.Requesters, req.Requester); err == nil {
		if pv, ok, _ := svc.PassedVerification(actor.Name, u.ID); ok {
			req.Verification = pv.ID
		}
	}
	return req
}

// privilegedRoles reports whether roles hold the owner or admin role.
func privilegedRoles(r accounts.Roles) bool { return r.Owner || r.Admin }
