package accounts

import "latchkey/store"

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
		if seq <= cur || s.changes.CompareAndSwap(cur, seq) {
			return
		}
	}
}
