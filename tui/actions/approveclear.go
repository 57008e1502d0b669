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

// R42Note is what the four-eyes form says first.
const R42Note = "R42: clearing the MFA of a privileged or flagged user needs a second operator — never the one who asked. " +
	"Read the request: who asked, why four eyes, how the caller was verified. Approving carries the clear out now."

// R42RedirectNote is what it says of a new practice's only owner's setup
// email to a new address.
const R42RedirectNote = "R42: the setup email of a new practice's only user, its pending owner, goes to a new address only with a second operator — never the one who asked. " +
	"Nobody at the practice can ask for it and nothing on file can verify the caller: check the onboarding records. Approving sends it now; whoever holds the link owns the practice."

// redirecting reports whether the request waiting is a setup redirect.
func redirecting(d *Data) bool { return d.Pending != nil && d.Pending.NewEmail != "" }

// approveClear is the second operator's decision on an MFA clear waiting
// for four eyes (R42): approve (the clear is carried out, both names in the
// audit) or deny.
var approveClear = &Action{
	ID: accounts.ActionApproveClear, On: accounts.SubjectUser, Key: bind("A", "four-eyes approve"), Title: "approve a request waiting for four eyes",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		if *v.S("decision") == "" {
			*v.S("decision") = "deny"
		}
		heading, note, deny, yes := "Four eyes: the MFA clear of "+d.Name(), R42Note, "deny: nothing is cleared", "APPROVE: clear the MFA now"
		if redirecting(d) {
			heading, note, deny, yes = "Four eyes: the setup email of "+d.Name(), R42RedirectNote, "deny: nothing is sent",
				"APPROVE: send the setup email to "+common.Sanitize(d.Pending.NewEmail)+" now"
		}
		return dialog.FormSpec{Heading: heading, Sub: d.Login(), Note: note + "\n" + pendingWords(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					huh.NewSelect[string]().Key("decision").Title("Your decision").Options(
						huh.NewOption(deny, "deny"),
						huh.NewOption(yes, "approve"),
					).Value(v.S("decision")),
					dialog.Text(v, "note", "What you checked", 200).Placeholder("e.g. read the call notes, the check passed"),
				)}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
		if redirecting(d) {
			to := common.Sanitize(d.Pending.NewEmail)
			if v.Str("decision") != "approve" {
				return &ConfirmSpec{Title: "Deny the setup email of " + d.Name() + " to " + to + "?", Yes: "Deny", Body: "Nothing is sent; the request ends."}
			}
			return &ConfirmSpec{Title: "APPROVE the setup email of " + d.Name() + " to " + to + "?", Yes: "Approve and send", Loud: true,
				Body: "Whoever reads " + to + " can set up " + d.Login() + " — the practice's owner.\n" + pendingWords(d) +
					"\nThe address on file (" + common.Sanitize(d.Pending.OldEmail) + ") is told, and its link dies."}
		}
		if v.Str("decision") != "approve" {
			return &ConfirmSpec{Title: "Deny the MFA clear of " + d.Name() + "?", Yes: "Deny", Body: "Nothing is cleared; the request ends."}
		}
		return &ConfirmSpec{Title: "APPROVE the MFA clear of " + d.Name() + "?", Yes: "Approve and clear", Loud: true,
			Body: d.Login() + " will log in with the password alone until they set up a new method.\n" + pendingWords(d) +
				"\nThe user and the practice's owners are told by email (R43)."}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		if d.Pending == nil {
			return Result{}, errors.New("no MFA clear waits for a second operator")
		}
		id := d.Pending.ID
		redirect := redirecting(d)
		if v.Str("decision") != "approve" {
			_, err := svc.DenyRequest(actor, id, v.Str("note"))
			if redirect {
				return Result{OK: fmt.Sprintf("Denied request #%d: nothing sent to %s", id, common.Sanitize(d.Pending.NewEmail))}, err
			}
			return Result{OK: fmt.Sprintf("Denied request #%d: the MFA of %s stays", id, d.What())}, err
		}
		_, r, err := svc.ApproveRequest(actor, id, v.Str("note"))
		if redirect {
			return Result{OK: fmt.Sprintf("Approved request #%d: sent the setup email of %s to %s; %s was told", id, d.What(),
				common.Sanitize(d.Pending.NewEmail), common.Sanitize(d.Pending.OldEmail))}, err
		}
		return Result{OK: fmt.Sprintf("Approved request #%d: cleared the MFA of %s; told %s", id, d.What(),
			common.Sanitize(strings.Join(r.Notified, ", ")))}, err
	},
}

// pendingWords is the request in words: who asked, why four eyes, how the
// caller was verified.
func pendingWords(d *Data) string {
	p := d.Pending
	if p == nil {
		return "No request is pending."
	}
	why := make([]string, 0, len(p.Signals))
	for _, s := range p.Signals {
		why = append(why, s.Label())
	}
	if p.NewEmail != "" {
		return fmt.Sprintf("Request #%d by %s: %s. Setup email to %s (on file: %s). Why four eyes: the practice's only user, nobody there to ask; %s.",
			p.ID, common.Sanitize(p.RequestedBy), common.Sanitize(p.Request.Reason), common.Sanitize(p.NewEmail),
			common.Sanitize(p.OldEmail), strings.Join(why, ", "))
	}
	return fmt.Sprintf("Request #%d by %s: %s. Why four eyes: %s. Verified: %s.", p.ID, common.Sanitize(p.RequestedBy),
		common.Sanitize(p.Request.Reason), strings.Join(why, ", "), common.Sanitize(p.Request.VerifiedBy))
}
