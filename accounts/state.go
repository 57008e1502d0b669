package accounts

import "fmt"

// The state machines of SPEC.md, as tables. Every change of a user's status or
// lock goes through transition(), so no change outside these tables can happen.

// LockState is the account lock: open (counting failures) or locked until a time.
type LockState string

const (
	LockOpen   LockState = "open"
	LockLocked LockState = "locked"
)

// statusTransitions: "" is a user not yet created.
var statusTransitions = map[Status][]Status{
	"":             {StatusPending, StatusActive}, // created (active only by demo seeding of verified users)
	StatusPending:  {StatusActive, StatusInactive},
	StatusActive:   {StatusInactive},
	StatusInactive: {StatusPending, StatusActive}, // reactivated: back to where verification left them
}

// lockTransitions: open -> locked on the Nth failure (R11); locked -> open by
// the lift (R12), an unlock (R13) or a completed reset.
var lockTransitions = map[LockState][]LockState{
	LockOpen:   {LockLocked},
	LockLocked: {LockOpen},
}

// TransitionError is a change no state machine allows: a bug, not a refusal.
type TransitionError struct {
	Machine  string
	From, To string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s cannot go from %q to %q", e.Machine, e.From, e.To)
}

func allowed[S comparable](table map[S][]S, from, to S) bool {
	for _, s := range table[from] {
		if s == to {
			return true
		}
	}
	return false
}

func statusTransition(from, to Status) error {
	if !allowed(statusTransitions, from, to) {
		return &TransitionError{Machine: "user status", From: string(from), To: string(to)}
	}
	return nil
}

func lockTransition(from, to LockState) error {
	if !allowed(lockTransitions, from, to) {
		return &TransitionError{Machine: "account lock", From: string(from), To: string(to)}
	}
	return nil
}
