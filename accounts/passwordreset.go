package accounts

import (
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

// Audit actions of passwords.
const (
	ActResetRequested  = "password.reset_requested"
	ActResetSent       = "password.reset_sent"
	ActPasswordReset   = "password.reset"
	ActPasswordChanged = "password.changed"
	ActPasswordSet     = "password.set_by_admin"
	ActOperatorReset   = "password.operator_reset"
)

// ForgotAnswer is what the login page says after "Forgot your password?",
// whoever asked: it never tells whether an account exists (R16).
const ForgotAnswer = "If an account with a verified email matches, a reset link is on its way. It works once, for 60 minutes."

// ForgotPassword is "Forgot your password?" (R16): a user with a verified
// login email gets a single-use reset link, valid ResetLinkTTL, by email;
// a newer request kills the older link. The answer is the same for a known
// and an unknown address, and whether or not the request was throttled: at
// most one email per address per ForgotEvery, the rest counted in the audit.
func (s *Service) ForgotPassword(login string) (string, error) {
	login = strings.TrimSpace(login)
	var opened time.Time // when the window this request opened ends, if it opened one
	err := s.update(func(t *txn) error {
		opened = time.Time{}
		u, err := userByLogin(t.tx, login)
		who, note := login, ""
		if err != nil {
			var kerr error
			if who, note, kerr = t.unknownLogin(login); kerr != nil {
				return kerr
			}
		}
		if err != nil && !IsNotFound(err) {
			return err
		}
		held, rule, more, terr := t.forgotThrottle(login)
		if terr != nil {
			return terr
		}
		if held {
			return t.appendEvent(Event{ActorKind: ActorUser, Actor: who, Action: ActResetRequested, Target: who,
				Outcome: refusedOutcome(rule), Detail: joinDetail(more, note)})
		}
		opened = t.now.Add(t.s.forgotEvery())
		ev := Event{ActorKind: ActorUser, Actor: who, Action: ActResetRequested, Target: who,
			Outcome: OutcomeOK, Detail: joinDetail("reset link sent if the account is eligible"+more, note)}
		if err == nil && u.Status == StatusActive && u.EmailVerified && !u.Legacy() {
			if _, err := t.sendReset(u, u.Email, ActResetRequested); err != nil {
				return err
			}
		} else if err != nil && !IsNotFound(err) {
			return err
		}
		// The same event for everyone: no user id, so the per-user history
		// does not tell either. The outbox shows whether a link went out.
		return t.appendEvent(ev)
	})
	if err == nil && !opened.IsZero() {
		s.noteForgotWindow(opened) // the console drops it when it ends (R16)
	}
	return ForgotAnswer, err
}

// sendReset issues a reset link to addr, superseding the user's older one.
func (t *txn) sendReset(u User, addr, cause string) (Message, error) {
	old := u
	if err := t.endLink(u.ResetLink, LinkSuperseded); err != nil {
		return Message{}, err
	}
	link, token, err := t.issueLink(LinkReset, u, addr, t.s.cfg.ResetLinkTTL)
	if err != nil {
		return Message{}, err
	}
	u.ResetLink = link.ID
	if err := t.putUser(&old, u); err != nil {
		return Message{}, err
	}
	return t.send(Message{Kind: MessageEmail, To: addr, Subject: "Reset your Latchkey password",
		Body: fmt.Sprintf("Hello %s,\n\nUse this link to choose a new password for %s:\n\n%s%s\n\nIt works once, until %s. If you did not ask for this, ignore this email: your password has not changed.",
			firstName(u.Name), u.Login(), LinkBase, token, link.ExpiresAt.UTC().Format("15:04 MST")),
		Cause: cause, UserID: u.ID, LinkID: link.ID, Secrets: []string{token}})
}

// SendPasswordReset has a reset email sent for a user without a verified
// login email — a legacy username user, to their email on file (R8, R17). An
// operator records why and how the caller was verified; a practice admin of
// the user's practice may do it themselves. A user with a verified email is
// refused with the self-service guidance (R16).
func (s *Service) SendPasswordReset(actor Actor, userID uint64, req Request) (Message, error) {
	req.Reason, req.VerifiedBy = strings.TrimSpace(req.Reason), strings.TrimSpace(req.VerifiedBy)
	if actor.Kind == ActorOperator {
		if req.Reason == "" {
			return Message{}, badField("reason", "say why the reset is sent (R17)")
		}
		if req.VerifiedBy == "" && req.Verification == 0 {
			return Message{}, badField("verified_by", "record how the caller was verified (R17), or give a verification (R41)")
		}
	}
	var msg Message
	target := User{ID: userID} // read once, in the transaction (act)
	err := s.act(actor, ActResetSent, &target, req, func(t *txn) error {
		u, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = u
		if actor.Kind == ActorAdmin {
			if err := t.isAdminOf(actor, u.PracticeID, "R17"); err != nil {
				return err
			}
		}
		if err := stateResetPassword(actor, u); err != nil {
			return err
		}
		addr := u.ContactEmail
		if !u.Legacy() {
			addr = u.Email
		}
		if addr == "" {
			return refuseWith("R17", u.Login()+" has no email on file for a reset",
				"A practice admin can set a password for them, checked with the admin's own password.")
		}
		req := req
		if req.Verification != 0 { // R41: the check is consumed with the reset
			if _, err := t.useVerification(actor, ActResetSent, &req, false, u.ID); err != nil {
				return err
			}
		}
		if msg, err = t.sendReset(u, addr, ActResetSent); err != nil {
			return err
		}
		return t.audit(actor, ActResetSent, &u, req, OutcomeOK, "reset link to the email on file "+addr)
	})
	return msg, err
}

// OperatorResetPassword is an operator asked to reset a user's password. The
// desk never sets passwords (R15): a verified user is refused with the
// self-service guidance (R16); for the others the reset email goes out.
func (s *Service) OperatorResetPassword(actor Actor, userID uint64, req Request) (Message, error) {
	return s.SendPasswordReset(actor, userID, req)
}

// InspectLink reads a link's state and changes nothing: opening a link (as
// a mail scanner fetching it does) never uses it (R16).
func (s *Service) InspectLink(link string) (Link, error) {
	var l Link
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		l, err = (&txn{tx: tx, now: s.Now(), s: s}).linkByToken(link)
		return err
	})
	l.Hash = nil
	return l, err
}

