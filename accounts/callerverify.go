package accounts

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"latchkey/mfa"
	"latchkey/store"
)

// Caller verification (R41). Before an unlock, a reset email, an MFA clear
// or a change of roles, the operator verifies the caller out of band:
// through something only the real user controls, never a number or address
// the caller gives. A verification is a record with its own state machine,
// valid for one action within VerificationTTL of its start; the action's
// transaction consumes it, so it cannot vouch twice.

// VerificationTTL is how long a verification lives: it vouches for one
// action started within this time of the check's start (R41).
const VerificationTTL = 15 * time.Minute

// Audit actions of caller verification.
const (
	ActVerifyStarted  = "verify.started"
	ActVerifyPassed   = "verify.passed"
	ActVerifyFailed   = "verify.failed"
	ActVerifyWrong    = "verify.code_wrong"
	ActVerifyRecorded = "verify.knowledge_recorded"
	ActVerifyApproved = "verify.approved_by_practice"
	ActVerifyDenied   = "verify.denied_by_practice"
)

const (
	bVerifications store.Bucket = "verifications"  // id -> Verification
	ixVerifyLink   store.Bucket = "ix_verify_link" // sha256(approval token) -> id
	ixUserVerify   store.Bucket = "ix_user_verify" // userID|id: a user's verifications
)

// VerifyMethod is how the caller was verified (R41).
type VerifyMethod string

const (
	// VerifyCode: a 6-digit code sent to the phone or login email on file,
	// read back by the caller.
	VerifyCode VerifyMethod = "code"
	// VerifyApp: the current code of the enrolled authenticator, read back.
	VerifyApp VerifyMethod = "app"
	// VerifyApproval: an owner or admin of the practice approves by a link
	// sent to their own verified email.
	VerifyApproval VerifyMethod = "approval"
	// VerifyKnowledge: date of birth, employee id, "confirmed by the
	// practice": recorded, never counts as verification.
	VerifyKnowledge VerifyMethod = "knowledge"
)

// ParseVerifyMethod accepts code, app, approval or knowledge.
func ParseVerifyMethod(s string) (VerifyMethod, error) {
	switch m := VerifyMethod(strings.ToLower(strings.TrimSpace(s))); m {
	case VerifyCode, VerifyApp, VerifyApproval, VerifyKnowledge:
		return m, nil
	}
	return "", badField("method", fmt.Sprintf("%q is not a verification method: code, app, approval or knowledge (R41)", s))
}

// Counts reports whether a method can verify a caller at all (R41).
func (m VerifyMethod) Counts() bool { return m == VerifyCode || m == VerifyApp || m == VerifyApproval }

// VerifyState is where a verification is in its life.
type VerifyState string

const (
	VerifyStarted  VerifyState = "started"  // code sent / approval asked / app code awaited
	VerifyPassed   VerifyState = "passed"   // the caller proved it; good for one action
	VerifyFailed   VerifyState = "failed"   // 5 wrong codes, or the approver denied
	VerifyExpired  VerifyState = "expired"  // VerificationTTL passed before it was used
	VerifyUsed     VerifyState = "used"     // consumed by the action it preceded
	VerifyRecorded VerifyState = "recorded" // a knowledge check: on record, never counts
)

// verifyTransitions is the whole machine; (*Verification).moveTo refuses
// anything else and a test proves the table closed.
var verifyTransitions = map[VerifyState][]VerifyState{
	"":             {VerifyStarted, VerifyRecorded},
	VerifyStarted:  {VerifyPassed, VerifyFailed, VerifyExpired},
	VerifyPassed:   {VerifyUsed, VerifyExpired},
	VerifyRecorded: {VerifyUsed, VerifyExpired},
}

func verifyTransition(from, to VerifyState) error {
	if !allowed(verifyTransitions, from, to) {
		return &TransitionError{Machine: "caller verification", From: string(from), To: string(to)}
	}
	return nil
}

// Verification is one check of a caller, as stored. Codes and link tokens
// are kept only as hashes.
type Verification struct {
	ID         uint64       `json:"id"`
	UserID     uint64       `json:"user_id"`
	Login      string       `json:"user"`
	PracticeID uint64       `json:"practice_id"`
	Method     VerifyMethod `json:"method"`
	Channel    string       `json:"channel,omitempty"` // code: sms or email
	SentTo     string       `json:"sent_to,omitempty"` // code: where it went, masked
	// Approval: the owner or admin asked, by their own verified email.
	ApproverID   uint64 `json:"approver_id,omitempty"`
	Approver     string `json:"approver,omitempty"`
	ApproverName string `json:"approver_name,omitempty"`
	ApproverRole string `json:"approver_role,omitempty"`
	LinkHash     []byte `json:"link_hash,omitempty"`

	Note      string      `json:"note,omitempty"`
	Operator  string      `json:"operator"`
	State     VerifyState `json:"state"`
	Result    string      `json:"result,omitempty"` // what happened, in words
	Attempts  int         `json:"attempts,omitempty"`
	Code      *mfa.Code   `json:"code,omitempty"`
	StartedAt time.Time   `json:"started_at"`
	ExpiresAt time.Time   `json:"expires_at"`
	EndedAt   time.Time   `json:"ended_at,omitzero"` // passed, failed, expired or recorded
	UsedAt    time.Time   `json:"used_at,omitzero"`
	UsedFor   string      `json:"used_for,omitempty"` // the audit action it vouched for
}

