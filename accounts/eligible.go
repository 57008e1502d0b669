package accounts

import (
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

// The faces (console, command line, SSH) never decide which action applies
// to a record, nor who may ask for it: they ask Eligible and Requesters,
// which read the same checks the actions run inside their transactions. A
// rule changes here once and every face follows.

// Action names a desk action a face offers on a record.
type Action string

// The desk's actions. Adding one: a constant, an entry in actionRules, and
// the check its Service method runs (the same function).
const (
	ActionUnlock          Action = "unlock"            // R13
	ActionSendSetup       Action = "send-verification" // R4-R6
	ActionInactivate      Action = "inactivate"        // R20
	ActionReactivate      Action = "reactivate"        // R1, R3, R20
	ActionPermissions     Action = "permissions"       // R19
	ActionReplace         Action = "replace"           // R10, R20, R3
	ActionClearMFA        Action = "clear-mfa"         // R25, R26
	ActionResetPassword   Action = "reset-password"    // R16, R17
	ActionShowQR          Action = "show-qr"           // R21, R40 (demo only)
	ActionAddUser         Action = "add-user"          // R1, R3
	ActionRequireMFA      Action = "require-mfa"       // R24
	ActionRequestLicenses Action = "request-licenses"  // R2
	ActionFulfilLicenses  Action = "fulfil-licenses"   // R2
	ActionPortalReset     Action = "portal-reset"      // R28
	ActionVerify          Action = "verify-caller"     // R41
	ActionApproveClear    Action = "approve-clear"     // R42
	ActionReviewWatch     Action = "review-watch"      // R43
)

// Subject is the kind of record an action acts on.
type Subject string

const (
	SubjectUser     Subject = "user"
	SubjectPractice Subject = "practice"
	SubjectPatient  Subject = "patient"
	SubjectRequest  Subject = "license request"
)

// Target names the record asked about: a user, a practice, a patient or a
// license request (the first non-zero of them, in that order).
type Target struct {
	UserID     uint64 `json:"user_id,omitempty"`
	PracticeID uint64 `json:"practice_id,omitempty"`
	PatientID  uint64 `json:"patient_id,omitempty"`
	RequestID  uint64 `json:"request_id,omitempty"`
}

func (tg Target) subject() Subject {
	switch {
	case tg.UserID != 0:
		return SubjectUser
	case tg.PatientID != 0:
		return SubjectPatient
	case tg.RequestID != 0:
		return SubjectRequest
	}
	return SubjectPractice
}

// Eligibility says whether an action applies to a record now, and if not,
// why not: the rule, what stands in the way, and what to do instead.
type Eligibility struct {
	Action   Action `json:"action"`
	OK       bool   `json:"ok"`
	Rule     string `json:"rule,omitempty"`
	Why      string `json:"why,omitempty"`
	Guidance string `json:"guidance,omitempty"`
}

// Err is the refusal as a *RuleError, or nil when the action applies.
func (e Eligibility) Err() error {
	if e.OK {
		return nil
	}
	return &RuleError{Rule: e.Rule, Msg: e.Why, Guidance: e.Guidance}
}

// asker is who may ask for an action: the rule, in words, and the test of
// one person of the practice (target is the user acted on, if any).
type asker struct {
	Rule string
	Who  string
	May  func(r User, target *User) bool
}

// may: r is someone the rule allows who can ask now. Only an active user
// who is not locked asks for anything (requesterStatus): a pending user has
// never used their setup link, so nobody has shown they hold the account.
func (a asker) may(r User, target *User, now time.Time) bool {
	return a.May(r, target) && requesterStatus(r, now) == ""
}

// Who may ask, by rule. The actions check the requester with these.
var (
	askAdd = asker{"R3", "an owner, champion or admin of the practice", func(r User, _ *User) bool {
		return r.Roles.Owner || r.Roles.Champion || r.Roles.Admin
	}}
	askPermissions = asker{"R19", "an owner of the practice", func(r User, _ *User) bool { return r.Roles.Owner }}
	askInactivate  = asker{"R20", "an owner or champion, or the user themselves", func(r User, tg *User) bool {
		return r.Roles.Owner || r.Roles.Champion || (tg != nil && r.ID == tg.ID)
	}}
	// askInactivateOthers is askInactivate's Who without the user
	// themselves, for when they cannot ask now (Requesters).
	askInactivateOthers = "an owner or champion"
	// Replace inactivates (R20) and adds (R3) in one: its requester passes both.
	askReplace = asker{"R20", "an owner or champion of the practice (R20 and R3)", func(r User, tg *User) bool {
		return askInactivate.May(r, tg) && askAdd.May(r, tg)
	}}
	askLicenses   = asker{"R2", "an owner (financial decision maker)", func(r User, _ *User) bool { return r.Roles.Owner }}
	askRequireMFA = asker{"R24", "an owner or admin of the practice", func(r User, _ *User) bool { return r.Roles.Owner || r.Roles.Admin }}
)

// record is what a check reads: the target and its practice.
type record struct {
	user     *User
	practice *Practice
	patient  *Patient
	request  *LicenseRequest
}

// actionRule is one action: what it acts on, who may ask for it (nil when
// it records no requester), and the state the record must be in. State is
// the very function the action's Service method runs.
type actionRule struct {
	Action Action
	On     Subject
	Asker  *asker
	State  func(t *txn, actor Actor, r record) error
}

// actionRules are every action the desk offers, in the order faces list them.
var actionRules = []actionRule{
	{ActionUnlock, SubjectUser, nil, func(t *txn, a Actor, r record) error { return t.stateUnlock(a, *r.user) }},
	{ActionSendSetup, SubjectUser, nil, func(t *txn, a Actor, r record) error {
		if err := t.mayTendSetup(a, *r.user, "R4"); err != nil {
			return err
		}
		return stateSendSetup(*r.user)
	}},
	{ActionResetPassword, SubjectUser, nil, func(_ *txn, a Actor, r record) error { return stateResetPassword(a, *r.user) }},
	{ActionClearMFA, SubjectUser, nil, func(t *txn, a Actor, r record) error {
		if err := t.stateClearMFANow(a, *r.user); err != nil {
			return err
		}
		// The clear itself names its check and refuses without one
		// (ClearMFAVerified): it is not offered before one passed.
		return t.passedCheckFor(a, *r.user)
	}},
	{ActionVerify, SubjectUser, nil, func(_ *txn, a Actor, r record) error { return stateVerify(a, *r.user) }},
	{ActionApproveClear, SubjectUser, nil, func(t *txn, a Actor, r record) error { return t.stateApproveClear(a, *r.user) }},
	{ActionReviewWatch, SubjectUser, nil, func(t *txn, a Actor, r record) error { return t.stateReviewWatch(a, *r.user) }},
	{ActionInactivate, SubjectUser, &askInactivate, func(t *txn, _ Actor, r record) error { return t.stateInactivate(*r.user) }},
	{ActionReactivate, SubjectUser, &askAdd, func(_ *txn, _ Actor, r record) error { return stateReactivate(*r.user, *r.practice) }},
	{ActionPermissions, SubjectUser, &askPermissions, func(_ *txn, _ Actor, r record) error { return statePermissions(*r.user) }},
	{ActionReplace, SubjectUser, &askReplace, func(_ *txn, _ Actor, r record) error { return stateReplace(*r.user) }},
	{ActionShowQR, SubjectUser, nil, func(t *txn, _ Actor, r record) error { return t.stateShowQR(*r.user) }},
	{ActionAddUser, SubjectPractice, &askAdd, func(_ *txn, _ Actor, r record) error { return stateAddUser(*r.practice) }},
	{ActionRequestLicenses, SubjectPractice, &askLicenses, nil},
	{ActionRequireMFA, SubjectPractice, &askRequireMFA, func(_ *txn, a Actor, _ record) error { return stateRequireMFA(a) }},
	{ActionFulfilLicenses, SubjectRequest, nil, func(_ *txn, a Actor, r record) error { return stateFulfil(a, *r.request) }},
	{ActionPortalReset, SubjectPatient, nil, nil},
}

func ruleOf(a Action) (actionRule, bool) {
	for _, r := range actionRules {
		if r.Action == a {
			return r, true
		}
	}
	return actionRule{}, false
}

// Eligible lists every action on the target's kind of record with whether
// it applies now and, when not, the rule that says why. An action that
// needs a requester is not eligible when nobody at the practice may ask.
func (s *Service) Eligible(actor Actor, tg Target) ([]Eligibility, error) {
	var out []Eligibility
	err := s.db.View(func(tx *store.Tx) error {
		t := &txn{tx: tx, now: s.Now(), s: s}
		rec, err := t.load(tg)
		if err != nil {
			return err
		}
		sub := tg.subject()
		for _, ar := range actionRules {
			if ar.On != sub {
				continue
			}
			e, err := t.eligible(actor, ar, rec)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// EligibleFor is Eligible for one action.
func (s *Service) EligibleFor(actor Actor, a Action, tg Target) (Eligibility, error) {
	all, err := s.Eligible(actor, tg)
	if err != nil {
		return Eligibility{}, err
	}
	for _, e := range all {
		if e.Action == a {
			return e, nil
		}
	}
	return Eligibility{Action: a, Rule: "R31", Why: fmt.Sprintf("%s does not apply to a %s", a, tg.subject())}, nil
}

func (t *txn) eligible(actor Actor, ar actionRule, rec record) (Eligibility, error) {
	if actor.ReadOnly { // they see everything and change nothing (R35)
		re := readOnlyRefusal(actor.Name).(*RuleError)
		return Eligibility{Action: ar.Action, Rule: re.Rule, Why: re.Msg, Guidance: re.Guidance}, nil
	}
	e := Eligibility{Action: ar.Action, OK: true}
	var err error
	if ar.State != nil {
		err = ar.State(t, actor, rec)
	}
	// A practice with nobody yet gets its owner at onboarding, asked by nobody (R2).
	if err == nil && ar.Asker != nil && rec.practice != nil && t.practiceHasUsers(rec.practice.ID) {
		err = t.nobodyMayAsk(*ar.Asker, *rec.practice, rec.user)
	}
	if re, ok := err.(*RuleError); ok {
		e.OK, e.Rule, e.Why, e.Guidance = false, re.Rule, re.Msg, re.Guidance
		return e, nil
	}
	return e, err
}

// load reads the target and its practice.
func (t *txn) load(tg Target) (record, error) {
	var rec record
	practiceID := tg.PracticeID
	switch tg.subject() {
	case SubjectUser:
		u, err := getUser(t.tx, tg.UserID)
		if err != nil {
			return rec, err
		}
		rec.user, practiceID = &u, u.PracticeID
	case SubjectPatient:
		p, err := getPatient(t.tx, tg.PatientID)
		if err != nil {
			return rec, err
		}
		rec.patient, practiceID = &p, p.PracticeID
	case SubjectRequest:
		lr, err := store.Get[LicenseRequest](t.tx, bLicenseRequests, store.U64(tg.RequestID))
		if err != nil {
			if err == store.ErrNotFound {
				err = &NotFoundError{What: "license request", Key: itoa(int(tg.RequestID))}
			}
			return rec, err
		}
		rec.request, practiceID = &lr, lr.PracticeID
	}
	p, err := getPractice(t.tx, practiceID)
	if err != nil {
		return rec, err
	}
	rec.practice = &p
	return rec, nil
}

// Requesters are the people of a practice who may ask for an action (R2,
// R3, R19, R20, R24): the rule, who it allows in words, and the people, in
// the practice's order. An action that records no requester has none.
type Requesters struct {
	Action Action `json:"action"`
	Rule   string `json:"rule,omitempty"`
	Who    string `json:"who,omitempty"`
	People []User `json:"people"`
}

// Requesters answers who may ask for action a on the target.
func (s *Service) Requesters(a Action, tg Target) (Requesters, error) {
	out := Requesters{Action: a}
	ar, ok := ruleOf(a)
	if a == ActionSendSetup {
		// Asked for only when the address changes (mayRedirectSetup).
		ar.Asker = &askRedirect
	}
	if !ok || ar.Asker == nil {
		return out, nil
	}
	out.Rule, out.Who = ar.Asker.Rule, ar.Asker.Who
	err := s.db.View(func(tx *store.Tx) error {
		t := &txn{tx: tx, now: s.Now(), s: s}
		rec, err := t.load(tg)
		if err != nil {
			return err
		}
		out.People, err = t.askers(*ar.Asker, rec.practice.ID, rec.user)
		if u := rec.user; err == nil && u != nil && ar.Asker == &askInactivate {
			// The rule lets the user ask themselves; say so only when they
			// can now, else why not (a hint must be true for the case shown).
			if why := selfCannotAsk(*u, t.now); why != "" {
				out.Who = askInactivateOthers + " (" + why + ")"
			}
		}
		return err
	})
	return out, err
}

// selfCannotAsk says, in a few words, why a user cannot ask the desk for
// something about themselves now (requesterStatus), or "".
func selfCannotAsk(u User, now time.Time) string {
	switch {
	case u.Status == StatusPending:
		return "not the user themselves: setup not finished, R4"
	case u.Status != StatusActive:
		return "not the user themselves: " + string(u.Status)
	case u.LockedNow(now):
		return "not the user themselves while locked, R11"
	}
	return ""
}

// askers scans a practice's people for those the asker allows.
func (t *txn) askers(a asker, practiceID uint64, target *User) ([]User, error) {
	var out []User
	err := t.tx.Scan(ixPracticeUsers, store.U64(practiceID), nil, false, func(k, _ []byte) (bool, error) {
		u, err := getUser(t.tx, store.ParseU64(k[8:]))
		if err != nil {
			return false, err
		}
		if a.may(u, target, t.now) {
			out = append(out, u)
		}
		return true, nil
	})
	return out, err
}

// checkAsker is the requester check the actions run: the person recorded
// must be a member the asker allows (refusal says otherwise), active and
// not locked (requesterRefusal).
func (t *txn) checkAsker(a asker, p Practice, login string, target *User, roleNames, refusal string) (User, error) {
	if strings.TrimSpace(login) == "" {
		// Nobody recorded: if nobody could be, say why (requesterstatus.go).
		if err := t.nobodyMayAsk(a, p, target); err != nil {
			return User{}, err
		}
	}
	r, err := t.requesterIn(p, login, a.Rule, roleNames)
	if err != nil {
		return r, err
	}
	if !a.May(r, target) {
		return r, refuse(a.Rule, refusal)
	}
	return r, requesterRefusal(r, p, a.Rule, roleNames, t.now)
}
