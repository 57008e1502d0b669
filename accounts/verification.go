package accounts

import (
	"errors"
	"fmt"
	"strings"

	"latchkey/store"
)

// Audit actions of account setup and email changes.
const (
	ActVerificationSent   = "verification.sent"
	ActUserVerified       = "user.verified"
	ActEmailChangeStarted = "email_change.requested"
	ActEmailChanged       = "user.email_changed"
	ActUserEdited         = "user.edited"
)

// SendVerification sends the account-setup email with a fresh single-use link
// (R4). For a user who has not verified, it supersedes any earlier link, and
// a re-entered login email (typed twice) replaces the one on file (R6). A
// verified user is refused with guidance (R6).
func (s *Service) SendVerification(actor Actor, userID uint64, newEmail, confirm string, req Request) (User, Message, error) {
	var out User
	var msg Message
	var waits *RedirectWaits   // a redirect stored for a second operator (R42): committed, then answered
	target := User{ID: userID} // act reads the rest for a refusal
	err := s.act(actor, ActVerificationSent, &target, req, func(t *txn) error {
		var err error
		out, msg, err = t.sendVerification(actor, userID, newEmail, confirm, req)
		if errors.As(err, &waits) {
			return nil
		}
		return err
	})
	if err == nil && waits != nil {
		return User{}, Message{}, waits
	}
	return out, msg, err
}

func (t *txn) sendVerification(actor Actor, userID uint64, newEmail, confirm string, req Request) (User, Message, error) {
	var out User
	var msg Message
	err := func() error {
		old, err := t.user(userID)
		if err != nil {
			return err
		}
		if err := t.mayTendSetup(actor, old, "R4"); err != nil {
			return err
		}
		if err := stateSendSetup(old); err != nil {
			return err
		}
		u := old
		if email := strings.TrimSpace(newEmail); email != "" && normalizeLogin(email) != normalizeLogin(old.Email) {
			if normalizeLogin(confirm) != normalizeLogin(email) {
				return badField("email_confirm", "the two login emails do not match (R4)")
			}
			if err := t.checkNewLogin(email); err != nil {
				return err
			}
			// The new address gets the account, roles and all (R3, R19).
			if err := t.mayRedirectSetup(actor, old, &req); errors.Is(err, errRedirectFourEyes) {
				return t.requestRedirect(actor, old, email, req)
			} else if err != nil {
				return err
			}
			u.Email = email
		}
		if u.Email == "" {
			return badField("email", "enter the login email the setup email goes to")
		}
		if err := t.endLink(old.SetupLink, LinkSuperseded); err != nil {
			return err
		}
		link, token, err := t.issueLink(LinkSetup, u, u.Email, t.s.cfg.SetupLinkMaxAge)
		if err != nil {
			return err
		}
		u.SetupLink = link.ID
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		msg, err = t.send(Message{Kind: MessageEmail, To: u.Email, Subject: "Set up your Latchkey account",
			Body: fmt.Sprintf("Hello %s,\n\nAn account was created for you. Use this link to verify your email and choose a password:\n\n%s%s\n\nThe link works once. If you did not expect this email, ignore it.",
				firstName(u.Name), LinkBase, token),
			Cause: ActVerificationSent, UserID: u.ID, LinkID: link.ID, Secrets: []string{token}})
		if err != nil {
			return err
		}
		redirected := old.Email != "" && normalizeLogin(old.Email) != normalizeLogin(u.Email)
		if redirected {
			if err := t.tellSetupRedirected(old, u); err != nil {
				return err
			}
		}
		out = u
		detail := fmt.Sprintf("link #%d to %s", link.ID, u.Email)
		if redirected {
			detail += " (was " + old.Email + "; that address was told)"
		}
		if old.SetupLink != 0 {
			detail += fmt.Sprintf(", supersedes link #%d", old.SetupLink)
		}
		return t.audit(actor, ActVerificationSent, &u, req, OutcomeOK, detail)
	}()
	return out, msg, err
}

// checkNewLogin: a login email must be well-formed, personal and unused (R9).
func (t *txn) checkNewLogin(email string) error {
	if err := checkLoginEmail(email); err != nil {
		return err
	}
	taken, err := loginTaken(t.tx, email)
	if err != nil {
		return err
	}
	if taken {
		return refuse("R9", "login "+email+" is already in use: login emails are unique across the whole system")
	}
	return nil
}

