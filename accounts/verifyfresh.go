package accounts

import (
	"fmt"
	"time"

	"latchkey/store"
)

// What a caller check relies on must be the real user's (R41): "the phone
// or email on file", not one the caller put there. Whoever has the password
// of an account without MFA can make an address of their own its login
// email (R7 only tells the old address), and minutes later the desk's code
// would go to them. So a code by email counts only through a login email
// that has been the account's for longer than the risk window (7 days,
// R42: the window that flags a changed email, and that an approver's
// address must be older than). And a factor on the watch list (enrolled
// soon after an MFA clear, R43) may be the one who talked the desk into
// the clear: a code to it, or its app's code, verifies nobody until an
// operator has reviewed it.

// freshOnFile says why u's caller cannot be checked by method (and channel)
// now, or "" when they can.
func freshOnFile(tx *store.Tx, legacy bool, u User, method VerifyMethod, channel string, now time.Time) (string, error) {
	switch {
	case method == VerifyApp || (method == VerifyCode && channel == "sms"):
		_, ok, err := openWatchOf(tx, u.ID)
		if err != nil || !ok {
			return "", err
		}
		what := "phone"
		if method == VerifyApp {
			what = "authenticator app"
		}
		return "the " + what + " on file is on the watch list (enrolled soon after an MFA clear, not reviewed yet, R43)", nil
	case method == VerifyCode && channel == "email":
		signals, err := riskOf(tx, legacy, u, now)
		if err != nil {
			return "", err
		}
		for _, r := range signals {
			if r.Signal == SignalEmailChanged {
				return "the login email became " + u.Email + " " + r.Since.UTC().Format("2006-01-02 15:04 MST") +
					", less than 7 days ago: whoever changed it may be the caller", nil
			}
		}
	}
	return "", nil
}

// freshRefusal refuses a check of u by method (and channel) through what is
// too fresh to count (R41).
func (t *txn) freshRefusal(u User, method VerifyMethod, channel string) error {
	why, err := freshOnFile(t.tx, t.s.legacyEvents, u, method, channel, t.now)
	if err != nil || why == "" {
		return err
	}
	return refuseWith("R41", "this check of "+u.Login()+" would not verify the caller: "+why,
		"Check another way: a code to the other phone or email on file, or an owner's or admin's approval.")
}

// defaultChannel is where a code check goes when the desk names no channel:
// the phone on file, unless it cannot count and the login email may (R41);
// verifyChannel and freshOnFile then say what is wrong, if anything.
func defaultChannel(tx *store.Tx, legacy bool, u User, now time.Time) (string, error) {
	if u.MFA.Phone == "" {
		return "email", nil
	}
	why, err := freshOnFile(tx, legacy, u, VerifyCode, "sms", now)
	if err != nil || why == "" || !u.EmailVerified || u.Email == "" {
		return "sms", err
	}
	return "email", nil
}

// newFactorRefusal refuses a check through a phone or app enrolled less
// than the risk window (7 days, R42) ago as proof for a privileged change
// (R19, R20, R2, R41): on an account that had no MFA, the password alone enrols one
// (R22), so a code read back from it may be the caller's own. The login
// email on file and an owner's or admin's approval are not affected.
func (t *txn) newFactorRefusal(v Verification) error {
	if v.Method != VerifyApp && (v.Method != VerifyCode || v.Channel != "sms") {
		return nil
	}
	u, err := getUser(t.tx, v.UserID)
	if err != nil || u.MFA.EnrolledAt.IsZero() || t.now.Sub(u.MFA.EnrolledAt) >= riskLongWindow {
		return err
	}
	what := "phone"
	if v.Method == VerifyApp {
		what = "authenticator app"
	}
	return refuseWith("R41", fmt.Sprintf("verification #%d went through the %s of %s, enrolled %s, less than 7 days ago: whoever has the password alone could have enrolled it, so it does not prove a privileged request (the owner or admin role given or taken, licenses bought)",
		v.ID, what, u.Login(), u.MFA.EnrolledAt.UTC().Format("2006-01-02 15:04 MST")),
		"Verify the owner who asks through their login email on file, or another owner's or admin's approval.")
}
