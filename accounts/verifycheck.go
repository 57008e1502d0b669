package accounts

import (
	"bytes"
	"errors"
	"fmt"

	"latchkey/internal/plural"
	"latchkey/mfa"
	"latchkey/store"
)

// Answering a caller verification (R41): the code read back, or the
// approver's answer to their link.

// CheckVerification is the code the caller read back (R41): for a code
// check, the one sent; for an app check, the authenticator's current code,
// refused if already used (the replay guard of the login, R23). Five wrong
// codes fail the check.
func (s *Service) CheckVerification(actor Actor, id uint64, code string) (VerificationView, error) {
	var out Verification
	var refusal error
	var target User
	// The authenticator's secret is opened before the transaction (opening
	// reads the file); inside, it is used only if the app is still the same.
	var secret string
	var sealed []byte
	if v, err := s.Verification(id); err == nil && v.Method == VerifyApp {
		if u, err := s.User(v.UserID); err == nil && u.MFA.Method == MFAApp {
			if secret, err = s.openSecret(u.ID, u.MFA.Secret); err != nil {
				return VerificationView{}, err
			}
			sealed = u.MFA.Secret
		}
	}
	err := s.update(func(t *txn) error {
		if actor.Kind != ActorOperator {
			return refuse("R41", "only an operator checks a caller's code")
		}
		v, err := getVerification(t.tx, id)
		if err != nil {
			return err
		}
		u, err := getUser(t.tx, v.UserID)
		if err != nil {
			return err
		}
		target = u
		if !sameOperator(v.Operator, actor.Name) {
			// The check is the work of the operator on the phone: nobody
			// else passes it for them, or burns its tries.
			return refuseWith("R41", fmt.Sprintf("verification #%d was started by %s: only they read its code back", v.ID, v.Operator),
				"Start your own check of the caller.")
		}
		if err := v.seatRefusal(actor); err != nil {
			return err
		}
		now := v.stateAt(t.now)
		if now.State != v.State {
			if err := v.moveTo(VerifyExpired, v.ExpiresAt, now.Result); err != nil {
				return err
			}
			out, refusal = v, refuseWith("R41", fmt.Sprintf("verification #%d has expired (a check is valid for one action within 15 minutes)", v.ID), "Start a new one.")
			if err := t.putVerification(v); err != nil {
				return err
			}
			return t.audit(actor, ActVerifyFailed, &u, verifyReq(v), refusedOutcome("R41"), "expired before the code was read back")
		}
		if v.State != VerifyStarted {
			return refuse("R41", fmt.Sprintf("verification #%d is %s: there is nothing to check", v.ID, v.State))
		}
		if v.Method != VerifyCode && v.Method != VerifyApp {
			return refuse("R41", fmt.Sprintf("verification #%d is by %s: it takes no code", v.ID, v.Method))
		}
		if why := v.goneFromFile(u); why != "" || (v.Method == VerifyApp && !bytes.Equal(u.MFA.Secret, sealed)) {
			if why == "" {
				why = "the authenticator app changed while the code was checked"
			}
			if err := v.moveTo(VerifyFailed, t.now, "failed: "+why); err != nil {
				return err
			}
			if err := t.putVerification(v); err != nil {
				return err
			}
			out, refusal = v, refuseWith("R41", fmt.Sprintf("verification #%d failed: %s", v.ID, why),
				"A check counts only through what is on file: start a new one.")
			return t.audit(actor, ActVerifyFailed, &u, verifyReq(v), refusedOutcome("R41"), fmt.Sprintf("verification #%d: %s", v.ID, why))
		}
		ok, why, err := t.matchVerifyCode(&v, &u, code, secret)
		if err != nil {
			return err
		}
		action, outcome := ActVerifyPassed, OutcomeOK
		switch {
		case ok:
			if err := v.moveTo(VerifyPassed, t.now, "passed: "+string(v.Method)+" code read back"); err != nil {
				return err
			}
		case v.Attempts >= mfa.MaxCodeAttempts:
			if err := v.moveTo(VerifyFailed, t.now, "failed: 5 wrong codes"); err != nil {
				return err
			}
			action, outcome = ActVerifyFailed, refusedOutcome("R41")
			refusal = refuseWith("R41", fmt.Sprintf("wrong code; verification #%d failed after 5 wrong codes", v.ID),
				"Do not act for this caller. A real user can be verified again with a new check.")
		default:
			action, outcome = ActVerifyWrong, refusedOutcome("R41")
			refusal = refuse("R41", fmt.Sprintf("%s (%s left)", why, plural.Count(mfa.MaxCodeAttempts-v.Attempts, "attempt")))
		}
		if err := t.putVerification(v); err != nil {
			return err
		}
		out = v
		return t.audit(actor, action, &u, verifyReq(v), outcome, fmt.Sprintf("verification #%d: %s", v.ID, v.statusLine(t.now)))
	})
	if err != nil {
		var re *RuleError
		if errors.As(err, &re) {
			_ = s.auditRefusal(actor, ActVerifyPassed, &target, err)
		}
		return VerificationView{}, err
	}
	return out.View(s.Now()), refusal
}

