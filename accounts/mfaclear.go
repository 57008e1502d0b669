package accounts

import (
	"errors"
	"fmt"
	"strings"

	"latchkey/store"
)

// IdentityChecks are knowledge checks an operator may record about a caller
// (R26). Since R41 they are recorded with the clear but never count as
// verification: a clear needs a passed code, app or approval check.
var IdentityChecks = []string{
	"call-back to the number on file",
	"confirmed by the practice owner",
	"confirmed by a practice admin",
	"video call with photo ID",
	"in person with photo ID",
}

// ClearMFARequest is what the operator records with a clear (R26, R41).
type ClearMFARequest struct {
	// Verification is the passed out-of-band check of the caller (R41).
	Verification uint64
	// Check and Note are an optional knowledge record (one of
	// IdentityChecks, with what was checked); without a Verification they
	// are recorded with the refusal.
	Check, Note string
	Reason      string
}

// ClearMFAResult is what a clear did: carried out now, or waiting for a
// second operator (R42).
type ClearMFAResult struct {
	User     User          `json:"-"`
	Cleared  MFAMethod     `json:"cleared,omitempty"`
	Pending  *ApprovalView `json:"pending,omitempty"`
	Notified []string      `json:"notified,omitempty"` // the user and the practice's owners (R43)
}

// ClearMFA is the clear as the desk asked for it before R41: a knowledge
// record alone. It is recorded and refused (R41); use ClearMFAVerified.
func (s *Service) ClearMFA(actor Actor, userID uint64, check, note, reason string) (User, error) {
	r, err := s.ClearMFAVerified(actor, userID, ClearMFARequest{Check: check, Note: note, Reason: reason})
	return r.User, err
}

// ClearMFAVerified clears a user's MFA for a caller who lost their phone or
// authenticator (R26). It needs a passed code, app or approval verification
// of that caller by this operator (R41), consumed here. For a privileged or
// flagged user (R42) it then waits for a second operator's approval; else
// it is carried out at once. The user and the practice's owners are told
// (R43).
func (s *Service) ClearMFAVerified(actor Actor, userID uint64, in ClearMFARequest) (ClearMFAResult, error) {
	in.Check, in.Note, in.Reason = strings.TrimSpace(in.Check), strings.TrimSpace(in.Note), strings.TrimSpace(in.Reason)
	if in.Check != "" || in.Verification == 0 {
		valid := false
		for _, c := range IdentityChecks {
			valid = valid || c == in.Check
		}
		if !valid && in.Verification == 0 {
			return ClearMFAResult{}, badField("verified_by", "record how the caller's identity was verified: --verification ID of a passed code, app or approval check (R41), or at least one of: "+strings.Join(IdentityChecks, "; ")+" (R26)")
		}
		if !valid {
			return ClearMFAResult{}, badField("verified_by", "the knowledge record is one of: "+strings.Join(IdentityChecks, "; ")+" (R26)")
		}
		if in.Note == "" {
			return ClearMFAResult{}, badField("verification_note", "note what was checked (R26)")
		}
	}
	if in.Reason == "" {
		return ClearMFAResult{}, badField("reason", "say why MFA is cleared (R26)")
	}
	req := Request{Reason: in.Reason, Verification: in.Verification}
	if in.Check != "" {
		req.VerifiedBy = "knowledge: " + in.Check + ": " + in.Note
	}
	target := User{ID: userID} // read once, in the transaction (act)
	var out ClearMFAResult
	err := s.act(actor, ActMFACleared, &target, req, func(t *txn) error {
		old, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = old
		if err := t.stateClearMFANow(actor, old); err != nil {
			return err
		}
		if in.Verification == 0 {
			also := ""
			if signals, err := riskOf(t.tx, t.s.legacyEvents, old, t.now); err == nil && len(signals) > 0 {
				also = "; and because " + old.Login() + " is " + signalWords(signals) + ", a second operator must approve it too (R42)"
			}
			return refuseWith("R41", "a knowledge check ("+in.Check+") is recorded but never counts as verification: clearing MFA needs a passed code, app or approval check of the caller"+also,
				"Start one with `latchkey verify start "+old.Login()+" --method code` (or app, approval), then clear with --verification ID.")
		}
		signals, err := riskOf(t.tx, t.s.legacyEvents, old, t.now)
		if err != nil {
			return err
		}
		r := req
		if _, err := t.useVerification(actor, ActMFACleared, &r, true, old.ID); err != nil {
			var re *RuleError
			if errors.As(err, &re) && len(signals) > 0 {
				// Say everything that is missing, not only the first thing (R42).
				re.Msg += "; and because " + old.Login() + " is " + signalWords(signals) + ", a second operator must approve it too (R42)"
			}
			return err
		}
		if len(signals) > 0 { // none waits already: stateClearMFANow
			a, err := t.requestApproval(actor, old, r, signals)
			if err != nil {
				return err
			}
			v := a.View(t.now)
			out = ClearMFAResult{User: old, Pending: &v}
			return nil
		}
		out, err = t.clearMFA(actor, old, r)
		return err
	})
	return out, err
}

