package accounts

import "errors"

// recordRefusal is the one way a refusal is audited (R29): when err is a
// *RuleError, the event e is appended in a transaction of its own — the
// refused action itself changed nothing — with the outcome "refused Rn" and
// the rule's message as its detail. Any other error is returned as it is.
func (s *Service) recordRefusal(e Event, err error) error {
	var re *RuleError
	if !errors.As(err, &re) {
		return err
	}
	e.Outcome, e.Detail = refusedOutcome(re.Rule), re.Msg
	if aerr := s.update(func(t *txn) error { return t.appendEvent(e) }); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// refusalEvent is the event of a refused action by actor on a user.
func refusalEvent(actor Actor, action string, u *User, req Request) Event {
	e := Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: action,
		Requester: req.Requester, Reason: req.Reason, VerifiedBy: req.VerifiedBy}
	if u != nil {
		e.Target, e.TargetID, e.PracticeID = u.Login(), u.ID, u.PracticeID
	}
	return e
}
