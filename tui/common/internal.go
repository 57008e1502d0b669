package common

import (
	"fmt"
	"runtime/debug"
)

// A panic in a service command must never reach the operator's screen nor
// end their session: it is caught where the command runs, comes back as an
// *InternalError in the command's own answer (so the pane or form waiting
// for it carries on), and the root logs its value and stack to the app's
// log, never to the screen, and shows only that an internal error was
// logged.

// InternalMsg is what the operator is shown of a panic.
const InternalMsg = "internal error, logged"

// InternalError is a panic caught in a command.
type InternalError struct {
	Value string // the panic's value (logged, never drawn)
	Stack string // where it happened (logged, never drawn)
}

func (e *InternalError) Error() string { return InternalMsg }

// Recovered turns a recovered panic value into an *InternalError carrying
// the stack of the goroutine that panicked (call it in the deferred
// function that recovered).
func Recovered(r any) *InternalError {
	return &InternalError{Value: fmt.Sprint(r), Stack: string(debug.Stack())}
}

// Logger is where the console writes what the operator must not see on the
// screen: a panic's value and stack. *log.Logger (charm.land/log) is one.
type Logger interface {
	Error(msg any, keyvals ...any)
}
