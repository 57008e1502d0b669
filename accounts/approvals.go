package accounts

import (
	"errors"
	"fmt"
	"time"

	"latchkey/store"
)

// Four eyes (R42): clearing the MFA of a privileged or flagged user waits
// for a second operator. The first operator's request (with its consumed
// verification) is stored; another operator approves within ApprovalTTL and
// only then is the clear carried out, in one transaction naming both.

// ApprovalTTL is how long a four-eyes request waits for a second operator.
const ApprovalTTL = 30 * time.Minute

// Audit actions of four-eyes approvals.
const (
	ActApprovalRequested = "approval.requested"
	ActApprovalApproved  = "approval.approved"
	ActApprovalDenied    = "approval.denied"
	ActApprovalExpired   = "approval.expired"
)

const (
	bApprovals     store.Bucket = "approvals"         // id -> Approval
	ixApprovalOpen store.Bucket = "ix_approvals_open" // id, while pending
)

// ApprovalState is where a four-eyes request is in its life.
type ApprovalState string

const (
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved" // and carried out
	ApprovalDenied   ApprovalState = "denied"
	ApprovalExpired  ApprovalState = "expired"
)

var approvalTransitions = map[ApprovalState][]ApprovalState{
	"":              {ApprovalPending},
	ApprovalPending: {ApprovalApproved, ApprovalDenied, ApprovalExpired},
}

func approvalTransition(from, to ApprovalState) error {
	if !allowed(approvalTransitions, from, to) {
		return &TransitionError{Machine: "four-eyes approval", From: string(from), To: string(to)}
	}
	return nil
}

