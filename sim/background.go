package sim

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Background runs a simulator in a goroutine of its own, for the console's S
// key: started and stopped at will, its summary readable while it runs.
type Background struct {
	mu      sync.Mutex
	sim     *Simulator
	ro      RunOptions
	cancel  context.CancelFunc
	done    chan struct{}
	last    Summary
	running bool
	failure string // why the last run ended by itself: a panic caught
}

// NewBackground prepares a simulator that Start will run with ro.
func NewBackground(s *Simulator, ro RunOptions) *Background {
	b := &Background{sim: s, ro: ro}
	progress := ro.Progress
	b.ro.Progress = func(sum Summary) {
		b.mu.Lock()
		b.last = sum
		b.mu.Unlock()
		if progress != nil {
			progress(sum)
		}
	}
	return b
}

// Start runs the simulator until Stop; starting a running one — or one still
// stopping, which Running reports as running until its run is over — does
// nothing, so two runs never share the simulator.
func (b *Background) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.cancel, b.done, b.running = cancel, done, true
	b.failure = ""
	go func() {
		defer close(done)
		defer b.recoverRun(cancel)
		sum := b.sim.Run(ctx, b.ro)
		b.mu.Lock()
		b.last = sum
		b.mu.Unlock()
	}()
}

// recoverRun catches a panic of the run's goroutine, which would otherwise
// end the whole console and every operator's session with it over SSH: the
// run stops, Failure says why, and the summary keeps it among the
// violations, with the place it happened, for whoever reads the run.
func (b *Background) recoverRun(cancel context.CancelFunc) {
	r := recover()
	if r == nil {
		return
	}
	cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failure = fmt.Sprintf("internal error: %v (%s)", r, panicSite())
	b.last.Violations = append(append([]string(nil), b.last.Violations...), "the simulator stopped: "+b.failure)
	b.running = false
}

// panicSite is the innermost frame outside the runtime of a goroutine that
// is panicking (call it from the deferred function that recovered).
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if !more {
			return "unknown place"
		}
	}
}

// Failure says why the last run ended by itself (a panic caught), or ""
// when it did not.
func (b *Background) Failure() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failure
}

// Stop ends a run and waits, outside the lock, for its last action and
// final check; Running stays true until the run is over.
func (b *Background) Stop() {
	b.mu.Lock()
	if !b.running {
		b.mu.Unlock()
		return
	}
	cancel, done := b.cancel, b.done
	b.mu.Unlock()
	cancel()
	<-done
	b.mu.Lock()
	b.running = false
	b.mu.Unlock()
}

// Running reports whether the simulator is acting.
func (b *Background) Running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running
}

// Rate is the actions per second it runs at.
func (b *Background) Rate() float64 { return b.ro.Rate }

// Violations is how many rule violations the simulator has found so far.
func (b *Background) Violations() int { return len(b.Summary().Violations) }

// Summary is the latest summary (updated about once a second while running).
func (b *Background) Summary() Summary {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}
