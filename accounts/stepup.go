package accounts

import (
	"bytes"
	"errors"

	"latchkey/mfa"
)

// A password alone never moves a second factor (R22): on an account with
// MFA, the security settings (a new or switched method) and a new password
// also need a code from the method the account has now. The code is checked
// as a login code is: an SMS or email code works once and dies after 5 wrong
// tries (R23), an app code works once, and a wrong code counts as a failed
// login, so a stolen password cannot guess its way to the factor (R11).

// ActSecurityCodeSent is a code sent to the current method so that a change
// to the security settings can be confirmed (R22).
const ActSecurityCodeSent = "mfa.security_code_sent"

// stepUpKey is what the second-factor check needs from outside the write
// transaction: the opened TOTP secret of an app (opening may read the key
// file, R37), and the sealed secret it came from, to notice a change.
type stepUpKey struct {
	secret string
	sealed []byte
	err    error
}

// openStepUp opens the current app secret when a code will be checked
// against it.
func (s *Service) openStepUp(u User, code string) stepUpKey {
	if u.MFA.Method != MFAApp || code == "" {
		return stepUpKey{}
	}
	k := stepUpKey{sealed: u.MFA.Secret}
	k.secret, k.err = s.openSecret(u.ID, u.MFA.Secret)
	return k
}

// stepUp checks, inside the action's write transaction, the code from the
// current method of old. n is the record being written: on success the code
// is spent in it (the action then stores n). An account without MFA needs
// nothing. Two outcomes are returned apart:
//   - err: the action stops and nothing lands (the act wrapper audits a
//     rule refusal), e.g. an app code missing;
//   - refusal: something must land although the action is refused — a
//     wrong code counted as a failed login, or, with no code given, a code
//     sent by SMS or email to the current method. The caller then writes
//     nothing more, lets the transaction commit, and returns refusal.
func (t *txn) stepUp(actor Actor, old User, n *User, code string, key stepUpKey, form string) (refusal, err error) {
	if !hasMFA(old) {
		return nil, nil
	}
	if code == "" {
		if old.MFA.Method == MFAApp {
			return nil, refuseWith("R22", "this account has MFA: "+form+" needs the code from the authenticator app as well as the password",
				"Enter the 6-digit code the app shows now.")
		}
		return t.sendSecurityCode(actor, old, *n, form)
	}
	if old.MFA.Method == MFAApp {
		if key.err != nil {
			return nil, key.err
		}
		if !bytes.Equal(old.MFA.Secret, key.sealed) {
			return nil, refuseWith("R22", "the sign-in method changed meanwhile", "Try again.")
		}
	}
	u := *n
	if err := t.checkSecondFactor(&u, code, loginCheck{secret: key.secret, keyErr: key.err}); err != nil {
		if kerr := asKeyFault(err); kerr != nil {
			return nil, kerr
		}
		if errors.Is(err, mfa.ErrWrongKey) {
			return nil, err
		}
		refusal = err
		return refusal, t.failLogin(actor, &old, u, "wrong second-factor code in "+form, &refusal)
	}
	u.MFA.LastUsedAt = t.now
	*n = u
	return nil, nil
}

// sendSecurityCode sends a new code to the current SMS or email method (the
// older one dies, R23) and answers with the refusal that asks for it.
func (t *txn) sendSecurityCode(actor Actor, old, u User, form string) (error, error) {
	if held, err := t.codeSend(actor, u, form, ""); err != nil || held != nil {
		return held, err // over the limit: nothing sent, the live code stays (R23)
	}
	code, c, err := t.newCode()
	if err != nil {
		return nil, err
	}
	if u.MFA.Challenge != nil {
		u.MFA.Challenge.Supersede(t.now)
	}
	u.MFA.Challenge = &c
	msg, err := t.sendCode(u, u.MFA.Method, u.MFA.Phone, code, "Your Latchkey security code", ActSecurityCodeSent)
	if err != nil {
		return nil, err
	}
	if err := t.putUser(&old, u); err != nil {
		return nil, err
	}
	if err := t.audit(actor, ActSecurityCodeSent, &u, Request{}, OutcomeOK,
		"code sent by "+string(u.MFA.Method)+" to confirm "+form); err != nil {
		return nil, err
	}
	return refuseWith("R22", "this account has MFA: "+form+" needs a code from the current method as well as the password",
		"A code was sent by "+string(u.MFA.Method)+" to "+maskedDestination(msg)+"; enter it (it works for 5 minutes)."), nil
}