// completeReset is the write side of a reset link: the new password, the
// link used, and — the user proved control of the email — the failure count
// cleared and any lock lifted (audited as such).
func (t *txn) completeReset(l Link, newHash string) (User, error) {
	old, err := getUser(t.tx, l.UserID)
	if err != nil {
		return User{}, err
	}
	if old.Status == StatusInactive {
		return User{}, refuse("R14", "this account is inactive")
	}
	if old.ResetLink != l.ID {
		return User{}, refuse("R5", "this reset link no longer works: a newer one was sent, or the password was changed since")
	}
	u := old
	u.Password = Credential{Hash: newHash}
	u.ResetLink = 0
	if u.Legacy() && u.Status == StatusPending {
		// A legacy user has no login email to verify: the reset link to the
		// email on file is their account setup (R8, R17).
		u.Status = StatusActive
	}
	wasLocked := u.Locked()
	openLock(&u)
	if err := t.endLink(l.ID, LinkUsed); err != nil {
		return User{}, err
	}
	if err := t.putUser(&old, u); err != nil {
		return User{}, err
	}
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	if wasLocked {
		if err := t.audit(actor, ActAccountUnlocked, &u, Request{Reason: "password reset through the email on file"},
			OutcomeOK, "lock lifted: the user proved control of the email"); err != nil {
			return User{}, err
		}
	}
	return u, t.audit(actor, ActPasswordReset, &u, Request{}, OutcomeOK, "password reset with link #"+itoa(int(l.ID)))
}

// ChangePassword is a logged-in user changing their own password: current,
// new, and new again (R18). On an account with MFA, code is a code from its
// method as well: a stolen password alone cannot replace itself (R22);
// without one an SMS or email code is sent and the answer asks for it.
func (s *Service) ChangePassword(login, current, code, newPassword, repeat string) (User, error) {
	u, err := s.UserByLogin(login)
	if err != nil {
		_, _ = verifyPassword(current, s.dummyHash())
		return User{}, ErrBadCredentials
	}
	if err := s.reauth(u, current, "the change-password form"); err != nil {
		return User{}, err
	}
	if newPassword != repeat {
		return User{}, badField("repeat", "the new password and its repetition differ (R18)")
	}
	if normalizePassword(newPassword) == normalizePassword(current) {
		return User{}, refuse("R18", "choose a password different from the current one")
	}
	if err := s.policyCheck(newPassword, u, hasMFA(u)); err != nil {
		return User{}, err
	}
	newHash := hashPassword(newPassword, s.cfg.Hash)
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	key := s.openStepUp(u, code)
	var out User
	var refusal error
	err = s.act(actor, ActPasswordChanged, &u, Request{}, func(t *txn) error {
		old, err := getUser(t.tx, u.ID)
		if err != nil {
			return err
		}
		if old.Password != u.Password {
			return refuse("R18", "the password changed meanwhile; try again")
		}
		if old.LockedNow(t.now) {
			return refuse("R11", "this account is locked")
		}
		if old.Status != StatusActive {
			return refuse("R14", "this account is not active")
		}
		n := old
		if refusal, err = t.stepUp(actor, old, &n, code, key, "changing the password"); err != nil || refusal != nil {
			return err
		}
		n.Password = Credential{Hash: newHash}
		if err := t.endResetLink(&n); err != nil {
			return err
		}
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		if err := t.tellPasswordChanged(n, "from your security settings"); err != nil {
			return err
		}
		out = n
		return t.audit(actor, ActPasswordChanged, &n, Request{}, OutcomeOK, "changed by the user")
	})
	if err == nil && refusal != nil {
		return User{}, refusal
	}
	return out, err
}

