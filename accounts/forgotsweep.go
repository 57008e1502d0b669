package accounts

import (
	"sync"
	"time"

	"latchkey/store"
)

// forgotHint is when the oldest "Forgot your password?" window this process
// knows of ends (R16), so that neither a write transaction nor the
// console's tick reads the throttle's index when nothing can be due: on
// PostgreSQL that read is a query of its own (about 50 µs), which every
// write would otherwise pay. It is read from the database when the service
// opens, by every sweep and by every write that prunes, and lowered by
// every window this process opens. A window another machine (or a
// one-shot command) opened is not in it until the next read, so the hint
// is trusted for forgotRescan at most: an entry outlives its window by at
// most that, as long as anything writes or a console runs.
type forgotHint struct {
	mu   sync.Mutex
	next time.Time // when the oldest window known ends; zero: none
	read time.Time // when next was last read from the database (service time)
}

// forgotRescan is how long the hint is trusted without reading the index
// again: the slack by which a window opened by another process may outlive
// its end.
const forgotRescan = time.Minute

// SweepDue reports, from memory alone, whether Sweep has something to do at
// now besides the locks (which the console knows from its lockouts pane): a
// forgot-password window has ended, or the hint is due to be read again
// (R16). The console sweeps then, so a quiet desk forgets an address within
// a second of its window's end (forgotRescan for another machine's).
func (s *Service) SweepDue(now time.Time) bool {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	return s.forgot.dueLocked(now)
}

func (h *forgotHint) dueLocked(now time.Time) bool {
	return (!h.next.IsZero() && !now.Before(h.next)) ||
		h.read.IsZero() || now.Before(h.read) || now.Sub(h.read) >= forgotRescan
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

// forgotPruned sets the hint from what a committed write's prune found: the
// end of the oldest window left (zero: none), as of read.
func (s *Service) forgotPruned(next, read time.Time) {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	s.forgot.next, s.forgot.read = next, read
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
			next = forgotEnd(k, now, every)
			return false, nil
		})
	})
	if err != nil {
		return false, err
	}
	s.forgot.next, s.forgot.read = next, now
	return !next.IsZero() && !now.Before(next), nil
}

// forgotEnd is when the window of index key k ends; an entry from before
// entries were keyed is due at once (now).
func forgotEnd(k []byte, now time.Time, every time.Duration) time.Time {
	if len(k) != 8+forgotKeyLen {
		return now
	}
	return time.Unix(0, int64(store.ParseU64(k[:8]))).Add(every)
}

// forgotScanWanted says whether a write transaction at now should prune.
func (s *Service) forgotScanWanted(now time.Time) bool {
	s.forgot.mu.Lock()
	defer s.forgot.mu.Unlock()
	return s.forgot.dueLocked(now)
}
