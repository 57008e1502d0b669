package accounts

import (
	"errors"
	"fmt"
	"time"

	"latchkey/internal/plural"
	"latchkey/store"
)

const (
	bLicenseRequests   store.Bucket = "license_requests"     // id -> LicenseRequest
	ixPracticeRequests store.Bucket = "ix_practice_requests" // practiceID|id
)

// Audit actions of licenses.
const (
	ActLicensesRequested = "licenses.requested"
	ActLicensesFulfilled = "licenses.fulfilled"
	ActLicensesSet       = "licenses.set"
)

// RequestState is where a license request is: open until fulfilled.
type RequestState string

const (
	RequestOpen      RequestState = "open"
	RequestFulfilled RequestState = "fulfilled"
)

var requestTransitions = map[RequestState][]RequestState{
	"":          {RequestOpen},
	RequestOpen: {RequestFulfilled},
}

// LicenseRequest is an owner's request for more licenses (R2).
type LicenseRequest struct {
	ID         uint64       `json:"id"`
	PracticeID uint64       `json:"practice_id"`
	Count      int          `json:"count"`
	Requester  string       `json:"requester"`
	Reason     string       `json:"reason,omitempty"`
	State      RequestState `json:"state"`
	RecordedBy string       `json:"recorded_by"`
	CreatedAt  time.Time    `json:"created_at"`
	// Verification is the passed caller check of the requester that proved
	// the request at the desk (R2, R41).
	Verification uint64    `json:"verification,omitempty"`
	FulfilledBy  string    `json:"fulfilled_by,omitempty"`
	FulfilledAt  time.Time `json:"fulfilled_at,omitzero"`
}

// MaxLicenseRequest bounds one request.
const MaxLicenseRequest = 10000

// RequestLicenses records an owner's request for count more licenses (R2).
func (s *Service) RequestLicenses(actor Actor, practiceID uint64, count int, req Request) (LicenseRequest, error) {
	if count < 1 || count > MaxLicenseRequest {
		return LicenseRequest{}, badField("count", fmt.Sprintf("must be 1 to %d", MaxLicenseRequest))
	}
	var out LicenseRequest
	err := s.act(actor, ActLicensesRequested, nil, req, func(t *txn) error {
		p, err := getPractice(t.tx, practiceID)
		if err != nil {
			return err
		}
		out, err = t.requestLicenses(actor, p, count, req)
		return err
	})
	return out, err
}

func (t *txn) requestLicenses(actor Actor, p Practice, count int, req Request) (LicenseRequest, error) {
	if err := t.actorAsRequester(actor, &req); err != nil {
		return LicenseRequest{}, err
	}
	r, err := t.checkAsker(askLicenses, p, req.Requester, nil, "owners (financial decision makers)",
		req.Requester+" is not an owner of "+p.Name+": only a financial decision maker may request licenses")
	if err != nil {
		return LicenseRequest{}, err
	}
	if actor.Kind == ActorOperator {
		// R2, R41: buying licenses commits the practice's money, the
		// owner's decision; a caller naming the owner is not the owner.
		if err := t.provenRequest(actor, r, &req, ActLicensesRequested, refuseWith("R2",
			fmt.Sprintf("buying licenses is an owner's decision (the practice pays): %s's request must be proven, not typed: a passed caller check of them (R41) goes with it", r.Login()),
			"Verify the owner who asks (V on them in the console, or `latchkey verify start "+r.Login()+"`: a code to what is on file, their app, or another owner's or admin's approval), then record the request with that check (--verification ID).")); err != nil {
			return LicenseRequest{}, err
		}
	}
	id, err := t.tx.NextSeq(bLicenseRequests)
	if err != nil {
		return LicenseRequest{}, err
	}
	if !allowed(requestTransitions, "", RequestOpen) {
		return LicenseRequest{}, &TransitionError{Machine: "license request", From: "", To: string(RequestOpen)}
	}
	lr := LicenseRequest{ID: id, PracticeID: p.ID, Count: count, Requester: r.Login(), Reason: req.Reason,
		State: RequestOpen, RecordedBy: actor.Name, CreatedAt: t.now, Verification: req.Verification}
	if err := store.Put(t.tx, bLicenseRequests, store.U64(id), lr); err != nil {
		return lr, err
	}
	if err := t.tx.PutRaw(ixPracticeRequests, store.Key(store.U64(p.ID), store.U64(id)), nil); err != nil {
		return lr, err
	}
	return lr, t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActLicensesRequested,
		Target: p.Name, PracticeID: p.ID, Requester: r.Login(), Reason: req.Reason, Outcome: OutcomeOK,
		VerifiedBy: req.VerifiedBy, Verification: req.Verification, VerifyMethod: req.VerifyMethod, VerifyResult: req.VerifyResult,
		Detail: fmt.Sprintf("request #%d for %s more", id, plural.Count(count, "license"))})
}

