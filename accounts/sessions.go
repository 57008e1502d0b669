package accounts

// Sessions of a served desk (R29, R35): who connected, with which key, from
// where, and what a session without a console ran. The desk records them —
// not the operator — so a read-only operator's sessions are on record too.

// Session audit actions.
const (
	ActSessionOpened  = "session.opened"
	ActSessionClosed  = "session.closed"
	ActSessionCommand = "session.command"
)

// RecordSession appends a session event for operator, with detail such as
// "console over SSH from 10.0.0.5:51234, key SHA256:...".
func (s *Service) RecordSession(operator Actor, action, detail string) error {
	return s.update(func(t *txn) error {
		return t.appendEvent(Event{ActorKind: ActorOperator, Actor: operator.Name, Action: action,
			Outcome: OutcomeOK, Detail: detail})
	})
}