// Approval is a request waiting for a second operator.
type Approval struct {
	ID          uint64 `json:"id"`
	Action      string `json:"action"` // what it will do: mfa.cleared
	UserID      uint64 `json:"user_id"`
	Login       string `json:"user"`
	Name        string `json:"name"`
	PracticeID  uint64 `json:"practice_id"`
	RequestedBy string `json:"requested_by"`
	// RequestedSeat is the asking operator's seat (Actor.Seat): a local
	// operator's name is typed, so the approval is never from that seat.
	RequestedSeat string       `json:"requested_seat,omitempty"`
	RequestedAt   time.Time    `json:"requested_at"`
	ExpiresAt     time.Time    `json:"expires_at"`
	Request       Request      `json:"request"` // reason and the consumed verification
	Signals       []RiskSignal `json:"signals"` // why four eyes
	// The factor the first operator asked to clear: the second approves
	// clearing that one, not whatever the user has by then (R42).
	Clears      MFAMethod `json:"clears,omitempty"`
	FactorSince time.Time `json:"factor_since,omitzero"`
	// The login email on file when asked (an MFA clear is carried out only
	// if it still is, R7); for a setup email to a new address (Action
	// verification.sent, setupredirect.go) also the new one.
	OldEmail  string        `json:"old_email,omitempty"`
	NewEmail  string        `json:"new_email,omitempty"`
	State     ApprovalState `json:"state"`
	DecidedBy string        `json:"decided_by,omitempty"`
	// DecidedSeat is the deciding operator's seat (R42, R43).
	DecidedSeat string    `json:"decided_seat,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Note        string    `json:"note,omitempty"`
}

// What is what the request carries out, in words.
func (a Approval) What() string {
	if a.Action == ActVerificationSent {
		return "setup email to " + a.NewEmail
	}
	return "MFA clear"
}

func (a Approval) stateAt(now time.Time) Approval {
	if a.State == ApprovalPending && !now.Before(a.ExpiresAt) {
		a.State, a.DecidedAt = ApprovalExpired, a.ExpiresAt
	}
	return a
}

func (a *Approval) moveTo(to ApprovalState, by string, at time.Time, note string) error {
	if err := approvalTransition(a.State, to); err != nil {
		return err
	}
	a.State, a.DecidedBy, a.DecidedAt, a.Note = to, by, at, note
	return nil
}

// ApprovalView is a request as the desk sees it.
type ApprovalView struct {
	Approval
	Status string `json:"status"`
}

// View is the display form at now.
func (a Approval) View(now time.Time) ApprovalView {
	a = a.stateAt(now)
	v := ApprovalView{Approval: a}
	switch a.State {
	case ApprovalPending:
		v.Status = fmt.Sprintf("waiting for a second operator (not %s): %s left", a.RequestedBy, a.ExpiresAt.Sub(now).Truncate(time.Second))
	case ApprovalApproved:
		v.Status = "approved by " + a.DecidedBy + " and carried out"
	case ApprovalDenied:
		v.Status = "denied by " + a.DecidedBy
	case ApprovalExpired:
		v.Status = "expired: nobody approved within 30 minutes"
	}
	return v
}

func getApproval(tx *store.Tx, id uint64) (Approval, error) {
	a, err := store.Get[Approval](tx, bApprovals, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return a, &NotFoundError{What: "approval request", Key: "#" + itoa(int(id))}
	}
	return a, err
}

func (t *txn) putApproval(a Approval) error {
	if err := store.Put(t.tx, bApprovals, store.U64(a.ID), a); err != nil {
		return err
	}
	if a.State == ApprovalPending {
		return t.tx.PutRaw(ixApprovalOpen, store.U64(a.ID), nil)
	}
	return t.tx.Delete(ixApprovalOpen, store.U64(a.ID))
}

// pendingFor is the id of a request still pending for user, or 0.
func (t *txn) pendingFor(userID uint64) (uint64, error) {
	var found uint64
	err := t.tx.Scan(ixApprovalOpen, nil, nil, false, func(k, _ []byte) (bool, error) {
		a, err := getApproval(t.tx, store.ParseU64(k))
		if err == nil && a.UserID == userID && a.stateAt(t.now).State == ApprovalPending {
			found = a.ID
		}
		return found == 0, err
	})
	return found, err
}

// requestApproval stores a pending clear of u for a second operator.
func (t *txn) requestApproval(actor Actor, u User, req Request, signals []RiskSignal) (Approval, error) {
	id, err := t.tx.NextSeq(bApprovals)
	if err != nil {
		return Approval{}, err
	}
	a := Approval{ID: id, Action: ActMFACleared, UserID: u.ID, Login: u.Login(), Name: u.Name, PracticeID: u.PracticeID,
		RequestedBy: actor.Name, RequestedSeat: actor.Seat, RequestedAt: t.now, ExpiresAt: t.now.Add(ApprovalTTL), Request: req, Signals: signals,
		Clears: u.MFA.Method, FactorSince: u.MFA.EnrolledAt, OldEmail: u.Email}
	if err := a.moveTo(ApprovalPending, "", time.Time{}, ""); err != nil {
		return a, err
	}
	if err := t.putApproval(a); err != nil {
		return a, err
	}
	r := req
	r.Approval = a.ID
	return a, t.audit(actor, ActApprovalRequested, &u, r, OutcomeOK,
		fmt.Sprintf("MFA clear waits for a second operator (request #%d, R42): %s", a.ID, signalWords(signals)))
}

// ApproveRequest is a second operator approving a pending request (R42):
// never the operator who asked, and only within 30 minutes. The clear is
// carried out in the same transaction, its audit event naming both.
func (s *Service) ApproveRequest(actor Actor, id uint64, note string) (ApprovalView, ClearMFAResult, error) {
	return s.decide(actor, id, true, note)
}

// DenyRequest turns a pending request down (any operator, including the one
// who asked, withdrawing it).
func (s *Service) DenyRequest(actor Actor, id uint64, note string) (ApprovalView, error) {
	v, _, err := s.decide(actor, id, false, note)
	return v, err
}

func (s *Service) decide(actor Actor, id uint64, approve bool, note string) (ApprovalView, ClearMFAResult, error) {
	note, err := checkText("note", note, MaxReason)
	if err != nil {
		return ApprovalView{}, ClearMFAResult{}, err
	}
	action := ActApprovalApproved
	if !approve {
		action = ActApprovalDenied
	}
	var target User
	var pre Approval
	_ = s.db.View(func(tx *store.Tx) error {
		var err error
		if pre, err = getApproval(tx, id); err == nil {
			target, _ = getUser(tx, pre.UserID)
		}
		return nil
	})
	var out Approval
	var res ClearMFAResult
	var refusal error
	err = s.act(actor, action, &target, Request{Reason: note, Approval: id}, func(t *txn) error {
		if actor.Kind != ActorOperator {
			return refuse("R42", "only an operator approves a request")
		}
		a, err := getApproval(t.tx, id)
		if err != nil {
			return err
		}
		u, err := getUser(t.tx, a.UserID)
		if err != nil {
			return err
		}
		if now := a.stateAt(t.now); now.State == ApprovalExpired && a.State == ApprovalPending {
			if err := a.moveTo(ApprovalExpired, "", a.ExpiresAt, ""); err != nil {
				return err
			}
			if err := t.putApproval(a); err != nil {
				return err
			}
			out = a
			refusal = refuseWith("R42", fmt.Sprintf("request #%d expired at %s: a second operator must approve within 30 minutes", a.ID, a.ExpiresAt.UTC().Format("15:04:05 MST")),
				"Verify the caller again and ask again.")
			return t.audit(System(), ActApprovalExpired, &u, Request{Approval: a.ID}, OutcomeOK, fmt.Sprintf("request #%d by %s expired unapproved", a.ID, a.RequestedBy))
		}
		if a.State != ApprovalPending {
			return refuse("R42", fmt.Sprintf("request #%d is already %s", a.ID, a.State))
		}
		if approve {
			if err := MayApprove(actor, a); err != nil {
				return err
			}
		}
		to := ApprovalApproved
		if !approve {
			to = ApprovalDenied
		}
		if err := a.moveTo(to, actor.Name, t.now, note); err != nil {
			return err
		}
		a.DecidedSeat = actor.Seat
		if err := t.putApproval(a); err != nil {
			return err
		}
		out = a
		detail := fmt.Sprintf("request #%d by %s denied", a.ID, a.RequestedBy)
		if approve {
			detail = fmt.Sprintf("request #%d by %s approved: %s carried out", a.ID, a.RequestedBy, a.What())
		}
		if err := t.audit(actor, action, &u, Request{Reason: note, Approval: a.ID, Verification: a.Request.Verification,
			VerifyMethod: a.Request.VerifyMethod, VerifyResult: a.Request.VerifyResult}, OutcomeOK, detail); err != nil {
			return err
		}
		if !approve {
			return nil
		}
		if a.Action == ActVerificationSent {
			return t.carryOutRedirect(actor, a) // setupredirect.go
		}
		if u.MFA.State() == MFAStateNone {
			return refuse("R26", u.Login()+" has no MFA to clear any more")
		}
		if u.Status == StatusInactive {
			return refuseWith("R42", fmt.Sprintf("%s was inactivated after request #%d: there is no caller to clear the MFA for", u.Login(), a.ID),
				"Deny this request.")
		}
		if u.MFA.Method != a.Clears || !u.MFA.EnrolledAt.Equal(a.FactorSince) {
			return refuseWith("R42", fmt.Sprintf("the MFA of %s changed after request #%d (asked: %s; now: %s): approving would clear a factor %s never asked about",
				u.Login(), a.ID, factorWords(a.Clears, a.FactorSince), factorWords(u.MFA.Method, u.MFA.EnrolledAt), a.RequestedBy),
				"Deny this request; if the caller still needs a clear, verify them again and ask again.")
		}
		if a.OldEmail != "" && normalizeLogin(u.Email) != normalizeLogin(a.OldEmail) {
			// Where the notice of the clear goes (R26) is no longer where it
			// was when the first operator asked (R7).
			return refuseWith("R42", fmt.Sprintf("the login email of %s changed after request #%d (asked: %s; now: %s): approving would clear the MFA of an account %s never heard about",
				u.Login(), a.ID, a.OldEmail, u.Email, a.RequestedBy),
				"Deny this request; if the caller still needs a clear, verify them again and ask again.")
		}
		req := a.Request
		req.ApprovedBy, req.Approval = actor.Name, a.ID
		res, err = t.clearMFA(Operator(a.RequestedBy), u, req)
		return err
	})
	if err == nil {
		err = refusal
	}
	return out.View(s.Now()), res, err
}

// factorWords names a factor for a refusal: "sms enrolled 2026-11-30 09:00 UTC".
func factorWords(m MFAMethod, since time.Time) string {
	if m == MFANone {
		return "none enrolled"
	}
	return string(m) + " enrolled " + since.UTC().Format("2006-01-02 15:04 MST")
}

// ApprovalRequest reads one request.
func (s *Service) ApprovalRequest(id uint64) (ApprovalView, error) {
	var a Approval
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		a, err = getApproval(tx, id)
		return err
	})
	return a.View(s.Now()), err
}

// Approvals lists requests, newest first: only those still pending unless
// all is set.
func (s *Service) Approvals(all bool, limit int) ([]ApprovalView, error) {
	if limit <= 0 {
		limit = 100
	}
	now := s.Now()
	var out []ApprovalView
	err := s.db.View(func(tx *store.Tx) error {
		bucket := ixApprovalOpen
		if all {
			bucket = bApprovals
		}
		return tx.Scan(bucket, nil, nil, true, func(k, _ []byte) (bool, error) {
			a, err := getApproval(tx, store.ParseU64(k))
			if err != nil {
				return false, err
			}
			v := a.View(now)
			if all || v.State == ApprovalPending {
				out = append(out, v)
			}
			return len(out) < limit, nil
		})
	})
	return out, err
}

// PendingApprovals counts requests actor could approve now (the console's
// header badge): by MayApprove, as the approval itself checks.
func (s *Service) PendingApprovals(actor Actor) (int, error) {
	vs, err := s.Approvals(false, 1000)
	n := 0
	for _, v := range vs {
		if MayApprove(actor, v.Approval) == nil {
			n++
		}
	}
	return n, err
}

// MayApprove is four eyes (R42): only an operator who may write (R35)
// approves a request, and never the one who asked for it, under any
// spelling of their name. The approval runs it, and so do the offers
// (stateApproveClear, the badge, the console's way to the request), so the
// operator who asked is never offered what would be refused.
func MayApprove(actor Actor, a Approval) error {
	if actor.ReadOnly {
		return readOnlyRefusal(actor.Name)
	}
	if actor.Kind != ActorOperator {
		return refuse("R42", "only an operator approves a request")
	}
	if sameOperator(a.RequestedBy, actor.Name) {
		who := a.RequestedBy
		if who != actor.Name {
			who += " (here as " + actor.Name + ")"
		}
		id := itoa(int(a.ID))
		return refuseWith("R42", fmt.Sprintf("%s asked for request #%s and cannot approve it: four eyes need a second operator", who, id),
			"Ask another operator to run `latchkey approvals approve "+id+"`; to withdraw it, `latchkey approvals deny "+id+"`.")
	}
	if a.RequestedSeat != "" && actor.Seat == a.RequestedSeat {
		// Locally an operator is a name typed (--operator, R35): the same
		// OS account on the same machine under another name is, as far as
		// the desk can tell, the same person (R42).
		id := itoa(int(a.ID))
		return refuseWith("R42", fmt.Sprintf("request #%s was asked by %s from this same seat (%s), where an operator's name is typed, not proven: %s there cannot be the second operator",
			id, a.RequestedBy, a.RequestedSeat, actor.Name),
			"Approve from another OS account or machine, or over `latchkey serve`, where every operator is their own SSH key.")
	}
	return nil
}

// stateApproveClear: an operator may decide on a clear of u that waits for
// a second operator (R42), unless they asked for it (MayApprove).
func (t *txn) stateApproveClear(actor Actor, u User) error {
	id, err := t.pendingFor(u.ID)
	if err != nil {
		return err
	}
	if id == 0 {
		return refuse("R42", "no request about "+u.Login()+" (an MFA clear, a setup email to a new address) waits for a second operator")
	}
	a, err := getApproval(t.tx, id)
	if err != nil {
		return err
	}
	return MayApprove(actor, a)
}

// PendingFor is the request waiting for a second operator about userID.
func (s *Service) PendingFor(userID uint64) (ApprovalView, bool, error) {
	var out ApprovalView
	found := false
	now := s.Now()
	err := s.db.View(func(tx *store.Tx) error {
		t := &txn{tx: tx, now: now, s: s}
		id, err := t.pendingFor(userID)
		if err != nil || id == 0 {
			return err
		}
		a, err := getApproval(tx, id)
		out, found = a.View(now), err == nil
		return err
	})
	return out, found, err
}