// FulfilLicenses fulfils an open request: the practice's purchased count
// rises by the count requested (R2).
func (s *Service) FulfilLicenses(actor Actor, requestID uint64, req Request) (LicenseRequest, Practice, error) {
	var out LicenseRequest
	var p Practice
	err := s.act(actor, ActLicensesFulfilled, nil, req, func(t *txn) error {
		lr, err := store.Get[LicenseRequest](t.tx, bLicenseRequests, store.U64(requestID))
		if errors.Is(err, store.ErrNotFound) {
			return &NotFoundError{What: "license request", Key: itoa(int(requestID))}
		}
		if err != nil {
			return err
		}
		if err := stateFulfil(actor, lr); err != nil {
			return err
		}
		if p, err = getPractice(t.tx, lr.PracticeID); err != nil {
			return err
		}
		old := p
		p.Purchased += lr.Count
		if err := t.putPractice(&old, p); err != nil {
			return err
		}
		lr.State, lr.FulfilledBy, lr.FulfilledAt = RequestFulfilled, actor.Name, t.now
		if err := store.Put(t.tx, bLicenseRequests, store.U64(lr.ID), lr); err != nil {
			return err
		}
		out = lr
		return t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActLicensesFulfilled,
			Target: p.Name, PracticeID: p.ID, Requester: lr.Requester, Reason: req.Reason, Outcome: OutcomeOK,
			Detail: fmt.Sprintf("request #%d: purchased %d -> %d", lr.ID, old.Purchased, p.Purchased)})
	})
	return out, p, err
}

// SetPurchased sets a practice's purchased license count (a contract
// change); lowering it below the licenses in use is refused (R1, R2).
func (s *Service) SetPurchased(actor Actor, practiceID uint64, purchased int, req Request) (Practice, error) {
	if purchased < 0 {
		return Practice{}, badField("purchased", "cannot be negative")
	}
	var p Practice
	err := s.act(actor, ActLicensesSet, nil, req, func(t *txn) error {
		if actor.Kind != ActorOperator {
			return refuse("R2", "only the desk changes a practice's purchased licenses")
		}
		var err error
		if p, err = getPractice(t.tx, practiceID); err != nil {
			return err
		}
		if purchased < p.InUse {
			return refuseWith("R2", fmt.Sprintf("%s has %s in use: the purchased count cannot go below that", p.Name, plural.Count(p.InUse, "license")),
				"Inactivate leavers first.")
		}
		old := p
		p.Purchased = purchased
		if err := t.putPractice(&old, p); err != nil {
			return err
		}
		return t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActLicensesSet,
			Target: p.Name, PracticeID: p.ID, Requester: req.Requester, Reason: req.Reason, Outcome: OutcomeOK,
			Detail: fmt.Sprintf("purchased %d -> %d", old.Purchased, purchased)})
	})
	return p, err
}

// LicenseRequests lists a practice's requests, newest first.
func (s *Service) LicenseRequests(practiceID uint64) ([]LicenseRequest, error) {
	var out []LicenseRequest
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixPracticeRequests, store.U64(practiceID), nil, true, func(k, _ []byte) (bool, error) {
			lr, err := store.Get[LicenseRequest](tx, bLicenseRequests, k[8:])
			out = append(out, lr)
			return true, err
		})
	})
	return out, err
}

// PracticeView is a practice with its people by role and its license requests.
type PracticeView struct {
	Practice
	Owners    []User           `json:"owners"`
	Champions []User           `json:"champions"`
	Admins    []User           `json:"admins"`
	Requests  []LicenseRequest `json:"license_requests"`
}

// PracticeDetail reads a practice, its active people with roles, and its
// license requests.
func (s *Service) PracticeDetail(id uint64) (PracticeView, error) {
	var v PracticeView
	p, err := s.Practice(id)
	if err != nil {
		return v, err
	}
	v.Practice = p
	err = s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixPracticeUsers, store.U64(id), nil, false, func(k, _ []byte) (bool, error) {
			u, err := getUser(tx, store.ParseU64(k[8:]))
			if err != nil || u.Status == StatusInactive {
				return err == nil, err
			}
			if u.Roles.Owner {
				v.Owners = append(v.Owners, u)
			}
			if u.Roles.Champion {
				v.Champions = append(v.Champions, u)
			}
			if u.Roles.Admin {
				v.Admins = append(v.Admins, u)
			}
			return true, nil
		})
	})
	if err != nil {
		return v, err
	}
	v.Requests, err = s.LicenseRequests(id)
	return v, err
}
