package accounts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

// mayRedirectSetup: sending a pending user's setup email to a new address
// hands the account — roles and all — to whoever reads that address (R4).
// So it is asked for as adding that user is (checkAdder: R3, and R19 for an
// owner): by an owner, champion or admin of the practice, an owner for a
// pending owner, recorded, and through the desk proven by their passed
// caller check (R41); a practice admin or user acting themselves is their
// own requester. The user whose address is in question cannot vouch
// for the change: a caller claiming to be them is the attack. A practice's
// only user, its owner at onboarding, was added by the desk with no
// requester; nobody there can ask for it, and nothing on file can verify a
// caller (R41): the desk's redirect of it waits for a second operator
// (errRedirectFourEyes, R42).
func (t *txn) mayRedirectSetup(actor Actor, u User, req *Request) error {
	p, err := t.practice(u.PracticeID)
	if err != nil {
		return err
	}
	if asker := strings.TrimSpace(req.Requester); asker != "" && actor.Kind == ActorOperator &&
		(normalizeLogin(asker) == normalizeLogin(u.Email) || normalizeLogin(asker) == normalizeLogin(u.Login())) {
		return refuseWith("R3", u.Login()+" cannot ask for their own setup email to go to another address: whoever holds the link owns the account",
			"Record an owner, champion or admin of "+p.Name+" who asked (an owner, for an owner).")
	}
	if (actor.Kind == ActorOperator || actor.Kind == ActorSystem) && onlyUserOf(t.tx, u) {
		if actor.Kind == ActorSystem || t.redirectApproved == u.ID {
			return nil // the demo's seeding; a second operator's approval
		}
		return errRedirectFourEyes
	}
	return t.checkAdder(actor, p, req, u.Roles, ActVerificationSent)
}

// askRedirect is who the desk offers as the requester of a new setup
// address: the people mayRedirectSetup accepts (whoever could add the user,
// an owner for an owner, never the user themselves).
var askRedirect = asker{"R3", "an owner, champion or admin of the practice; an owner, for a pending owner", func(r User, tg *User) bool {
	return askAdd.May(r, tg) && (tg == nil || (r.ID != tg.ID && (!tg.Roles.Owner || r.Roles.Owner)))
}}

// onlyUserOf reports whether u is the only user (of any status) of their
// practice.
func onlyUserOf(tx *store.Tx, u User) bool {
	only := true
	_ = tx.Scan(ixPracticeUsers, store.U64(u.PracticeID), nil, false, func(k, _ []byte) (bool, error) {
		if store.ParseU64(k[8:]) != u.ID {
			only = false
		}
		return only, nil
	})
	return only
}

// tellSetupRedirected tells the address a pending user's setup email went
// to that it now goes elsewhere (R6, as R7 tells an old login email): if
// the real user is there, they learn of it at once. The new address is
// masked: it may be an impostor's, and the notice tells them nothing.
func (t *txn) tellSetupRedirected(old, u User) error {
	_, err := t.send(Message{Kind: MessageEmail, To: old.Email, Subject: "Your Latchkey account setup was sent to another address",
		Body: fmt.Sprintf("Hello %s,\n\nAt the request of your practice, the setup email for your new Latchkey account now goes to %s, not this address. The link sent here before no longer works.\nIf you did not expect this, call your practice admin and Latchkey support at once.",
			firstName(u.Name), maskEmail(u.Email)),
		Cause: ActVerificationSent, UserID: u.ID})
	return err
}

// Four eyes for a new practice's only owner (R42). A practice's first
// user, its owner, is set up by the desk at onboarding, asked by nobody.
// While they are pending, a caller who says "I typed my email wrong" cannot
// be checked against anything the practice has (R41: no verified address,
// no phone, nobody else to approve), and whoever holds the setup link owns
// the practice. So the desk's redirect is not carried out on one operator's
// word: it is stored as a request, and only a second operator (never the
// one who asked, within ApprovalTTL) carries it out, the audit naming both.
// A resend to the address on file needs nobody (R6).

// errRedirectFourEyes: this redirect waits for a second operator.
var errRedirectFourEyes = errors.New("a second operator must approve this redirect")

// RedirectWaits is the answer to a redirect stored for a second operator:
// its transaction commits (the request and its event are kept), and the
// desk is told, naming R42, that nothing was sent yet. It is a refusal
// (errors.As finds its *RuleError: a script exits 2), and a console knows
// the request was filed (Approval) — the form is done, nothing to retype.
type RedirectWaits struct {
	Refusal  *RuleError
	Approval uint64 // the request waiting for a second operator
}

