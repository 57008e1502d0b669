package accounts

import (
	"fmt"
	"strings"

	"latchkey/store"
)

// mayRedirectSetup: sending a pending user's setup email to a new address
// hands the account — roles and all — to whoever reads that address (R4).
// So it is asked for as adding that user is (checkAdder: R3, and R19 for an
// owner): by an owner, champion or admin of the practice, an owner for a
// pending owner, recorded; a practice admin or user acting themselves is
// their own requester. The user whose address is in question cannot vouch
// for the change: a caller claiming to be them is the attack. A practice's
// only user, its owner at onboarding, was added by the desk with no
// requester, and the desk corrects that address likewise.
func (t *txn) mayRedirectSetup(actor Actor, u User, req Request) error {
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
		return nil
	}
	return t.checkAdder(actor, p, req, u.Roles)
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
