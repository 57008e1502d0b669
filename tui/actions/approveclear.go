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

// approveClear is the second operator's decision on an MFA clear waiting
// for four eyes (R42): approve (the clear is carried out, both names in the
// audit) or deny.
var approveClear = &Action{
	ID: accounts.ActionApproveClear, On: accounts.SubjectUser, Key: bind("A", "approve MFA clear"), Title: "approve the MFA clear",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		if *v.S("decision") == "" {
			*v.S("decision") = "deny"
		}
		return dialog.FormSpec{Heading: "Four eyes: the MFA clear of " + d.Name(), Sub: d.Login(), Note: R42Note + "\n" + pendingWords(d), Loud: true,
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					huh.NewSelect[string]().Key("decision").Title("Your decision").Options(
						huh.NewOption("deny: nothing is cleared", "deny"),
						huh.NewOption("APPROVE: clear the MFA now", "approve"),
					).Value(v.S("decision")),
					dialog.Text(v, "note", "What you checked", 200).Placeholder("e.g. read the call notes, the check passed"),
				)}
			}}
	},
	Confirm: func(_ *common.Common, d *Data, v *dialog.Values) *ConfirmSpec {
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
		if v.Str("decision") != "approve" {
			_, err := svc.DenyRequest(actor, id, v.Str("note"))
			return Result{OK: fmt.Sprintf("Denied request #%d: the MFA of %s stays", id, d.What())}, err
		}
		_, r, err := svc.ApproveRequest(actor, id, v.Str("note"))
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
	return fmt.Sprintf("Request #%d by %s: %s. Why four eyes: %s. Verified: %s.", p.ID, common.Sanitize(p.RequestedBy),
		common.Sanitize(p.Request.Reason), strings.Join(why, ", "), common.Sanitize(p.Request.VerifiedBy))
}
