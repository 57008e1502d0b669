package sim

import (
	"context"
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
	go func() {
		defer close(done)
		sum := b.sim.Run(ctx, b.ro)
		b.mu.Lock()
		b.last = sum
		b.mu.Unlock()
	}()
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