// UseLink is the user completing the form a link from their email opened:
// an account-setup link verifies the email, sets the chosen password and
// makes the account active (R4); a reset link sets a new password and lifts
// a lock (R16, R17); an email-change link, with the user's current password,
// makes the new address their login (R7). Each link works once (R5).
func (s *Service) UseLink(link, password string) (User, error) {
	token := TokenFromLink(link)
	var l Link
	var u User
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		if l, err = (&txn{tx: tx, now: s.Now(), s: s}).linkByToken(token); err != nil {
			return err
		}
		u, err = getUser(tx, l.UserID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	if err := liveLink(l); err != nil {
		return User{}, s.auditRefusal(Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}, "link.used", &u, err)
	}
	// The slow hash runs before the write transaction.
	var newHash string
	switch l.Purpose {
	case LinkSetup:
		if err := s.policyCheck(password, u, false); err != nil {
			return User{}, err
		}
		newHash = hashPassword(password, s.cfg.Hash)
	case LinkReset:
		if err := s.policyCheck(password, u, hasMFA(u)); err != nil {
			return User{}, err
		}
		newHash = hashPassword(password, s.cfg.Hash)
	case LinkEmailChange:
		if err := s.reauth(u, password, "the email-change link's form"); err != nil {
			return User{}, err
		}
	default:
		return User{}, refuse("R5", "this link is not valid")
	}
	var out User
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	checked := u // as the password was checked
	err = s.act(actor, "link.used", &u, Request{}, func(t *txn) error {
		l, err := t.linkByToken(token)
		if err != nil {
			return err
		}
		if err := liveLink(l); err != nil {
			return err
		}
		old, err := getUser(t.tx, l.UserID)
		if err != nil {
			return err
		}
		u := old
		switch l.Purpose {
		case LinkReset:
			out, err = t.completeReset(l, newHash)
			return err
		case LinkSetup:
			if old.Status != StatusPending || normalizeLogin(old.Email) != normalizeLogin(l.Email) {
				return refuse("R5", "this link no longer matches the account")
			}
			u.Status, u.EmailVerified, u.SetupLink = StatusActive, true, 0
			u.Password = Credential{Hash: newHash}
			if err := t.endLink(l.ID, LinkUsed); err != nil {
				return err
			}
			if err := t.putUser(&old, u); err != nil {
				return err
			}
			out = u
			return t.audit(actor, ActUserVerified, &u, Request{}, OutcomeOK, "login email verified, password chosen, account active")
		default: // LinkEmailChange
			if old.PendingEmail == "" || normalizeLogin(old.PendingEmail) != normalizeLogin(l.Email) {
				return refuse("R5", "this link no longer matches the account")
			}
			if err := passwordStill(old, checked, "R7"); err != nil {
				return err
			}
			if normalizeLogin(l.Email) != normalizeLogin(old.Email) {
				if taken, err := loginTaken(t.tx, l.Email); err != nil || taken {
					if err == nil {
						err = refuse("R9", "login "+l.Email+" is already in use")
					}
					return err
				}
			}
			u.Email, u.EmailVerified, u.PendingEmail, u.EmailChangeLink = l.Email, true, "", 0
			if err := t.endLink(l.ID, LinkUsed); err != nil {
				return err
			}
			killed, err := t.retireOldAddress(old, &u)
			if err != nil {
				return err
			}
			if err := t.putUser(&old, u); err != nil {
				return err
			}
			if err := t.tellOldAddress(old, u); err != nil {
				return err
			}
			out = u
			detail := "login email changed from " + old.Email + " to " + u.Email
			if len(killed) > 0 {
				detail += "; dead with the old address: " + strings.Join(killed, ", ")
			}
			return t.audit(actor, ActEmailChanged, &u, Request{}, OutcomeOK, detail)
		}
	})
	return out, err
}

// auditRefusal records a refused attempt that never reached a transaction.
func (s *Service) auditRefusal(actor Actor, action string, u *User, err error) error {
	return s.recordRefusal(refusalEvent(actor, action, u, Request{}), err)
}

// ChangeOwnEmail is a verified user, logged in with their password, asking
// to change their login email (R7). The new address gets a link to verify
// it; the old one is told, and stays the login until the new one is verified.
// On an account with MFA, code is a code from its method as well: the login
// email is where resets and email codes go, so a password alone must not
// move it (R22); without one an SMS or email code is sent and asked for.
func (s *Service) ChangeOwnEmail(login, password, code, newEmail string) (User, error) {
	u, err := s.UserByLogin(login)
	if err != nil {
		_, _ = verifyPassword(password, s.dummyHash())
		return User{}, ErrBadCredentials
	}
	if err := s.reauth(u, password, "the change-email form"); err != nil {
		return User{}, err
	}
	newEmail = strings.TrimSpace(newEmail)
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	key := s.openStepUp(u, code)
	var out User
	var refusal error
	err = s.act(actor, ActEmailChangeStarted, &u, Request{}, func(t *txn) error {
		old, err := getUser(t.tx, u.ID)
		if err != nil {
			return err
		}
		if old.Status != StatusActive || !old.EmailVerified {
			return refuse("R7", "only an active user with a verified login email changes it themselves")
		}
		if err := passwordStill(old, u, "R7"); err != nil {
			return err
		}
		if old.LockedNow(t.now) {
			return refuse("R11", "this account is locked")
		}
		if err := checkLoginEmail(newEmail); err != nil {
			return err
		}
		if normalizeLogin(newEmail) == normalizeLogin(old.Email) {
			return refuse("R9", newEmail+" is already your login email")
		}
		taken, err := loginTaken(t.tx, newEmail)
		if err != nil {
			return err
		}
		n := old
		if refusal, err = t.stepUp(actor, old, &n, code, key, "changing the login email"); err != nil || refusal != nil {
			return err
		}
		if err := t.endLink(old.EmailChangeLink, LinkSuperseded); err != nil {
			return err
		}
		if taken {
			// R9, R7: the address is someone's login. Saying so would let
			// any user find out who has an account; the answer is the one
			// a free address gets, and the address's owner is told instead.
			out = n
			return t.changeToTakenEmail(actor, old, &out, newEmail)
		}
		link, token, err := t.issueLink(LinkEmailChange, n, newEmail, 0)
		if err != nil {
			return err
		}
		n.PendingEmail, n.EmailChangeLink = newEmail, link.ID
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		if _, err := t.send(Message{Kind: MessageEmail, To: newEmail, Subject: "Verify your new login email",
			Body: fmt.Sprintf("Hello %s,\n\nUse this link to make %s your Latchkey login email:\n\n%s%s\n\nUntil then you keep logging in with %s.",
				firstName(n.Name), newEmail, LinkBase, token, old.Email),
			Cause: ActEmailChangeStarted, UserID: n.ID, LinkID: link.ID, Secrets: []string{token}}); err != nil {
			return err
		}
		if err := t.tellEmailChangeAsked(old, n, newEmail); err != nil {
			return err
		}
		out = n
		return t.audit(actor, ActEmailChangeStarted, &n, Request{}, OutcomeOK, "new login email "+newEmail+" awaiting verification")
	})
	if err == nil && refusal != nil {
		return User{}, refusal
	}
	return out, err
}