// matchVerifyCode checks code against a code or app verification, counting
// a wrong one. For an app check, the accepted step is stored on the user so
// neither a login nor another check can use that code again (R23).
func (t *txn) matchVerifyCode(v *Verification, u *User, code, secret string) (bool, string, error) {
	if v.Method == VerifyCode {
		c := *v.Code
		ok, err := t.checkCode(&c, code)
		if kerr := asKeyFault(err); kerr != nil {
			return false, "", kerr // not compared: no attempt counted
		}
		v.Code = &c
		if !ok {
			v.Attempts = c.Attempts
			if errors.Is(err, mfa.ErrCodeExpired) {
				v.Attempts = mfa.MaxCodeAttempts
			}
			return false, "wrong code", nil
		}
		return true, "", nil
	}
	step, verr := mfa.ValidateTOTP(secret, code, t.now, usedSteps(u.MFA)...)
	if verr != nil {
		v.Attempts++
		why := "wrong code"
		if errors.Is(verr, mfa.ErrTOTPReplay) {
			why = "that code was already used: wait for the app's next code"
		} else if errors.Is(verr, mfa.ErrTOTPExpired) {
			why = "that code has expired: read the code the app shows now"
		}
		return false, why, nil
	}
	old := *u
	u.MFA.UsedSteps = mfa.RecentSteps(usedSteps(u.MFA), step)
	u.MFA.LastStep = step
	return true, "", t.putUser(&old, *u)
}

// verifyReq is a Request naming the verification, for its own events.
func verifyReq(v Verification) Request {
	return Request{Verification: v.ID, VerifyMethod: string(v.Method), VerifyResult: string(v.State)}
}

// AnswerApproval is the owner or admin answering the approval link sent to
// their own email (R41): approve passes the check, deny fails it. The link
// works once and only while the check is open.
func (s *Service) AnswerApproval(link string, approve bool) (VerificationView, error) {
	var out Verification
	err := s.update(func(t *txn) error {
		raw, err := t.tx.GetRaw(ixVerifyLink, tokenHash(TokenFromLink(link)))
		if errors.Is(err, store.ErrNotFound) {
			return refuse("R41", "this approval link is not valid")
		}
		if err != nil {
			return err
		}
		v, err := getVerification(t.tx, store.ParseU64(raw))
		if err != nil {
			return err
		}
		if now := v.stateAt(t.now); now.State != VerifyStarted {
			return refuse("R41", fmt.Sprintf("this approval link no longer works: the check is %s", now.State))
		}
		a, err := getUser(t.tx, v.ApproverID)
		if err != nil {
			return err
		}
		u, err := getUser(t.tx, v.UserID)
		if err != nil {
			return err
		}
		if err := approverRefusal(t.tx, t.s.legacyEvents, a, u, t.now); err != nil {
			return err
		}
		action, result, to := ActVerifyApproved, "passed: approved by "+a.Name+" ("+v.ApproverRole+")", VerifyPassed
		if !approve {
			action, result, to = ActVerifyDenied, "failed: denied by "+a.Name+" ("+v.ApproverRole+")", VerifyFailed
		}
		if err := v.moveTo(to, t.now, result); err != nil {
			return err
		}
		if err := t.putVerification(v); err != nil {
			return err
		}
		out = v
		actor := Actor{Kind: ActorUser, Name: a.Login(), UserID: a.ID}
		return t.audit(actor, action, &u, verifyReq(v), OutcomeOK, fmt.Sprintf("verification #%d: %s", v.ID, result))
	})
	return out.View(s.Now()), err
}