// stateAt is the verification as it stands at now: one past its time reads
// as expired before anything records it.
func (v Verification) stateAt(now time.Time) Verification {
	if (v.State == VerifyStarted || v.State == VerifyPassed || v.State == VerifyRecorded) && !now.Before(v.ExpiresAt) {
		v.State, v.EndedAt = VerifyExpired, v.ExpiresAt
		v.Result = "expired: a check is valid for one action within 15 minutes"
	}
	return v
}

func (v *Verification) moveTo(to VerifyState, at time.Time, result string) error {
	if err := verifyTransition(v.State, to); err != nil {
		return err
	}
	v.State, v.Result = to, result
	if to == VerifyUsed {
		v.UsedAt = at
	} else {
		v.EndedAt = at
	}
	return nil
}

// Describe is the verification in words, as the audit records it with the
// action it preceded.
func (v Verification) Describe() string {
	var how string
	switch v.Method {
	case VerifyCode:
		how = "code by " + v.Channel + " to " + v.SentTo + " on file, read back"
	case VerifyApp:
		how = "code of the enrolled authenticator app, read back"
	case VerifyApproval:
		how = "approved by " + v.ApproverName + " (" + v.Approver + ", " + v.ApproverRole + ") from their own email"
	case VerifyKnowledge:
		how = "knowledge check (does not count as verification): " + v.Note
	}
	return fmt.Sprintf("verification #%d: %s", v.ID, how)
}

// VerificationView is what the desk sees of a verification: never a code
// or token hash.
type VerificationView struct {
	ID           uint64       `json:"id"`
	User         string       `json:"user"`
	UserID       uint64       `json:"user_id"`
	Method       VerifyMethod `json:"method"`
	Channel      string       `json:"channel,omitempty"`
	SentTo       string       `json:"sent_to,omitempty"`
	Approver     string       `json:"approver,omitempty"`
	ApproverName string       `json:"approver_name,omitempty"`
	ApproverRole string       `json:"approver_role,omitempty"`
	Note         string       `json:"note,omitempty"`
	Operator     string       `json:"operator"`
	State        VerifyState  `json:"state"`
	Counts       bool         `json:"counts"` // passed by a method that counts (R41)
	Result       string       `json:"result,omitempty"`
	AttemptsLeft int          `json:"attempts_left,omitempty"`
	StartedAt    time.Time    `json:"started_at"`
	ExpiresAt    time.Time    `json:"expires_at"`
	EndedAt      time.Time    `json:"ended_at,omitzero"`
	UsedAt       time.Time    `json:"used_at,omitzero"`
	UsedFor      string       `json:"used_for,omitempty"`
	Status       string       `json:"status"` // one line for people
}

// View is the display form at now.
func (v Verification) View(now time.Time) VerificationView {
	v = v.stateAt(now)
	out := VerificationView{ID: v.ID, User: v.Login, UserID: v.UserID, Method: v.Method, Channel: v.Channel,
		SentTo: v.SentTo, Approver: v.Approver, ApproverName: v.ApproverName, ApproverRole: v.ApproverRole,
		Note: v.Note, Operator: v.Operator, State: v.State, Counts: v.State == VerifyPassed && v.Method.Counts(),
		Result: v.Result, StartedAt: v.StartedAt, ExpiresAt: v.ExpiresAt, EndedAt: v.EndedAt,
		UsedAt: v.UsedAt, UsedFor: v.UsedFor}
	if v.State == VerifyStarted && (v.Method == VerifyCode || v.Method == VerifyApp) {
		out.AttemptsLeft = mfa.MaxCodeAttempts - v.Attempts
	}
	out.Status = v.statusLine(now)
	return out
}

