package accounts

import (
	"crypto/subtle"
	"errors"
	"time"

	"latchkey/store"
)

// Login is one login attempt by a practice user with their login email or
// legacy username (R11, R12, R14). It returns the user on success; otherwise
// ErrBadCredentials, or a *RuleError: R11 for a locked account (even with the
// right password, saying only that it is locked), R14 for an inactive or
// unverified account (said only to someone who knows the password).
//
// The slow password hash runs outside the write transaction, so logins never
// queue behind one another's hashing; the transaction then re-reads the
// account and applies the outcome, retrying if the password changed meanwhile.
func (s *Service) Login(login, password string) (User, error) {
	return s.loginAt(time.Time{}, login, password)
}

type loginCheck struct {
	found   bool
	user    User
	ok      bool   // the password is right
	rehash  string // a first real hash of a demo password, to store
	credWas Credential
}

func (s *Service) loginAt(at time.Time, login, password string) (User, error) {
	for range 3 {
		chk, err := s.checkPassword(login, password)
		if err != nil {
			return User{}, err
		}
		u, err := s.applyLogin(at, login, chk)
		if errors.Is(err, errCredentialChanged) {
			continue
		}
		return u, err
	}
	return User{}, errors.New("login: the account kept changing; try again")
}

var errCredentialChanged = errors.New("credential changed during login")

// checkPassword reads the account and verifies the password, outside any
// write transaction. Unknown logins cost one hash too.
func (s *Service) checkPassword(login, password string) (loginCheck, error) {
	var chk loginCheck
	err := s.db.View(func(tx *store.Tx) error {
		u, err := userByLogin(tx, login)
		if IsNotFound(err) {
			return nil
		}
		chk.found, chk.user, chk.credWas = err == nil, u, u.Password
		return err
	})
	if err != nil {
		return chk, err
	}
	cred := chk.user.Password
	switch {
	case chk.found && cred.Demo && cred.Hash == "":
		secret := s.demoSecret()
		if secret == nil {
			_, _ = verifyPassword(password, s.dummyHash())
			break
		}
		want := derivePassword(secret, chk.user.ID)
		chk.ok = subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1
		if chk.ok {
			chk.rehash = hashPassword(password, s.cfg.Hash)
		} else {
			_, _ = verifyPassword(password, s.dummyHash())
		}
	case chk.found && cred.Hash != "":
		chk.ok, err = verifyPassword(password, cred.Hash)
	default:
		_, _ = verifyPassword(password, s.dummyHash())
	}
	return chk, err
}

func (s *Service) applyLogin(at time.Time, login string, chk loginCheck) (User, error) {
	var out User
	var refusal error
	now := s.Now()
	if !at.IsZero() {
		now = at // demo seeding back-dates its failed logins
	}
	err := s.updateAt(now, func(t *txn) error {
		actor := Actor{Kind: ActorUser, Name: login}
		if !chk.found {
			refusal = ErrBadCredentials
			return t.appendEvent(Event{ActorKind: ActorUser, Actor: login, Action: ActLoginFailed,
				Target: login, Outcome: OutcomeFailed, Detail: "no such login"})
		}
		old, err := getUser(t.tx, chk.user.ID)
		if err != nil {
			return err
		}
		if old.Password != chk.credWas {
			return errCredentialChanged
		}
		actor.UserID = old.ID
		u := old
		switch {
		case u.LockedNow(t.now):
			refusal = refuse("R11", "this account is locked")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R11"), "account is locked")
		case !chk.ok:
			u.Failures++
			detail := "wrong password"
			if u.Failures >= t.s.cfg.MaxFailures {
				t.lock(&u)
				refusal = refuse("R11", "this account is locked")
			} else {
				refusal = ErrBadCredentials
			}
			if err := t.putUser(&old, u); err != nil {
				return err
			}
			if err := t.audit(actor, ActLoginFailed, &u, Request{}, OutcomeFailed, detail); err != nil {
				return err
			}
			if u.Locked() {
				return t.audit(System(), ActAccountLocked, &u, Request{}, OutcomeOK,
					"locked after consecutive failed logins")
			}
			return nil
		case u.Status == StatusInactive:
			refusal = refuse("R14", "this account is inactive")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R14"), "account is inactive")
		case u.Status == StatusPending:
			refusal = refuseWith("R14", "this account is not verified yet", "Use the link in the account-setup email.")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R14"), "account is pending verification")
		}
		u.Failures = 0
		u.LastLoginAt = t.now
		if chk.rehash != "" {
			u.Password = Credential{Hash: chk.rehash}
		}
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		out = u
		return t.audit(actor, ActLoginOK, &u, Request{}, OutcomeOK, "")
	})
	if err != nil {
		return User{}, err
	}
	return out, refusal
}
