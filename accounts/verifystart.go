package accounts

import (
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

// Starting a caller verification (R41): a code to what is on file, the
// app asked for, an owner or admin asked by link, or knowledge recorded.

// VerifyStart is what the operator asks for.
type VerifyStart struct {
	Method   VerifyMethod
	Channel  string // code: "sms" or "email"; "" picks the user's MFA phone, else their email
	Approver string // approval: the login of an owner or admin; "" picks one
	Note     string // knowledge: what was checked; recorded with the others
}

// StartVerification starts checking a caller who says they are userID (R41).
// A code goes only to the phone or verified login email on file; there is no
// way to name another destination. An approval link goes only to an owner's
// or admin's own verified email. A knowledge check is recorded and never
// counts.
func (s *Service) StartVerification(actor Actor, userID uint64, in VerifyStart) (VerificationView, error) {
	var err error
	if in.Note, err = checkText("note", in.Note, MaxReason); err != nil {
		return VerificationView{}, err
	}
	if _, err := ParseVerifyMethod(string(in.Method)); err != nil {
		return VerificationView{}, err
	}
	if in.Method == VerifyKnowledge && in.Note == "" {
		return VerificationView{}, badField("note", "say what the caller knew (date of birth, employee id, ...) (R41)")
	}
	if len(in.Note) > 500 {
		return VerificationView{}, badField("note", "at most 500 characters")
	}
	target := User{ID: userID} // act reads the rest for a refusal
	var out Verification
	var held error // a code send held back by the limit (R23): audited, committed, then answered
	err = s.act(actor, ActVerifyStarted, &target, Request{Reason: in.Note}, func(t *txn) error {
		u, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		if err := stateVerify(actor, u); err != nil {
			return err
		}
		if in.Method == VerifyCode || in.Method == VerifyApp {
			if err := t.guessingRefusal(u); err != nil {
				return err
			}
		}
		if in.Method == VerifyCode {
			// The code counts in the user's limit of code sends (R23).
			if strings.TrimSpace(in.Channel) == "" {
				if in.Channel, err = defaultChannel(t.tx, t.s.legacyEvents, u, t.now); err != nil {
					return err
				}
			}
			if in.Channel, err = verifyChannel(u, in.Channel); err != nil {
				return err
			}
			if err := t.freshRefusal(u, in.Method, in.Channel); err != nil {
				return err
			}
			dest := enrolDest(u, MFAEmail, "")
			if in.Channel == "sms" {
				dest = enrolDest(u, MFASMS, u.MFA.Phone)
			}
			if held, err = t.codeSendOr(actor, u, "a caller check by "+in.Channel+" (R41)", dest, checkHeldGuidance(u)); err != nil || held != nil {
				return err
			}
		}
		id, err := t.tx.NextSeq(bVerifications)
		if err != nil {
			return err
		}
		v := Verification{ID: id, UserID: u.ID, Login: u.Login(), PracticeID: u.PracticeID, Method: in.Method,
			Note: in.Note, Operator: actor.Name, Seat: actor.Seat, StartedAt: t.now, ExpiresAt: t.now.Add(VerificationTTL)}
		detail := ""
		switch in.Method {
		case VerifyCode:
			if detail, err = t.sendVerifyCode(&v, u, in.Channel); err != nil {
				return err
			}
		case VerifyApp:
			if u.MFA.Method != MFAApp {
				return refuseWith("R41", u.Login()+" has no authenticator app enrolled",
					"Use a code to the phone or email on file, or an owner's or admin's approval.")
			}
			if err := t.freshRefusal(u, in.Method, ""); err != nil {
				return err
			}
			detail = "asked for the code of the enrolled authenticator app"
		case VerifyApproval:
			if detail, err = t.askApproval(&v, u, in.Approver); err != nil {
				return err
			}
		case VerifyKnowledge:
			detail = "knowledge check recorded (never counts, R41): " + in.Note
		}
		v.OnFile = onFileKey(u, v.Method, v.Channel)
		to := VerifyStarted
		if in.Method == VerifyKnowledge {
			to = VerifyRecorded
		}
		if err := v.moveTo(to, t.now, ""); err != nil {
			return err
		}
		if to == VerifyRecorded {
			v.Result = "knowledge check: recorded, never counts as verification"
		}
		if err := t.putVerification(v); err != nil {
			return err
		}
		if err := t.tx.PutRaw(ixUserVerify, store.Key(store.U64(u.ID), store.U64(v.ID)), nil); err != nil {
			return err
		}
		out = v
		action := ActVerifyStarted
		if to == VerifyRecorded {
			action = ActVerifyRecorded
		}
		return t.audit(actor, action, &u, Request{Verification: v.ID, VerifyMethod: string(v.Method),
			VerifyResult: string(v.State)}, OutcomeOK, fmt.Sprintf("verification #%d (%s): %s", v.ID, v.Method, detail))
	})
	if err == nil && held != nil {
		return VerificationView{}, held
	}
	return out.View(s.Now()), err
}

// checkHeldGuidance is what the desk is told when a caller check's code to
// u is held back by the user's limit of code sends (R23).
func checkHeldGuidance(u User) func(ends time.Time) string {
	other := "an owner's or admin's approval (V in the console, or --method approval)"
	if u.MFA.Method == MFAApp {
		other = "the code of their authenticator app read back (V, or --method app) or " + other
	}
	return func(ends time.Time) string {
		return "Check another way that sends the user no code: " + other + "; or start a code check after " +
			ends.UTC().Format("15:04 MST") + ", when the window ends. A caller who keeps asking for codes may not be the user."
	}
}

// verifyChannel picks where a check's code goes (sms to the MFA phone on
// file, else the verified login email) and refuses one that is not on file
// (R41): never a number or address the caller gives.
func verifyChannel(u User, channel string) (string, error) {
	channel = strings.ToLower(strings.TrimSpace(channel))
	if channel == "" {
		channel = "email"
		if u.MFA.Phone != "" {
			channel = "sms"
		}
	}
	switch channel {
	case "sms":
		if u.MFA.Phone == "" {
			return "", refuseWith("R41", u.Login()+" has no phone on file", "Send the code by email to the login email on file, or ask an owner or admin to approve.")
		}
	case "email":
		if !u.EmailVerified || u.Email == "" {
			return "", refuseWith("R41", u.Login()+" has no verified login email on file",
				"Send the code by text to the phone on file, or ask an owner or admin to approve.")
		}
	default:
		return "", badField("channel", "must be sms or email: codes go only to the phone or login email on file (R41)")
	}
	return channel, nil
}

// MaxWrongCheckCodes is how many wrong codes a user's code and app checks
// take in VerifyGuessWindow before no more are started (R41): five wrong
// codes kill one check, and this stops guessing by starting check after
// check (three checks' worth).
const (
	MaxWrongCheckCodes = 15
	VerifyGuessWindow  = 24 * time.Hour
)

// guessingRefusal refuses a new code or app check of u once their checks
// took MaxWrongCheckCodes wrong codes in the last 24 hours (R41).
func (t *txn) guessingRefusal(u User) error {
	wrong := 0
	var oldest time.Time
	err := t.tx.Scan(ixUserVerify, store.U64(u.ID), nil, true, func(k, _ []byte) (bool, error) {
		v, err := getVerification(t.tx, store.ParseU64(k[8:]))
		if err != nil || t.now.Sub(v.StartedAt) >= VerifyGuessWindow {
			return false, err
		}
		if v.Method == VerifyCode || v.Method == VerifyApp {
			wrong += v.Attempts
			oldest = v.StartedAt
		}
		return true, nil
	})
	if err != nil || wrong < MaxWrongCheckCodes {
		return err
	}
	return refuseWith("R41", fmt.Sprintf("%d wrong codes were read back for %s in the last 24 hours: no more code or app checks until they age out (the first at %s)",
		wrong, u.Login(), oldest.Add(VerifyGuessWindow).UTC().Format("2006-01-02 15:04 MST")),
		"Someone may be guessing. Ask an owner or admin of the practice to approve (--method approval), or call back later.")
}

// sendVerifyCode sends a code to the phone or email on file (R41, R21).
func (t *txn) sendVerifyCode(v *Verification, u User, channel string) (string, error) {
	channel, err := verifyChannel(u, channel)
	if err != nil {
		return "", err
	}
	code, c, err := t.newCode()
	if err != nil {
		return "", err
	}
	c.ExpiresAt = v.ExpiresAt // the code lives as long as the check
	body := fmt.Sprintf("Latchkey support code: %s. Read it to the support agent on the phone with you; it works once, for 15 minutes. If you are not on the phone with Latchkey support, do not share it.", code)
	var msg Message
	switch channel {
	case "sms":
		msg, err = t.send(Message{Kind: MessageSMS, To: u.MFA.Phone, Body: body, Cause: ActVerifyStarted, UserID: u.ID, Secrets: []string{code}})
	case "email":
		msg, err = t.send(Message{Kind: MessageEmail, To: u.Email, Subject: "Your Latchkey support code", Body: body,
			Cause: ActVerifyStarted, UserID: u.ID, Secrets: []string{code}})
	}
	if err != nil {
		return "", err
	}
	v.Channel, v.SentTo, v.Code = channel, maskedDestination(msg), &c
	return "code sent by " + channel + " to " + v.SentTo + " on file", nil
}

// askApproval sends an owner or admin of the user's practice a link to
// approve or deny, at their own verified email (R41).
func (t *txn) askApproval(v *Verification, u User, approverLogin string) (string, error) {
	var a User
	var err error
	if strings.TrimSpace(approverLogin) != "" {
		if a, err = userByLogin(t.tx, approverLogin); err != nil {
			return "", err
		}
		if err := approverRefusal(t.tx, t.s.legacyEvents, a, u, t.now); err != nil {
			return "", err
		}
	} else if a, err = t.pickApprover(u); err != nil {
		return "", err
	}
	token := newToken()
	v.ApproverID, v.Approver, v.ApproverName, v.LinkHash = a.ID, a.Login(), a.Name, tokenHash(token)
	v.ApproverRole = "admin"
	if a.Roles.Owner {
		v.ApproverRole = "owner"
	}
	if err := t.tx.PutRaw(ixVerifyLink, v.LinkHash, store.U64(v.ID)); err != nil {
		return "", err
	}
	body := fmt.Sprintf("Hello %s,\n\nLatchkey support has a caller on the line who says they are %s (%s) of your practice.\n"+
		"If you know this is really them, approve; if not, deny:\n\n  %s%s\n\n"+
		"(latchkey act approve LINK / latchkey act deny LINK). The link works once, until %s.",
		firstName(a.Name), u.Name, u.Login(), LinkBase, token, v.ExpiresAt.UTC().Format("15:04 MST"))
	if _, err := t.send(Message{Kind: MessageEmail, To: a.Email, Subject: "Is " + u.Name + " on the phone with Latchkey support?",
		Body: body, Cause: ActVerifyStarted, UserID: u.ID, Secrets: []string{token}}); err != nil {
		return "", err
	}
	return "approval asked of " + a.Name + " (" + v.ApproverRole + ") at their own email", nil
}

// approverRefusal says why a is not someone who can vouch for u (R41). The
// cheap checks come first: pickers ask it of every colleague.
func approverRefusal(tx *store.Tx, legacy bool, a, u User, now time.Time) error {
	switch {
	case a.ID == u.ID:
		return refuse("R41", "the caller cannot approve their own verification: ask another owner or admin")
	case a.PracticeID != u.PracticeID:
		return refuse("R41", a.Login()+" is not in "+u.Login()+"'s practice")
	case !a.Roles.Owner && !a.Roles.Admin:
		return refuse("R41", a.Login()+" is neither an owner nor an admin of the practice")
	case a.Status != StatusActive:
		return refuse("R41", a.Login()+" is not active")
	case !a.EmailVerified || a.Email == "":
		return refuse("R41", a.Login()+" has no verified email of their own to be asked at")
	case a.LockedNow(now):
		return refuse("R41", a.Login()+" is locked")
	}
	// "Their own verified email" must still be theirs: an address that
	// became the login email in the last 7 days may be an attacker's (and a
	// link mailed to the old one must not outlive it, R7), and an account
	// with a factor on the watch list may be in the wrong hands (R43).
	signals, err := riskOf(tx, legacy, a, now)
	if err != nil {
		return err
	}
	for _, r := range signals {
		switch r.Signal {
		case SignalEmailChanged:
			return refuse("R41", a.Login()+"'s login email changed "+r.Since.UTC().Format("2006-01-02 15:04 MST")+
				": an approver is asked at an email that has been theirs for more than 7 days")
		case SignalWatchList:
			return refuse("R41", a.Login()+" has a new factor on the watch list, not reviewed yet (R43): their approval cannot vouch for anyone")
		}
	}
	// A role given this week is not yet the practice's trust: whoever talked
	// someone into it would vouch next (R42's window, as for the address).
	if at, role, err := roleGivenSince(tx, legacy, a, now); err != nil {
		return err
	} else if role != "" {
		return refuse("R41", a.Login()+" was made "+role+" "+at.UTC().Format("2006-01-02 15:04 MST")+
			": an approver holds their owner or admin role for more than 7 days")
	}
	// An account set up this week has an address that became its login just
	// as recently (whoever held its setup link chose its password).
	since, err := verifiedSince(tx, legacy, a, now)
	if err != nil || since.IsZero() {
		return err
	}
	return refuse("R41", a.Login()+" verified their login email "+since.UTC().Format("2006-01-02 15:04 MST")+
		": an approver is asked at an email that has been theirs for more than 7 days")
}

// roleGivenSince is when u was last given a privileged role they hold now
// (owner, admin) by a change of roles in the last 7 days, and which; "" if
// none was.
func roleGivenSince(tx *store.Tx, legacy bool, u User, now time.Time) (time.Time, string, error) {
	var at time.Time
	var role string
	err := recentUserEvents(tx, legacy, u.ID, now.Add(-riskLongWindow), func(e Event) (bool, error) {
		if e.Action == ActRolesChanged && e.Outcome == OutcomeOK {
			if r := privilegedGained(e.Detail); r != "" && ((strings.Contains(r, "owner") && u.Roles.Owner) || (strings.Contains(r, "admin") && u.Roles.Admin)) {
				at, role = e.Time, r
				return false, nil
			}
		}
		return true, nil
	})
	return at, role, err
}

// verifiedSince is when u verified their login email through the setup
// link, if that was in the last 7 days (else zero).
func verifiedSince(tx *store.Tx, legacy bool, u User, now time.Time) (time.Time, error) {
	var at time.Time
	err := recentUserEvents(tx, legacy, u.ID, now.Add(-riskLongWindow), func(e Event) (bool, error) {
		if e.Action == ActUserVerified && e.Outcome == OutcomeOK {
			at = e.Time
			return false, nil
		}
		return true, nil
	})
	return at, err
}

// pickApprover finds an owner (else an admin) of u's practice who can vouch.
func (t *txn) pickApprover(u User) (User, error) {
	var owner, admin *User
	err := t.tx.Scan(ixPracticeUsers, store.U64(u.PracticeID), nil, false, func(k, _ []byte) (bool, error) {
		c, err := getUser(t.tx, store.ParseU64(k[8:]))
		if err != nil || approverRefusal(t.tx, t.s.legacyEvents, c, u, t.now) != nil {
			return true, err
		}
		if c.Roles.Owner && owner == nil {
			owner = &c
		} else if admin == nil {
			admin = &c
		}
		return owner == nil, nil
	})
	switch {
	case err != nil:
		return User{}, err
	case owner != nil:
		return *owner, nil
	case admin != nil:
		return *admin, nil
	}
	return User{}, refuseWith("R41", "no other active owner or admin of the practice has a verified email to approve",
		"Use a code to the phone or email on file.")
}
