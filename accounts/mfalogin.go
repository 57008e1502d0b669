package accounts

import (
	"errors"
	"fmt"

	"latchkey/mfa"
)

// Audit actions of MFA.
const (
	ActMFAChallenge  = "mfa.code_sent"
	ActMFAEnrolStart = "mfa.enrolment_started"
	ActMFAEnrolled   = "mfa.enrolled"
	ActMFAEnrolFail  = "mfa.enrolment_code_wrong"
	ActMFACleared    = "mfa.cleared"
	ActMFARequired   = "practice.mfa_requirement"
	ActMFADisable    = "mfa.disable"
)

// challenge answers a right password for a user with MFA: an SMS or email
// code is sent (a new one; the old one dies, R23), or the app is asked for.
// Over the limit of code sends nothing is sent, the live code stays, and
// *refusal says so (R23, codesendlimit.go).
func (t *txn) challenge(actor Actor, old *User, u User, out *LoginResult, refusal *error) error {
	*out = LoginResult{User: u, Stage: StageCode, Method: u.MFA.Method}
	if u.MFA.Method == MFAApp {
		return nil
	}
	held, err := t.codeSend(actor, u, "a login", "")
	if err != nil || held != nil {
		*out, *refusal = LoginResult{}, held
		return err
	}
	code, c, err := t.newCode()
	if err != nil {
		return err
	}
	if u.MFA.Challenge != nil {
		u.MFA.Challenge.Supersede(t.now)
	}
	u.MFA.Challenge = &c
	msg, err := t.sendCode(u, u.MFA.Method, u.MFA.Phone, code, "Your Latchkey login code", ActMFAChallenge)
	if err != nil {
		return err
	}
	out.SentTo = maskedDestination(msg)
	out.User = u
	if err := t.putUser(old, u); err != nil {
		return err
	}
	return t.audit(actor, ActMFAChallenge, &u, Request{}, OutcomeOK, "login code sent by "+string(u.MFA.Method))
}

// sendCode sends a 6-digit code by SMS to phone or by email to the user's
// verified login email (R21), through the outbox (R30).
func (t *txn) sendCode(u User, method MFAMethod, phone, code, subject, cause string) (Message, error) {
	body := fmt.Sprintf("Latchkey code: %s. It expires in 5 minutes. Never share it: support will never ask for it.", code)
	if method == MFASMS {
		return t.send(Message{Kind: MessageSMS, To: phone, Body: body, Cause: cause, UserID: u.ID, Secrets: []string{code}})
	}
	return t.send(Message{Kind: MessageEmail, To: u.Email, Subject: subject, Body: body, Cause: cause, UserID: u.ID, Secrets: []string{code}})
}

func maskedDestination(m Message) string {
	if m.Kind == MessageSMS {
		return mfa.MaskPhone(m.To)
	}
	return maskEmail(m.To)
}

// maskEmail shows an address's first letter and domain.
func maskEmail(e string) string {
	for i := 0; i < len(e); i++ {
		if e[i] == '@' && i > 0 {
			return e[:1] + "•••" + e[i:]
		}
	}
	return "•••"
}

// checkSecondFactor checks a login code; u is changed in place (attempts,
// replay step) so the caller stores the outcome either way. A code that
// could not be compared for want of its key returns a keyFault (R37), which
// the caller passes on without counting a failed login.
func (t *txn) checkSecondFactor(u *User, code string, chk loginCheck) error {
	switch u.MFA.Method {
	case MFAApp:
		if chk.keyErr != nil {
			return chk.keyErr
		}
		step, err := mfa.ValidateTOTP(chk.secret, code, t.now, usedSteps(u.MFA)...)
		if err != nil {
			return codeRefusal(err)
		}
		u.MFA.UsedSteps = mfa.RecentSteps(usedSteps(u.MFA), step)
		u.MFA.LastStep = step
		return nil
	default:
		if u.MFA.Challenge == nil {
			return refuseWith("R23", "no code was sent", "Log in with your password to get a code.")
		}
		c := *u.MFA.Challenge
		ok, err := t.checkCode(&c, code)
		if asKeyFault(err) != nil {
			return err // not compared: no attempt, no failed login
		}
		u.MFA.Challenge = &c
		if !ok {
			return codeRefusal(err)
		}
		u.MFA.Challenge = nil
		return nil
	}
}

// codeRefusal turns an mfa error into a refusal naming R23.
func codeRefusal(err error) error {
	if err == nil {
		err = mfa.ErrCodeWrong
	}
	var re *RuleError
	if errors.As(err, &re) {
		return re
	}
	msg := err.Error()
	if len(msg) > 5 && msg[:5] == "R23: " {
		msg = msg[5:]
	}
	return refuse("R23", msg)
}

// usedSteps are the TOTP steps already accepted; records written before
// UsedSteps existed have only LastStep.
func usedSteps(m MFA) []int64 {
	if len(m.UsedSteps) == 0 && m.LastStep != 0 {
		return []int64{m.LastStep}
	}
	return m.UsedSteps
}