// AdminSetPassword is a practice admin setting a colleague's password: the
// new one, and the admin's own password as the check (R18). A wrong own
// password is refused and audited. An admin with MFA gives a code from it
// as well (adminCode): a stolen admin password alone must not hand out the
// practice's accounts (R22).
func (s *Service) AdminSetPassword(adminLogin, adminPassword, adminCode string, targetID uint64, newPassword string) (User, error) {
	admin, err := s.UserByLogin(adminLogin)
	if err != nil {
		_, _ = verifyPassword(adminPassword, s.dummyHash())
		return User{}, ErrBadCredentials
	}
	if err := s.reauth(admin, adminPassword, "the set-a-colleague's-password form"); err != nil {
		if err == ErrBadCredentials {
			_ = s.auditRefusal(Actor{Kind: ActorAdmin, Name: admin.Login(), UserID: admin.ID}, ActPasswordSet, &admin,
				refuse("R18", "the admin's own password, the check, was wrong"))
		}
		return User{}, err
	}
	target, err := s.User(targetID)
	if err != nil {
		return User{}, err
	}
	if err := s.policyCheck(newPassword, target, hasMFA(target)); err != nil {
		return User{}, err
	}
	newHash := hashPassword(newPassword, s.cfg.Hash)
	actor := Actor{Kind: ActorAdmin, Name: admin.Login(), UserID: admin.ID}
	key := s.openStepUp(admin, adminCode)
	var out User
	var refusal error
	err = s.act(actor, ActPasswordSet, &target, Request{}, func(t *txn) error {
		if err := t.isAdminOf(actor, target.PracticeID, "R18"); err != nil {
			return err
		}
		adm, err := getUser(t.tx, admin.ID)
		if err != nil {
			return err
		}
		if err := passwordStill(adm, admin, "R18"); err != nil {
			return err
		}
		na := adm
		self := Actor{Kind: ActorUser, Name: adm.Login(), UserID: adm.ID}
		if refusal, err = t.stepUp(self, adm, &na, adminCode, key, "setting a colleague's password"); err != nil || refusal != nil {
			return err
		}
		if hasMFA(adm) {
			if err := t.putUser(&adm, na); err != nil {
				return err
			}
		}
		old, err := getUser(t.tx, targetID)
		if err != nil {
			return err
		}
		if old.Status == StatusInactive {
			return refuseWith("R20", old.Login()+" is inactive", "Reactivate the account first.")
		}
		n := old
		n.Password = Credential{Hash: newHash}
		if err := t.endResetLink(&n); err != nil {
			return err
		}
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		if err := t.tellPasswordChanged(n, "by "+admin.Name+", an admin of your practice"); err != nil {
			return err
		}
		out = n
		return t.audit(actor, ActPasswordSet, &n, Request{}, OutcomeOK, "set by a practice admin, checked with their own password")
	})
	if err == nil && refusal != nil {
		return User{}, refusal
	}
	return out, err
}

// endResetLink ends u's live reset link with a change of password (R16):
// mailed before the change, it would be a way back in for whoever else
// read that mail.
func (t *txn) endResetLink(u *User) error {
	if err := t.endLink(u.ResetLink, LinkSuperseded); err != nil {
		return err
	}
	u.ResetLink = 0
	return nil
}

// isAdminOf checks that actor is an active admin of the practice.
func (t *txn) isAdminOf(actor Actor, practiceID uint64, rule string) error {
	admin, err := getUser(t.tx, actor.UserID)
	if err != nil {
		return err
	}
	if !admin.Roles.Admin || admin.Status != StatusActive || admin.PracticeID != practiceID {
		return refuse(rule, actor.Name+" is not an active admin of this user's practice")
	}
	if admin.LockedNow(t.now) {
		return refuse("R11", actor.Name+" is locked: a locked admin acts for nobody")
	}
	return nil
}