// Rename corrects the name of a user who has not verified yet. A verified
// account belongs to one person for life: renaming it is refused (R10), and
// its login email is the user's own to change (R7).
func (s *Service) Rename(actor Actor, userID uint64, name string, req Request) (User, error) {
	name, err := checkName("name", name)
	if err != nil {
		return User{}, err
	}
	var out User
	target := User{ID: userID} // read once, in the transaction (act)
	err = s.act(actor, ActUserEdited, &target, req, func(t *txn) error {
		old, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = old
		if err := t.mayTendSetup(actor, old, "R3"); err != nil {
			return err
		}
		if setUp(old) || old.Status == StatusActive {
			return refuseWith("R10", "an account belongs to one person for life: "+old.Login()+" cannot become someone else's",
				"Inactivate the leaver and add the new person (Replace).")
		}
		u := old
		u.Name = name
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		out = u
		return t.audit(actor, ActUserEdited, &u, req, OutcomeOK, "name corrected from "+old.Name+" to "+name)
	})
	return out, err
}

// ChangeEmailByOperator is refused for a verified user (R7): only the user,
// logged in, changes their login email. For a user who has not verified,
// the way is SendVerification with the new address (R6).
func (s *Service) ChangeEmailByOperator(actor Actor, userID uint64, newEmail, confirm string, req Request) (User, Message, error) {
	u, err := s.User(userID)
	if err != nil {
		return User{}, Message{}, err
	}
	if u.EmailVerified {
		err := refuseWith("R7", "an operator cannot change the login email of a verified user",
			"The user changes it themselves after logging in. If the account is now someone else's, inactivate it and add the new person (R10).")
		return User{}, Message{}, s.auditRefusal(actor, ActUserEdited, &u, err)
	}
	return s.SendVerification(actor, userID, newEmail, confirm, req)
}

// tellEmailChangeAsked tells the current login email that a change to
// newEmail was asked for (R7).
func (t *txn) tellEmailChangeAsked(old, n User, newEmail string) error {
	_, err := t.send(Message{Kind: MessageEmail, To: old.Email, Subject: "Your login email is being changed",
		Body: fmt.Sprintf("Hello %s,\n\nSomeone logged in to your account asked to change its login email to %s. It changes only once that address is verified.\nIf this was not you, change your password and tell your practice admin.",
			firstName(n.Name), newEmail),
		Cause: ActEmailChangeStarted, UserID: n.ID})
	return err
}

// changeToTakenEmail answers a change of login email to an address that is
// already someone's login (R9) as a free address is answered — the change
// awaits a verification, the old address is told — but no link is issued,
// so it can never complete, and the address is told that someone tried to
// use it. The requester learns nothing about who has an account (R7); the
// audit records what happened.
func (t *txn) changeToTakenEmail(actor Actor, old User, n *User, newEmail string) error {
	n.PendingEmail, n.EmailChangeLink = newEmail, 0
	if err := t.putUser(&old, *n); err != nil {
		return err
	}
	if _, err := t.send(Message{Kind: MessageEmail, To: newEmail, Subject: "Someone tried to use your email for a Latchkey login",
		Body: fmt.Sprintf("Hello,\n\nSomeone logged in to a Latchkey account asked to make %s its login email. This address is already the login of an account, and a login belongs to one person, so nothing changed.\nIf you did not expect this, you can ignore this email.",
			newEmail),
		Cause: ActEmailChangeStarted, UserID: n.ID}); err != nil {
		return err
	}
	if err := t.tellEmailChangeAsked(old, *n, newEmail); err != nil {
		return err
	}
	return t.audit(actor, ActEmailChangeStarted, n, Request{}, refusedOutcome("R9"),
		"new login email "+newEmail+" is already in use: no link sent; that address was told, and the user answered as for a free address")
}
