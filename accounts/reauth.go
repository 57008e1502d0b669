package accounts

// reauth checks a logged-in user's password again before a change that needs
// it: their own password (R18), their login email (R7), an MFA method (R22),
// or, for a practice admin, their own password as the check on setting a
// colleague's (R18). It costs one hash either way. A locked account answers
// R11 whatever the password, so the lock cannot be used to test guesses; a
// wrong password counts as a failed login, is audited, and locks the account
// at the limit, as at the login page (R11, R29); an account that is not
// active answers R14, and only to someone who knows its password.
func (s *Service) reauth(u User, password, form string) error {
	ok, _ := u.checkPassword(s, password)
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	if u.LockedNow(s.Now()) {
		return s.auditRefusal(actor, ActLoginRefused, &u, refuse("R11", "this account is locked"))
	}
	if !ok {
		return s.recordBadPassword(u, form)
	}
	if u.Status != StatusActive {
		return s.auditRefusal(actor, ActLoginRefused, &u, refuse("R14", "this account is not active"))
	}
	return nil
}

// recordBadPassword counts a wrong password typed into a form as a failed
// login, with its audit event, and locks the account at the limit (R11).
func (s *Service) recordBadPassword(u User, form string) error {
	refusal := ErrBadCredentials
	err := s.update(func(t *txn) error {
		old, err := getUser(t.tx, u.ID)
		if err != nil {
			return err
		}
		actor := Actor{Kind: ActorUser, Name: old.Login(), UserID: old.ID}
		if old.LockedNow(t.now) {
			refusal = refuse("R11", "this account is locked")
			return t.audit(actor, ActLoginRefused, &old, Request{}, refusedOutcome("R11"), "account is locked")
		}
		return t.failLogin(actor, &old, old, "wrong password in "+form, &refusal)
	})
	if err != nil {
		return err
	}
	return refusal
}

// actorAsRequester: a practice user or admin acting through the service
// (not an operator recording someone's request) is their own requester, so
// every rule about who may ask applies to them, in their own practice only.
func (t *txn) actorAsRequester(actor Actor, req *Request) error {
	if actor.Kind != ActorUser && actor.Kind != ActorAdmin {
		return nil
	}
	u, err := getUser(t.tx, actor.UserID)
	if err != nil {
		return refuse("R13", "the acting practice user is not known")
	}
	if u.LockedNow(t.now) {
		return refuse("R11", u.Login()+" is locked")
	}
	req.Requester = u.Login()
	return nil
}

// passwordStill refuses a change whose password was checked (before the
// write transaction: the hash is slow) against a password that has changed
// since (R7, R18, R22): the real user who changes a stolen password shuts
// its holder out at once, even from a change already on its way.
func passwordStill(now, checked User, rule string) error {
	if now.Password != checked.Password {
		return refuseWith(rule, "the password of "+now.Login()+" changed while this was checked", "Enter the current password again.")
	}
	return nil
}
