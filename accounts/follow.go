package accounts

import (
	"errors"

	"latchkey/store"
)

// follow keeps the service in step with other processes sharing its
// database (R44: many consoles on one PostgreSQL desk). When another process
// commits, the store says which audit event it reached, and the change feed
// moves there, so this process's consoles redraw too; a demo's clock offset
// is read again, so every process keeps the one demo time (R39). After a
// reconnect the store cannot say what it missed, and both are read afresh.
func (s *Service) follow() {
	s.db.OnChange(func(seq uint64) {
		if seq > 0 && seq <= s.ChangeSeq() {
			return // this process's own commit, or one it has seen
		}
		if seq > 0 {
			s.published(seq)
		} else {
			_ = s.db.View(func(tx *store.Tx) error {
				s.published(auditChain.Len(tx))
				return nil
			})
		}
		if s.IsDemo() {
			s.refreshDemo()
		}
	})
}

// refreshDemo reads the demo's clock offset again; it only moves forward.
func (s *Service) refreshDemo() {
	_ = s.db.View(func(tx *store.Tx) error {
		d, err := store.Get[demoInfo](tx, store.MetaBucket, keyDemo)
		if errors.Is(err, store.ErrNotFound) || err != nil {
			return err
		}
		for {
			cur := s.demo.Load()
			if cur != nil && cur.Offset >= d.Offset {
				return nil
			}
			if s.demo.CompareAndSwap(cur, &d) {
				return nil
			}
		}
	})
}

// Health is nil while the database answers; on PostgreSQL, after the
// connection is lost, it is an error naming the server until the store has
// reconnected by itself (the console's header says "reconnecting").
func (s *Service) Health() error { return s.db.Health() }
