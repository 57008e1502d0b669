package accounts

import (
	"latchkey/mfa"
	"latchkey/store"
)

// stateVerify: only an operator verifies a caller (R41), and only of a user
// who is neither pending (below) nor inactive: a check goes with an unlock, a reset, an MFA clear or
// a change of roles of the user it is of, or vouches for them asking for
// one (R41); an inactive user has no access to restore and asks for
// nothing (R14, R20), so a check of them would only send a code to, or ask
// an owner about, a former employee.
func stateVerify(actor Actor, u User) error {
	if actor.Kind != ActorOperator {
		return refuse("R41", "only an operator verifies a caller")
	}
	if u.Status == StatusInactive {
		return refuseWith("R41", u.Login()+" is inactive: no desk action a caller check goes with applies to them, and they ask for nothing (R14, R20)",
			"To bring them back, an owner or admin of the practice asks for a reactivation (r, R3); verify that caller instead.")
	}
	if u.Status == StatusPending {
		// They have never logged in nor proven an address or a factor
		// (R4, R14, R22): nothing a check goes through is theirs yet, they
		// ask for nothing (requesterStatus), and what the desk does for
		// them goes to what is on file whoever calls.
		next := "Send the setup email again to the address on file (v, R6); verify them once they have finished it."
		if u.Legacy() {
			next = "A password reset to the email on file is their setup (P, R17); verify them once they have logged in."
		}
		return refuseWith("R41", u.Login()+" is pending: they have never logged in nor proven a login email or a factor (R4, R14), so nothing a caller check goes through is theirs yet, and no desk action for them waits on one", next)
	}
	return nil
}

// VerifyOption is one way this user's caller can be verified now (R41), as
// a face offers it: only methods the user has.
type VerifyOption struct {
	Method   VerifyMethod `json:"method"`
	Channel  string       `json:"channel,omitempty"`  // code: sms or email
	Approver string       `json:"approver,omitempty"` // approval: the owner's or admin's login
	Label    string       `json:"label"`
	Counts   bool         `json:"counts"` // false for knowledge
}

// VerifyOptions lists the ways a caller claiming to be userID can be
// verified: a code to the phone or verified email on file, the enrolled
// app, each owner or admin who could approve, and knowledge (recorded,
// never counts).
func (s *Service) VerifyOptions(userID uint64) ([]VerifyOption, error) {
	var out []VerifyOption
	now := s.Now()
	err := s.db.View(func(tx *store.Tx) error {
		u, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		// A full window of code sends holds a code check back (R23): said
		// here, so the operator picks another way at once.
		held := ""
		if until := s.codeSendsHeldUntil(tx, u, now); !until.IsZero() {
			held = " — no more codes until " + until.UTC().Format("15:04 MST") + " (R23)"
		}
		// Only what a check may rely on is offered (R41): not a phone, app
		// or address the caller may have put on file (verifyfresh.go).
		fresh := func(m VerifyMethod, channel string) bool {
			why, ferr := freshOnFile(tx, s.legacyEvents, u, m, channel, now)
			if ferr != nil {
				err = ferr
			}
			return why != ""
		}
		if u.MFA.Phone != "" && !fresh(VerifyCode, "sms") {
			out = append(out, VerifyOption{Method: VerifyCode, Channel: "sms", Counts: true,
				Label: "code by text to " + mfa.MaskPhone(u.MFA.Phone) + " (on file)" + held})
		}
		if u.EmailVerified && u.Email != "" && !fresh(VerifyCode, "email") {
			out = append(out, VerifyOption{Method: VerifyCode, Channel: "email", Counts: true,
				Label: "code by email to " + maskEmail(u.Email) + " (on file)" + held})
		}
		if u.MFA.Method == MFAApp && !fresh(VerifyApp, "") {
			out = append(out, VerifyOption{Method: VerifyApp, Counts: true, Label: "current code of their authenticator app"})
		}
		if err != nil {
			return err
		}
		err = tx.Scan(ixPracticeUsers, store.U64(u.PracticeID), nil, false, func(k, _ []byte) (bool, error) {
			a, err := getUser(tx, store.ParseU64(k[8:]))
			if err != nil || approverRefusal(tx, s.legacyEvents, a, u, now) != nil {
				return true, err
			}
			role := "admin"
			if a.Roles.Owner {
				role = "owner"
			}
			out = append(out, VerifyOption{Method: VerifyApproval, Approver: a.Login(), Counts: true,
				Label: "approval by " + a.Name + ", " + role + " (link to their own email)"})
			return len(out) < 12, nil
		})
		out = append(out, VerifyOption{Method: VerifyKnowledge, Label: "knowledge (date of birth, employee id…): recorded, never counts"})
		return err
	})
	return out, err
}
