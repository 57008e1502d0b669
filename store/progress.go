package store

import (
	"context"
	"sync"
)

// Progress is how far a long pass over the database (check) has come: the
// phase it is in (Step of Steps), and Done of Total units in that phase
// (Total 0: not known). A command draws it as a progress bar on a terminal.
type Progress struct {
	Phase       string
	Step, Steps int
	Done, Total int64
	Unit        string // what Done counts: "pages", "MB", "events", "users"
}

type progressKey struct{}

// WithProgress returns ctx carrying fn, which a long pass run under it calls
// as it goes (from its own goroutine, often: fn must be cheap and must not
// block; the caller throttles its drawing).
func WithProgress(ctx context.Context, fn func(Progress)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// report tells ctx's progress function, if any.
func report(ctx context.Context, p Progress) {
	if ctx == nil {
		return
	}
	if fn, ok := ctx.Value(progressKey{}).(func(Progress)); ok && fn != nil {
		p.Steps = checkSteps
		fn(p)
	}
}

// Report tells the progress function of the context the transaction runs
// under (a check's totals, counted by the caller), if any.
func (tx *Tx) Report(p Progress) { report(tx.ctx, p) }

// The phases of a check, in order (a PostgreSQL check skips the first
// two).
const (
	StepPages = iota + 1
	StepPageCheck
	StepChain
	StepTotals
	checkSteps = StepTotals
)

// heldProgress keeps a pass's reports back until release, passing on then
// the newest one held and, after it, each as it comes: a pass run beside an
// earlier one reports after it, so a bar's phases still come in order.
type heldProgress struct {
	ctx  context.Context // carries report, in place of the caller's function
	fn   func(Progress)
	mu   sync.Mutex
	live bool
	last *Progress
}

func holdProgress(ctx context.Context) *heldProgress {
	h := &heldProgress{ctx: ctx}
	if ctx == nil {
		return h
	}
	if fn, ok := ctx.Value(progressKey{}).(func(Progress)); ok && fn != nil {
		h.fn = fn
		h.ctx = WithProgress(ctx, h.report)
	}
	return h
}

func (h *heldProgress) report(p Progress) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.live {
		h.fn(p)
		return
	}
	h.last = &p
}

func (h *heldProgress) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.live = true
	if h.last != nil && h.fn != nil {
		h.fn(*h.last)
	}
}
