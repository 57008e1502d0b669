package accounts

import (
	"encoding/json"
	"strings"
	"time"

	"latchkey/store"
)

// ActorKind says who acted: an operator at the desk, a practice user on their
// own account, a practice admin on a colleague's, or the system (timers).
type ActorKind string

const (
	ActorOperator ActorKind = "operator"
	ActorUser     ActorKind = "user"
	ActorAdmin    ActorKind = "admin"
	ActorSystem   ActorKind = "system"
)

// Actor is who performs an action; every audit event names one.
type Actor struct {
	Kind   ActorKind `json:"kind"`
	Name   string    `json:"name"`
	UserID uint64    `json:"user_id,omitempty"`
	// ReadOnly marks an operator who sees everything and changes nothing
	// (R35). The service refuses their every write, whatever face it came
	// through: any change appends an event, and appending one refuses them.
	ReadOnly bool `json:"read_only,omitempty"`
	// Seat is what a local face knows its operator by that they do not
	// type: the OS account and machine it runs as ("" over SSH, where the
	// operator is their key, and on a demo, where one person plays every
	// operator). Four eyes (R42) are never one seat under two names.
	Seat string `json:"seat,omitempty"`
}

// Operator is a support-desk operator by name (R35).
func Operator(name string) Actor { return Actor{Kind: ActorOperator, Name: name} }

// System is the timers' actor (R12 lifts).
func System() Actor { return Actor{Kind: ActorSystem, Name: "system"} }

// Request is what an operator records with an action: who asked, why, and how
// the caller's identity was verified.
type Request struct {
	Requester  string `json:"requester,omitempty"`   // login of the practice person who asked
	Reason     string `json:"reason,omitempty"`      // why
	VerifiedBy string `json:"verified_by,omitempty"` // how the caller's identity was verified
	// Verification is the caller verification (R41) the action uses, by id;
	// the action's transaction consumes it and fills in its method and result.
	Verification uint64 `json:"verification,omitempty"`
	VerifyMethod string `json:"verify_method,omitempty"`
	VerifyResult string `json:"verify_result,omitempty"`
	// ApprovedBy is the second operator whose approval let the action happen
	// (four eyes, R42), and Approval the request they approved.
	ApprovedBy string `json:"approved_by,omitempty"`
	Approval   uint64 `json:"approval,omitempty"`
	// Version is the target's version (UserVersion) when the action's form
	// was opened: if the target changed since, the action is refused (R35).
	// Zero skips the check.
	Version uint64 `json:"version,omitempty"`
}

// Audit actions.
const (
	ActLoginOK         = "login.ok"
	ActLoginFailed     = "login.failed"
	ActLoginRefused    = "login.refused"
	ActAccountLocked   = "account.locked"
	ActAccountUnlocked = "account.unlocked"
	ActLockLifted      = "account.lock_lifted"
	ActPracticeCreated = "practice.created"
	ActUserCreated     = "user.created"
	ActClockAdvanced   = "clock.advanced"
	ActDemoSeeded      = "demo.seeded"
)

// Outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeFailed = "failed"
)

// Event is one line of the audit trail (R29): time, actor, action, target,
// requester, reason, outcome. Events are only ever appended.
type Event struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	ActorKind  ActorKind `json:"actor_kind"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Target     string    `json:"target,omitempty"` // a login, or a practice's name
	TargetID   uint64    `json:"target_id,omitempty"`
	PracticeID uint64    `json:"practice_id,omitempty"`
	Requester  string    `json:"requester,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	VerifiedBy string    `json:"verified_by,omitempty"`
	// The caller verification the action used (R41): its id, method and result.
	Verification uint64 `json:"verification,omitempty"`
	VerifyMethod string `json:"verify_method,omitempty"`
	VerifyResult string `json:"verify_result,omitempty"`
	// The second operator who approved it (four eyes, R42) and the request.
	ApprovedBy string `json:"approved_by,omitempty"`
	Approval   uint64 `json:"approval,omitempty"`
	Outcome    string `json:"outcome"` // "ok", "failed", or "refused R11"
	Detail     string `json:"detail,omitempty"`
	// Hash is the event's link in the chain (R29), as read; never written
	// with the event itself.
	Hash string `json:"-"`

	readOnly bool // the actor may change nothing (R35); never stored
}

// refusedOutcome is the outcome of an action a rule refused.
func refusedOutcome(rule string) string { return "refused " + rule }

func (t *txn) audit(actor Actor, action string, u *User, req Request, outcome, detail string) error {
	e := Event{
		Time: t.now, ActorKind: actor.Kind, Actor: actor.Name, Action: action,
		Requester: req.Requester, Reason: req.Reason, VerifiedBy: req.VerifiedBy,
		Verification: req.Verification, VerifyMethod: req.VerifyMethod, VerifyResult: req.VerifyResult,
		ApprovedBy: req.ApprovedBy, Approval: req.Approval,
		Outcome: outcome, Detail: detail, readOnly: actor.ReadOnly,
	}
	if u != nil {
		e.Target, e.TargetID, e.PracticeID = u.Login(), u.ID, u.PracticeID
	}
	return t.appendEvent(e)
}

func (t *txn) appendEvent(e Event) error {
	if err := checkEventText(&e); err != nil {
		return err
	}
	if e.Time.IsZero() {
		e.Time = t.now
	}
	if e.readOnly && !strings.HasPrefix(e.Outcome, "refused ") {
		return readOnlyRefusal(e.Actor) // R35: a read-only operator changes nothing
	}
	// &e, not e: e is on the heap already (checkEventText), and a copy
	// into the interface was one more allocation of the whole event per
	// append (a demo build appends over a million). The bytes are the
	// same: Event's AppendJSON, or encoding/json of the pointer.
	seq, err := auditChain.Append(t.tx, &e)
	if err != nil {
		return err
	}
	t.lastSeq = seq
	if e.TargetID != 0 {
		// Beside the user's record, in the leaf the action rewrites anyway
		// (userevents.go).
		return t.tx.PutRaw(usersBucketOf(e.TargetID), userEventKey(e.TargetID, seq), nil)
	}
	return nil
}

func decodeEvent(en store.Entry) (Event, error) {
	var e Event
	if err := json.Unmarshal(en.Data, &e); err != nil {
		return e, err
	}
	e.Seq, e.Hash = en.Seq, en.Hash
	return e, nil
}

// AuditQuery selects audit events, newest first.
type AuditQuery struct {
	UserID uint64 // only events about this user
	Before uint64 // only events older than this seq (paging); 0 = from the newest
	Limit  int    // 0 = 100
}

// Audit returns events newest first.
func (s *Service) Audit(q AuditQuery) ([]Event, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	var out []Event
	err := s.db.View(func(tx *store.Tx) error {
		if q.UserID != 0 {
			return userEvents(tx, s.legacyEvents, q.UserID, q.Before, func(seq uint64) (bool, error) {
				en, err := auditChain.Get(tx, seq)
				if err != nil {
					return false, err
				}
				e, err := decodeEvent(en)
				out = append(out, e)
				return len(out) < q.Limit, err
			})
		}
		from := uint64(0)
		if q.Before > 1 {
			from = q.Before - 1
		} else if q.Before == 1 {
			return nil
		}
		return auditChain.Scan(tx, from, true, func(en store.Entry) (bool, error) {
			e, err := decodeEvent(en)
			out = append(out, e)
			return len(out) < q.Limit, err
		})
	})
	return out, err
}

// AuditCount is the number of events in the trail.
func (s *Service) AuditCount() (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *store.Tx) error { n = auditChain.Len(tx); return nil })
	return n, err
}