func (v Verification) statusLine(now time.Time) string {
	left := v.ExpiresAt.Sub(now).Truncate(time.Second)
	switch v.State {
	case VerifyStarted:
		switch v.Method {
		case VerifyCode:
			return fmt.Sprintf("code sent by %s to %s: waiting for the caller to read it back (%s left)", v.Channel, v.SentTo, left)
		case VerifyApp:
			return fmt.Sprintf("waiting for the code of the enrolled authenticator app (%s left)", left)
		case VerifyApproval:
			return fmt.Sprintf("approval pending: waiting for %s, %s (%s left)", v.ApproverName, v.ApproverRole, left)
		}
	case VerifyPassed:
		return fmt.Sprintf("passed: good for one action in the next %s", left)
	case VerifyRecorded:
		return "recorded: a knowledge check never counts as verification (R41)"
	}
	return string(v.State) + ": " + v.Result
}

func getVerification(tx *store.Tx, id uint64) (Verification, error) {
	v, err := store.Get[Verification](tx, bVerifications, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return v, &NotFoundError{What: "verification", Key: "#" + itoa(int(id))}
	}
	return v, err
}

func (t *txn) putVerification(v Verification) error {
	return store.Put(t.tx, bVerifications, store.U64(v.ID), v)
}

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
	in.Note = strings.TrimSpace(in.Note)
	if _, err := ParseVerifyMethod(string(in.Method)); err != nil {
		return VerificationView{}, err
	}
	if in.Method == VerifyKnowledge && in.Note == "" {
		return VerificationView{}, badField("note", "say what the caller knew (date of birth, employee id, ...) (R41)")
	}
	if len(in.Note) > 500 {
		return VerificationView{}, badField("note", "at most 500 characters")
	}
	target, _ := s.User(userID)
	var out Verification
	err := s.act(actor, ActVerifyStarted, &target, Request{Reason: in.Note}, func(t *txn) error {
		if actor.Kind != ActorOperator {
			return refuse("R41", "only an operator verifies a caller")
		}
		u, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		id, err := t.tx.NextSeq(bVerifications)
		if err != nil {
			return err
		}
		v := Verification{ID: id, UserID: u.ID, Login: u.Login(), PracticeID: u.PracticeID, Method: in.Method,
			Note: in.Note, Operator: actor.Name, StartedAt: t.now, ExpiresAt: t.now.Add(VerificationTTL)}
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
			detail = "asked for the code of the enrolled authenticator app"
		case VerifyApproval:
			if detail, err = t.askApproval(&v, u, in.Approver); err != nil {
				return err
			}
		case VerifyKnowledge:
			detail = "knowledge check recorded (never counts, R41): " + in.Note
		}
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
	return out.View(s.Now()), err
}

// sendVerifyCode sends a code to the phone or email on file (R41, R21).
func (t *txn) sendVerifyCode(v *Verification, u User, channel string) (string, error) {
	channel = strings.ToLower(strings.TrimSpace(channel))
	if channel == "" {
		channel = "email"
		if u.MFA.Phone != "" {
			channel = "sms"
		}
	}
	code, c := mfa.NewCode(t.now)
	c.ExpiresAt = v.ExpiresAt // the code lives as long as the check
	body := fmt.Sprintf("Latchkey support code: %s. Read it to the support agent on the phone with you; it works once, for 15 minutes. If you are not on the phone with Latchkey support, do not share it.", code)
	var msg Message
	var err error
	switch channel {
	case "sms":
		if u.MFA.Phone == "" {
			return "", refuseWith("R41", u.Login()+" has no phone on file", "Send the code by email to the login email on file, or ask an owner or admin to approve.")
		}
		msg, err = t.send(Message{Kind: MessageSMS, To: u.MFA.Phone, Body: body, Cause: ActVerifyStarted, UserID: u.ID})
	case "email":
		if !u.EmailVerified || u.Email == "" {
			return "", refuseWith("R41", u.Login()+" has no verified login email on file",
				"Send the code by text to the phone on file, or ask an owner or admin to approve.")
		}
		msg, err = t.send(Message{Kind: MessageEmail, To: u.Email, Subject: "Your Latchkey support code", Body: body,
			Cause: ActVerifyStarted, UserID: u.ID})
	default:
		return "", badField("channel", "must be sms or email: codes go only to the phone or login email on file (R41)")
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
		if err := approverRefusal(a, u, t.now); err != nil {
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
		Body: body, Cause: ActVerifyStarted, UserID: u.ID}); err != nil {
		return "", err
	}
	return "approval asked of " + a.Name + " (" + v.ApproverRole + ") at their own email", nil
}

// approverRefusal says why a is not someone who can vouch for u (R41).
func approverRefusal(a, u User, now time.Time) error {
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
	return nil
}

