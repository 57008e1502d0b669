package accounts

import (
	"fmt"

	"latchkey/mfa"
	"latchkey/store"
)

// When a login email changes (R7), what was sent to the old address must not
// outlive it: whoever reads that mailbox now — a former employer, a shared
// inbox, an attacker who had it — could otherwise still reset the password
// or answer a code with a link or code mailed before the change (R16, R23).

// retireOldAddress kills, inside the transaction that changes old's login
// email to u's, every live secret that went to the old address: the reset
// link, an emailed login code, an emailed code confirming a method being set
// up, and an emailed caller-verification code (R41). It answers what died,
// for the audit.
func (t *txn) retireOldAddress(old User, u *User) ([]string, error) {
	var killed []string
	if u.ResetLink != 0 {
		l, err := getLink(t.tx, u.ResetLink)
		if err != nil {
			return nil, err
		}
		if l.stateAt(t.now).State == LinkLive && normalizeLogin(l.Email) == normalizeLogin(old.Email) {
			if err := t.endLink(l.ID, LinkRevoked); err != nil {
				return nil, err
			}
			killed = append(killed, fmt.Sprintf("reset link #%d", l.ID))
		}
		u.ResetLink = 0
	}
	if u.MFA.Method == MFAEmail && u.MFA.Challenge != nil {
		if u.MFA.Challenge.StateAt(t.now) == mfa.CodeLive {
			killed = append(killed, "login code")
		}
		u.MFA.Challenge = nil
	}
	if p := u.MFA.Pending; p != nil && p.Method == MFAEmail {
		// The email method being set up confirms the old address: it ends.
		u.MFA.Pending = nil
		killed = append(killed, "email method being set up")
	}
	n, err := t.failEmailedVerifications(old)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		killed = append(killed, fmt.Sprintf("%d caller-verification code(s)", n))
	}
	return killed, nil
}

// failEmailedVerifications ends the user's open caller checks whose code went
// by email to the old address (R41): the caller could no longer be the one
// reading that mailbox.
func (t *txn) failEmailedVerifications(u User) (int, error) {
	var ids []uint64
	err := t.tx.Scan(ixUserVerify, store.U64(u.ID), nil, false, func(k, _ []byte) (bool, error) {
		ids = append(ids, store.ParseU64(k[8:]))
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		v, err := getVerification(t.tx, id)
		if err != nil {
			return n, err
		}
		if v.Method != VerifyCode || v.Channel != string(MFAEmail) || v.stateAt(t.now).State != VerifyStarted {
			continue
		}
		if v.Code != nil {
			v.Code.Supersede(t.now)
		}
		if err := v.moveTo(VerifyFailed, t.now, "failed: the login email changed, so the code sent to the old address no longer works"); err != nil {
			return n, err
		}
		if err := t.putVerification(v); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// tellOldAddress tells the old address that it is no longer the login email
// and that nothing sent to it before works any more (R7).
func (t *txn) tellOldAddress(old, u User) error {
	_, err := t.send(Message{Kind: MessageEmail, To: old.Email, Subject: "Your Latchkey login email was changed",
		Body: fmt.Sprintf("Hello %s,\n\nThe login email of your Latchkey account is now %s, not this address. Links and codes sent here before no longer work.\nIf this was not you, call your practice admin and Latchkey support at once.",
			firstName(u.Name), u.Email),
		Cause: ActEmailChanged, UserID: u.ID})
	return err
}
