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
	// OnFile fingerprints what the check relies on (the phone or email the
	// code went to, the app enrolled): it must still be on file when the
	// code is read back (onFileKey).
	OnFile []byte `json:"on_file,omitempty"`

	Note     string `json:"note,omitempty"`
	Operator string `json:"operator"`
	// Seat is the starting operator's seat (Actor.Seat): locally a name is
	// typed, so the check is read back and used from that seat only.
	Seat      string      `json:"seat,omitempty"`
	State     VerifyState `json:"state"`
	Result    string      `json:"result,omitempty"` // what happened, in words
	Attempts  int         `json:"attempts,omitempty"`
	Code      *mfa.Code   `json:"code,omitempty"`
	StartedAt time.Time   `json:"started_at"`
	ExpiresAt time.Time   `json:"expires_at"`
	EndedAt   time.Time   `json:"ended_at,omitzero"` // passed, failed, expired or recorded
	UsedAt    time.Time   `json:"used_at,omitzero"`
	UsedFor   string      `json:"used_for,omitempty"` // the audit action it vouched for
	// UsedSeat is the seat (Actor.Seat) of the operator who used it: the
	// watch list's review is never from the seat that cleared (R43).
	UsedSeat string `json:"used_seat,omitempty"`
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
	switch to {
	case VerifyStarted: // begun, not ended
	case VerifyUsed:
		v.UsedAt = at
	default:
		v.EndedAt = at
	}
	return nil
}

// onFileKey fingerprints what a check of u by method and channel relies on
// (R41): the phone or login email a code goes to, or the app enrolled (by
// when it was enrolled). Nil for the methods that rely on nothing of u's.
func onFileKey(u User, method VerifyMethod, channel string) []byte {
	var what string
	switch {
	case method == VerifyCode && channel == "sms":
		what = "sms|" + u.MFA.Phone
	case method == VerifyCode && channel == "email":
		what = "email|" + normalizeLogin(u.Email)
	case method == VerifyApp && u.MFA.Method == MFAApp:
		what = "app|" + u.MFA.EnrolledAt.UTC().Format(time.RFC3339Nano)
	default:
		return nil
	}
	return tokenHash(what)
}

// goneFromFile says what the check relied on that is no longer on file for
// u, or "" (R41): a code read back from a phone that was replaced since, or
// an app enrolled after the check began, proves nothing the desk has.
func (v Verification) goneFromFile(u User) string {
	switch {
	case v.Method == VerifyApp && u.MFA.Method != MFAApp:
		return "the authenticator app enrolled when the check started is no longer enrolled"
	case len(v.OnFile) == 0: // a check made before fingerprints were kept
		return ""
	case !bytes.Equal(v.OnFile, onFileKey(u, v.Method, v.Channel)):
		if v.Method == VerifyApp {
			return "the authenticator app was enrolled again after the check started"
		}
		return "the " + map[string]string{"sms": "phone", "email": "login email"}[v.Channel] + " the code went to is no longer on file"
	}
	return ""
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