func (w *RedirectWaits) Error() string { return w.Refusal.Error() }
func (w *RedirectWaits) Unwrap() error { return w.Refusal }

// requestRedirect stores the redirect of u's setup email to email for a
// second operator (R42) and answers with a *RedirectWaits.
func (t *txn) requestRedirect(actor Actor, u User, email string, req Request) error {
	if id, err := t.pendingFor(u.ID); err != nil || id != 0 {
		if err == nil {
			err = refuseWith("R42", fmt.Sprintf("request #%d about %s already waits for a second operator", id, u.Login()),
				"Ask another operator to approve or deny it (latchkey approvals approve|deny "+itoa(int(id))+").")
		}
		return err
	}
	signals, err := riskOf(t.tx, t.s.legacyEvents, u, t.now)
	if err != nil {
		return err
	}
	id, err := t.tx.NextSeq(bApprovals)
	if err != nil {
		return err
	}
	a := Approval{ID: id, Action: ActVerificationSent, UserID: u.ID, Login: u.Login(), Name: u.Name, PracticeID: u.PracticeID,
		RequestedBy: actor.Name, RequestedSeat: actor.Seat, RequestedAt: t.now, ExpiresAt: t.now.Add(ApprovalTTL), Request: req, Signals: signals,
		OldEmail: u.Email, NewEmail: email}
	if err := a.moveTo(ApprovalPending, "", time.Time{}, ""); err != nil {
		return err
	}
	if err := t.putApproval(a); err != nil {
		return err
	}
	// The address on file hears of it at once: if the real owner reads it,
	// they can call before anyone approves (the new address masked).
	if _, err := t.send(Message{Kind: MessageEmail, To: u.Email, Subject: "A change of address was asked for your Latchkey account setup",
		Body: fmt.Sprintf("Hello %s,\n\nSomeone asked Latchkey support to send the setup email for your new Latchkey account to %s instead of this address. Nothing has changed yet: a second support agent must approve it.\nIf this was not you, call Latchkey support at once.",
			firstName(u.Name), maskEmail(email)),
		Cause: ActApprovalRequested, UserID: u.ID}); err != nil {
		return err
	}
	r := req
	r.Approval = a.ID
	if err := t.audit(actor, ActApprovalRequested, &u, r, OutcomeOK,
		fmt.Sprintf("setup email to a new address (%s) waits for a second operator (request #%d, R42): the practice's only user, nobody there to ask; the address on file was told", email, a.ID)); err != nil {
		return err
	}
	return &RedirectWaits{Approval: a.ID, Refusal: refuseWith("R42", fmt.Sprintf("nothing was sent yet: %s is the only user of their practice, still pending, so nobody there can ask for a new address and nothing on file can verify the caller; the setup email goes to %s only when a second operator approves (request #%d, within 30 minutes); the address on file was told",
		u.Login(), email, a.ID),
		"Ask another operator to check the onboarding records and approve it (latchkey approvals approve "+itoa(int(a.ID))+", or A on the user in the console); resending to the address on file needs nobody.")}
}

// carryOutRedirect is a second operator's approval of request a (R42): the
// setup email goes to the new address now, sent as asked by the operator
// who asked, with the approver and the request recorded.
func (t *txn) carryOutRedirect(actor Actor, a Approval) error {
	u, err := getUser(t.tx, a.UserID)
	if err != nil {
		return err
	}
	if u.Status == StatusInactive {
		return refuseWith("R42", fmt.Sprintf("%s was inactivated after request #%d: there is no setup email to send", u.Login(), a.ID), "Deny this request.")
	}
	if normalizeLogin(u.Email) != normalizeLogin(a.OldEmail) {
		return refuseWith("R42", fmt.Sprintf("the login email of %s changed after request #%d (asked: from %s; now: %s): approving would act on an address %s never asked about",
			u.Login(), a.ID, a.OldEmail, u.Email, a.RequestedBy), "Deny this request.")
	}
	req := a.Request
	req.ApprovedBy, req.Approval = actor.Name, a.ID
	t.redirectApproved = u.ID
	defer func() { t.redirectApproved = 0 }()
	_, _, err = t.sendVerification(Operator(a.RequestedBy), u.ID, a.NewEmail, a.NewEmail, req)
	return err
}