// pickApprover finds an owner (else an admin) of u's practice who can vouch.
func (t *txn) pickApprover(u User) (User, error) {
	var owner, admin *User
	err := t.tx.Scan(ixPracticeUsers, store.U64(u.PracticeID), nil, false, func(k, _ []byte) (bool, error) {
		c, err := getUser(t.tx, store.ParseU64(k[8:]))
		if err != nil || approverRefusal(c, u, t.now) != nil {
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
		ok, why, err := t.matchVerifyCode(&v, &u, code, secret, sealed)
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
			refusal = refuse("R41", fmt.Sprintf("%s (%d attempts left)", why, mfa.MaxCodeAttempts-v.Attempts))
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
func (t *txn) matchVerifyCode(v *Verification, u *User, code, secret string, sealed []byte) (bool, string, error) {
	if v.Method == VerifyCode {
		c := *v.Code
		ok, err := c.Check(t.now, code)
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
	if u.MFA.Method != MFAApp || !bytes.Equal(u.MFA.Secret, sealed) {
		v.Attempts = mfa.MaxCodeAttempts
		return false, "the authenticator app enrolled when the check started is no longer enrolled", nil
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
		if err := approverRefusal(a, u, t.now); err != nil {
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

// Verification reads one verification as it stands now.
func (s *Service) Verification(id uint64) (VerificationView, error) {
	var v Verification
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		v, err = getVerification(tx, id)
		return err
	})
	return v.View(s.Now()), err
}

// Verifications lists a user's verifications, newest first.
func (s *Service) Verifications(userID uint64, limit int) ([]VerificationView, error) {
	if limit <= 0 {
		limit = 20
	}
	now := s.Now()
	var out []VerificationView
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixUserVerify, store.U64(userID), nil, true, func(k, _ []byte) (bool, error) {
			v, err := getVerification(tx, store.ParseU64(k[8:]))
			out = append(out, v.View(now))
			return len(out) < limit, err
		})
	})
	return out, err
}

// PassedVerification is operator's newest passed, unused check of userID
// that counts (R41), for a face to offer with an action; ok is false when
// there is none.
func (s *Service) PassedVerification(operator string, userID uint64) (VerificationView, bool, error) {
	vs, err := s.Verifications(userID, 20)
	for _, v := range vs {
		if v.State == VerifyPassed && v.Counts && v.Operator == operator {
			return v, true, err
		}
	}
	return VerificationView{}, false, err
}

// useVerification consumes verification id for an action on target by
// actor, in the action's own transaction (single use, R41), and records its
// method and result in req. allowedUsers are the people the check may be of
// (the target, or the owner who asked for a change of roles). needCount
// refuses a knowledge check.
func (t *txn) useVerification(actor Actor, action string, req *Request, needCount bool, allowedUsers ...uint64) (Verification, error) {
	id := req.Verification
	v, err := getVerification(t.tx, id)
	if IsNotFound(err) {
		return v, refuse("R41", fmt.Sprintf("there is no verification #%d", id))
	}
	if err != nil {
		return v, err
	}
	mine := false
	for _, u := range allowedUsers {
		mine = mine || u == v.UserID
	}
	if !mine {
		return v, refuse("R41", fmt.Sprintf("verification #%d is of %s, not of this action's caller", v.ID, v.Login))
	}
	if actor.Kind == ActorOperator && v.Operator != actor.Name {
		return v, refuse("R41", fmt.Sprintf("verification #%d was made by %s: a check vouches only for the operator who made it", v.ID, v.Operator))
	}
	now := v.stateAt(t.now)
	switch now.State {
	case VerifyPassed:
	case VerifyRecorded:
		if needCount {
			return v, refuseWith("R41", fmt.Sprintf("verification #%d is a knowledge check (%s), which never counts as verification", v.ID, v.Note),
				"Verify the caller with a code to the phone or email on file, the authenticator app, or an owner's or admin's approval.")
		}
	case VerifyStarted:
		return v, refuse("R41", fmt.Sprintf("verification #%d has not passed yet: %s", v.ID, v.statusLine(t.now)))
	case VerifyUsed:
		return v, refuseWith("R41", fmt.Sprintf("verification #%d was already used (for %s): a check is valid for one action", v.ID, v.UsedFor), "Start a new one.")
	case VerifyExpired:
		return v, refuseWith("R41", fmt.Sprintf("verification #%d expired at %s: a check is valid for one action within 15 minutes", v.ID, v.ExpiresAt.UTC().Format("15:04:05 MST")), "Start a new one.")
	default:
		return v, refuse("R41", fmt.Sprintf("verification #%d %s", v.ID, v.Result))
	}
	result := string(v.State)
	if err := v.moveTo(VerifyUsed, t.now, v.Result); err != nil {
		return v, err
	}
	v.UsedFor = action
	if err := t.putVerification(v); err != nil {
		return v, err
	}
	req.VerifyMethod, req.VerifyResult = string(v.Method), result
	desc := v.Describe()
	if req.VerifiedBy == "" {
		req.VerifiedBy = desc
	} else {
		req.VerifiedBy = desc + "; " + req.VerifiedBy
	}
	return v, nil
}
