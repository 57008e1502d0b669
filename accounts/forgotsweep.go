package accounts

import (
	"sync"
	"time"

	"latchkey/store"
)

// forgotHint is when the oldest "Forgot your password?" window this process
// knows of ends, so a console on a quiet desk can ask each second, without
// touching the database, whether Sweep has a window to drop (R16): an
// address typed is then forgotten within about a second of its window's
// end even when nothing else writes. It is read from the database when the
// service opens and after every sweep, and lowered by every window this
// process opens. A window another machine opened is not in it: that
// machine's console drops it, and so does any write on any machine.
type forgotHint struct {
	mu   sync.Mutex
	next time.Time // zero: no window known
}

// SweepDue reports, from memory alone, whether Sweep has something to do at
// now besides the locks (which the console knows from its lockouts pane): a
// forgot-password window has ended (R16).
func (s *Service) SweepDue(now time.Time) bool {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	return !s.forgot.next.IsZero() && !now.Before(s.forgot.next)
}

// noteForgotWindow lowers the hint to a window that ends at end, opened by
// a transaction of this process that committed.
func (s *Service) noteForgotWindow(end time.Time) {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	if s.forgot.next.IsZero() || end.Before(s.forgot.next) {
		s.forgot.next = end
	}
}

// refreshForgotHint reads the oldest window from the database into the
// hint and says whether it is due to be dropped at now. The read and the
// update of the hint happen under its lock, so a window committed meanwhile
// is either read here or noted after.
func (s *Service) refreshForgotHint(now time.Time) (bool, error) {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	every := s.forgotEvery()
	var next time.Time
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixForgotTime, nil, nil, false, func(k, _ []byte) (bool, error) {
			if len(k) != 8+forgotKeyLen {
				next = now // from before entries were keyed: due at once
			} else {
				next = time.Unix(0, int64(store.ParseU64(k[:8]))).Add(every)
			}
			return false, nil
		})
	})
	if err != nil {
		return false, err
	}
	s.forgot.next = next
	return !next.IsZero() && !now.Before(next), nil
}
