package accounts

import "time"

// A list pane holds the records of its rows and reads nothing more per key,
// yet its footer should offer only the keys that can run for the row under
// the cursor (R31). OnUserRecord and OnPracticeRecord answer Eligible from
// the record alone, with the same state checks, the parts of them that read
// nothing else. Eligible stays the answer when an action starts; these are
// its cheap shadow:
//   - an action the record refuses is refused, with Eligible's rule;
//   - an action that turns only on other records that are usually there
//     (someone who may ask, a practice's free license, another owner) is
//     offered, and Eligible says so when it starts if they are not;
//   - an action that needs a record a user usually lacks (a clear waiting
//     for four eyes, R42; a factor on the watch list, R43; this operator's
//     passed caller check for an MFA clear, R41) is not offered from the
//     record: the user's detail, which reads them, offers it.

// beyondRecord refuses an action whose condition is not on the record.
func beyondRecord(rule, what string) error {
	return refuseWith(rule, what+" is not on the user's record", "Open the user (enter): their detail says whether it applies.")
}

// userRecordStates are the user actions' record-level checks, in
// actionRules' order. Each calls what its actionRules entry calls.
var userRecordStates = []struct {
	Action Action
	State  func(a Actor, u User, now time.Time, demo bool) error
}{
	{ActionUnlock, func(_ Actor, u User, now time.Time, _ bool) error { return stateLocked(u, now) }},
	{ActionSendSetup, func(_ Actor, u User, _ time.Time, _ bool) error { return stateSendSetup(u) }},
	{ActionResetPassword, func(a Actor, u User, _ time.Time, _ bool) error { return stateResetPassword(a, u) }},
	{ActionClearMFA, func(a Actor, u User, _ time.Time, _ bool) error {
		if err := stateClearMFA(a, u); err != nil {
			return err
		}
		return beyondRecord("R41", "a passed caller check of "+u.Login()+" by "+a.Name)
	}},
	{ActionVerify, func(a Actor, u User, _ time.Time, _ bool) error { return stateVerify(a, u) }},
	{ActionApproveClear, func(_ Actor, u User, _ time.Time, _ bool) error {
		return beyondRecord("R42", "a request about "+u.Login()+" waiting for a second operator")
	}},
	{ActionReviewWatch, func(_ Actor, u User, _ time.Time, _ bool) error {
		return beyondRecord("R43", "a factor of "+u.Login()+" on the watch list")
	}},
	{ActionInactivate, func(_ Actor, u User, _ time.Time, _ bool) error { return stateNotInactive(u) }},
	{ActionReactivate, func(_ Actor, u User, _ time.Time, _ bool) error { return stateInactive(u) }},
	{ActionPermissions, func(_ Actor, u User, _ time.Time, _ bool) error { return statePermissions(u) }},
	{ActionReplace, func(_ Actor, u User, _ time.Time, _ bool) error { return stateReplace(u) }},
	{ActionShowQR, func(_ Actor, u User, _ time.Time, demo bool) error { return stateEnrolmentShown(demo, u) }},
}

// OnUserRecord is what u's record alone says of each action on users for
// operator actor at now, on a database that is a demo or not (the rules
// above). It reads nothing. A face that is not an operator's gets nil:
// what a practice user may do turns on more than the record.
func OnUserRecord(actor Actor, u User, now time.Time, demo bool) []Eligibility {
	if actor.Kind != ActorOperator {
		return nil
	}
	out := make([]Eligibility, 0, len(userRecordStates))
	for _, rs := range userRecordStates {
		out = append(out, onRecord(actor, rs.Action, func() error { return rs.State(actor, u, now, demo) }))
	}
	return out
}

// OnWatchEntry is what an open entry of the watch list says of each action
// on its user for operator actor: its factor is reviewed by anyone but the
// operators of the clear (R43, reviewerRefusal); the rest turns on the
// user's record, which the entry does not hold (the detail reads it).
func OnWatchEntry(actor Actor, w WatchEntry) []Eligibility {
	if actor.Kind != ActorOperator {
		return nil
	}
	out := make([]Eligibility, 0, len(userRecordStates))
	for _, rs := range userRecordStates {
		state := func() error { return beyondRecord("R31", "what applies to "+w.Login) }
		if rs.Action == ActionReviewWatch {
			state = func() error { return reviewerRefusal(actor, w) }
		}
		out = append(out, onRecord(actor, rs.Action, state))
	}
	return out
}

// OnPracticeRecord is what p's record alone says of each action on
// practices for operator actor (the rules above): adding a user needs a
// free license (R1); who may ask is read when the action starts.
func OnPracticeRecord(actor Actor, p Practice) []Eligibility {
	if actor.Kind != ActorOperator {
		return nil
	}
	return []Eligibility{
		onRecord(actor, ActionAddUser, func() error { return stateAddUser(p) }),
		onRecord(actor, ActionRequestLicenses, func() error { return nil }),
		onRecord(actor, ActionRequireMFA, func() error { return stateRequireMFA(actor) }),
	}
}

// onRecord is one action's answer, as Eligible gives it (a read-only
// operator is refused everything, R35).
func onRecord(actor Actor, a Action, state func() error) Eligibility {
	e := Eligibility{Action: a, OK: true}
	err := state()
	if actor.ReadOnly {
		err = readOnlyRefusal(actor.Name)
	}
	if re, ok := err.(*RuleError); ok {
		e.OK, e.Rule, e.Why, e.Guidance = false, re.Rule, re.Msg, re.Guidance
	}
	return e
}