// clearMFA carries out a clear: the settings go, the user and the
// practice's owners are told (R26, R43), one audit event records the
// verification, the reason and, with four eyes, both operators.
func (t *txn) clearMFA(actor Actor, old User, req Request) (ClearMFAResult, error) {
	n := old
	n.MFA = MFA{}
	if err := t.putUser(&old, n); err != nil {
		return ClearMFAResult{}, err
	}
	out := ClearMFAResult{User: n, Cleared: old.MFA.Method}
	if out.Cleared == MFANone && old.MFA.Pending != nil {
		out.Cleared = old.MFA.Pending.Method
	}
	to := n.Email
	if to == "" {
		to = n.ContactEmail
	}
	if to != "" {
		if _, err := t.send(Message{Kind: MessageEmail, To: to, Subject: "Your multi-factor authentication was cleared",
			Body: "Hello " + firstName(n.Name) + ",\n\nAt your request, Latchkey support cleared the multi-factor authentication on your account (" +
				n.Login() + "). Set up a new method from your security settings.\nIf you did not ask for this, call your practice admin and Latchkey support at once.",
			Cause: ActMFACleared, UserID: n.ID}); err != nil {
			return out, err
		}
		out.Notified = append(out.Notified, to)
	}
	owners, err := t.notifyOwners(n)
	if err != nil {
		return out, err
	}
	out.Notified = append(out.Notified, owners...)
	detail := "cleared " + string(out.Cleared) + "; told " + strings.Join(out.Notified, ", ")
	if len(out.Notified) == 0 {
		detail = "cleared " + string(out.Cleared) + "; no email on file to tell"
	}
	if req.ApprovedBy != "" {
		detail += fmt.Sprintf("; requested by %s, approved by %s (four eyes, R42)", actor.Name, req.ApprovedBy)
	}
	return out, t.audit(actor, ActMFACleared, &n, req, OutcomeOK, detail)
}

// notifyOwners tells every active owner of u's practice (other than u) with
// a verified email that u's MFA was cleared (R43).
func (t *txn) notifyOwners(u User) ([]string, error) {
	var sent []string
	var owners []User
	err := t.tx.Scan(ixPracticeUsers, store.U64(u.PracticeID), nil, false, func(k, _ []byte) (bool, error) {
		o, err := getUser(t.tx, store.ParseU64(k[8:]))
		if err == nil && o.ID != u.ID && o.Roles.Owner && o.Status == StatusActive && o.EmailVerified && o.Email != "" {
			owners = append(owners, o)
		}
		return true, err
	})
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		if _, err := t.send(Message{Kind: MessageEmail, To: o.Email,
			Subject: "MFA cleared for " + u.Name + " at your practice",
			Body: "Hello " + firstName(o.Name) + ",\n\nLatchkey support cleared the multi-factor authentication of " + u.Name + " (" + u.Login() +
				") at their request. They will set up a new method.\nIf this is unexpected, call Latchkey support at once.",
			Cause: ActMFACleared, UserID: u.ID}); err != nil {
			return nil, err
		}
		sent = append(sent, o.Email)
	}
	return sent, nil
}
