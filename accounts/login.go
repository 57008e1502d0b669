package accounts

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"latchkey/mfa"
	"latchkey/store"
)

// LoginStage is where a login attempt leaves the user.
type LoginStage string

const (
	StageDashboard LoginStage = "dashboard" // logged in
	StageCode      LoginStage = "code"      // right password; a second-factor code is needed
	StageEnroll    LoginStage = "enroll"    // logged in only to set up MFA: the practice requires it (R24)
)

// LoginResult is the outcome of an attempt that was not refused.
type LoginResult struct {
	User   User       `json:"-"`
	Stage  LoginStage `json:"stage"`
	Method MFAMethod  `json:"method,omitempty"`  // the second factor asked for
	SentTo string     `json:"sent_to,omitempty"` // where a code went, masked
}

// NextStepError is what Login returns when the password was right but the
// user is not at the dashboard yet: a second factor is needed, or MFA must
// be set up first (R24).
type NextStepError struct{ Result LoginResult }

func (e *NextStepError) Error() string {
	switch e.Result.Stage {
	case StageCode:
		if e.Result.Method == MFAApp {
			return "Enter the 6-digit code from your authenticator app"
		}
		return fmt.Sprintf("A 6-digit code was sent by %s to %s; enter it to log in", e.Result.Method, e.Result.SentTo)
	case StageEnroll:
		return "Your practice requires multi-factor authentication: set it up to continue (R24)"
	}
	return "login incomplete"
}

// Login is a login with a password alone: the user on success, a
// *NextStepError when a second factor or enrolment comes next, else
// ErrBadCredentials or a *RuleError (see Authenticate).
func (s *Service) Login(login, password string) (User, error) {
	r, err := s.Authenticate(login, password, "")
	if err == nil && r.Stage != StageDashboard {
		err = &NextStepError{Result: r}
	}
	return r.User, err
}

// Authenticate is one login attempt by a practice user with their login
// email or legacy username, and, for a user with MFA, the code (R11, R12,
// R14, R21–R24). Without a code, a user with SMS or email MFA is sent a new
// one (the old one dies, R23). It refuses with ErrBadCredentials, or a
// *RuleError: R11 for a locked account (even with the right password, saying
// only that it is locked), R14 for an inactive or unverified account (said
// only to someone who knows the password), R23 for a wrong code — which
// also counts as a failed login.
//
// The slow password hash runs outside the write transaction, so logins never
// queue behind one another's hashing; the transaction then re-reads the
// account and applies the outcome, retrying if the password changed meanwhile.
func (s *Service) Authenticate(login, password, code string) (LoginResult, error) {
	return s.loginAt(time.Time{}, login, password, code)
}

type loginCheck struct {
	found   bool
	user    User
	ok      bool   // the password is right
	rehash  string // a first real hash of a demo password, to store
	credWas Credential
	secret  string // the opened TOTP secret, when a code for an app is checked
	keyErr  error  // the TOTP secret could not be opened
}

func (s *Service) loginAt(at time.Time, login, password, code string) (LoginResult, error) {
	for range 3 {
		chk, err := s.checkPassword(login, password)
		if err != nil {
			return LoginResult{}, err
		}
		if chk.ok && code != "" && chk.user.MFA.Method == MFAApp {
			chk.secret, chk.keyErr = s.openSecret(chk.user.ID, chk.user.MFA.Secret)
		}
		r, err := s.applyLogin(at, login, code, chk)
		if errors.Is(err, errCredentialChanged) {
			continue
		}
		return r, err
	}
	return LoginResult{}, errors.New("login: the account kept changing; try again")
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

func (s *Service) applyLogin(at time.Time, login, code string, chk loginCheck) (LoginResult, error) {
	var out LoginResult
	var refusal error
	now := s.Now()
	if !at.IsZero() {
		now = at // demo seeding back-dates its failed logins
	}
	err := s.updateAt(now, func(t *txn) error {
		if !chk.found {
			refusal = ErrBadCredentials
			who, note, err := t.unknownLogin(login)
			if err != nil {
				return err
			}
			return t.appendEvent(Event{ActorKind: ActorUser, Actor: who, Action: ActLoginFailed,
				Target: who, Outcome: OutcomeFailed, Detail: joinDetail("no such login", note)})
		}
		old, err := getUser(t.tx, chk.user.ID)
		if err != nil {
			return err
		}
		if old.Password != chk.credWas ||
			(code != "" && !bytes.Equal(old.MFA.Secret, chk.user.MFA.Secret)) {
			return errCredentialChanged // checked against a password or secret that changed meanwhile
		}
		actor := Actor{Kind: ActorUser, Name: login, UserID: old.ID}
		u := old
		if chk.rehash != "" {
			u.Password = Credential{Hash: chk.rehash, Demo: true}
		}
		switch {
		case u.LockedNow(t.now):
			refusal = refuse("R11", "this account is locked")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R11"), "account is locked")
		case !chk.ok:
			refusal = ErrBadCredentials
			return t.failLogin(actor, &old, old, "wrong password", &refusal)
		case u.Status == StatusInactive:
			refusal = refuse("R14", "this account is inactive")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R14"), "account is inactive")
		case u.Status == StatusPending:
			refusal = refuseWith("R14", "this account is not verified yet", "Use the link in the account-setup email.")
			return t.audit(actor, ActLoginRefused, &u, Request{}, refusedOutcome("R14"), "account is pending verification")
		}
		if hasMFA(u) {
			if code == "" {
				return t.challenge(actor, &old, u, &out, &refusal)
			}
			if err := t.checkSecondFactor(&u, code, chk); err != nil {
				if kerr := asKeyFault(err); kerr != nil {
					return kerr
				}
				if errors.Is(err, mfa.ErrWrongKey) || chk.keyErr != nil {
					return chk.keyErr
				}
				refusal = err
				return t.failLogin(actor, &old, u, "wrong second-factor code", &refusal)
			}
			u.MFA.LastUsedAt = t.now
		}
		p, err := getPractice(t.tx, u.PracticeID)
		if err != nil {
			return err
		}
		u.Failures = 0
		u.LastLoginAt = t.now
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		out = LoginResult{User: u, Stage: StageDashboard}
		detail := ""
		if p.MFARequired && !hasMFA(u) {
			out.Stage, detail = StageEnroll, "must set up MFA before reaching the dashboard (R24)"
		}
		return t.audit(actor, ActLoginOK, &u, Request{}, OutcomeOK, detail)
	})
	if err != nil {
		return LoginResult{}, err
	}
	return out, refusal
}

// failLogin counts a failed login — a wrong password or a wrong code — and
// locks the account at the limit (R11).
func (t *txn) failLogin(actor Actor, old *User, u User, detail string, refusal *error) error {
	u.Failures++
	if u.Failures >= t.s.cfg.MaxFailures {
		t.lock(&u)
		*refusal = refuse("R11", "this account is locked")
	}
	if err := t.putUser(old, u); err != nil {
		return err
	}
	if err := t.audit(actor, ActLoginFailed, &u, Request{}, OutcomeFailed, detail); err != nil {
		return err
	}
	if u.Locked() {
		return t.audit(System(), ActAccountLocked, &u, Request{}, OutcomeOK, "locked after consecutive failed logins")
	}
	return nil
}
