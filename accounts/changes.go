package accounts

import (
	"sync"

	"latchkey/store"
)

// The change feed (R35): every console — local, over SSH, beside the
// simulator — redraws when another operator, the simulator or the lock
// sweeper has changed something. Every change of state appends an audit
// event (R29), so the number of the newest committed event is the feed: a
// console remembers the number it last drew at and reloads its visible pane
// only when ChangeSeq has moved on. Reading it is one atomic load, no I/O,
// so a console may ask every tick.

// ChangeSeq is the number of the newest audit event committed through this
// service. It only grows; it moves when, and only when, a write transaction
// that appended an event has committed.
func (s *Service) ChangeSeq() uint64 { return s.changes.Load() }

// loadChangeSeq starts the feed at the newest event already in the file.
func (s *Service) loadChangeSeq() error {
	return s.db.View(func(tx *store.Tx) error {
		s.changes.Store(auditChain.Len(tx))
		return nil
	})
}

// published advances the feed to seq once its transaction has committed.
// Write transactions commit one at a time, but their callers may get here
// in any order: the feed keeps the largest.
func (s *Service) published(seq uint64) {
	for {
		cur := s.changes.Load()
		if seq <= cur {
			return
		}
		if s.changes.CompareAndSwap(cur, seq) {
			s.wake.broadcast()
			return
		}
	}
}

// Changed returns a channel that is closed when ChangeSeq next moves: a
// console waits on it instead of asking every tick, so another operator's
// change reaches its screen at once and an idle desk costs nothing. Take
// the channel, then compare ChangeSeq with what you drew: a change between
// the two is then never missed.
func (s *Service) Changed() <-chan struct{} { return s.wake.wait() }

// waker is a broadcast: every waiter's channel closes at the next change.
type waker struct {
	mu sync.Mutex
	ch chan struct{}
}

func (w *waker) wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return w.ch
}

func (w *waker) broadcast() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
}
