package sim

import (
	"latchkey/accounts"
)

// CheckQuick checks, cheaply, what must hold after any step: no practice
// uses more licenses than it bought (R1) and no lock outlives its hour (R12).
func (s *Simulator) CheckQuick() {
	st, err := s.svc.Stats()
	if err != nil {
		s.violation("stats: %v", err)
		return
	}
	if st.InUse > st.Purchased {
		s.violation("R1: %d licenses in use of %d purchased", st.InUse, st.Purchased)
	}
	// Any lock due when the sweep began must be gone after it (on a real
	// clock, another may fall due in between: that one is the next sweep's).
	sweptAt := s.svc.Now()
	if _, err := s.svc.Sweep(); err != nil {
		s.violation("sweep: %v", err)
	}
	if due, err := s.svc.DueLiftsAt(sweptAt); err != nil || due {
		s.violation("R12: a lock outlived its time after a sweep (%v)", err)
	}
	locks, err := s.svc.Lockouts(0)
	if err != nil {
		s.violation("lockouts: %v", err)
	}
	limit := s.svc.Config().LockDuration
	for _, l := range locks {
		if d := l.UnlocksAt.Sub(l.LockedAt); d > limit {
			s.violation("R12: %s locked for %s, more than %s", l.Login, d, limit)
		}
	}
}

// CheckFull recounts every practice's licenses from its users (R1) and
// verifies the whole file and audit chain (R29, R36).
func (s *Simulator) CheckFull() {
	s.CheckQuick()
	var after uint64
	for {
		ps, err := s.svc.Practices(accounts.PracticeQuery{After: after, Limit: 500})
		if err != nil {
			s.violation("practices: %v", err)
			return
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			after = p.ID
			if p.InUse > p.Purchased {
				s.violation("R1: %s has %d in use of %d", p.Name, p.InUse, p.Purchased)
			}
			holding := 0
			var uafter uint64
			for {
				rows, err := s.svc.Users(accounts.UserQuery{PracticeID: p.ID, After: uafter, Limit: 1000})
				if err != nil || len(rows) == 0 {
					break
				}
				for _, r := range rows {
					uafter = r.ID
					if r.Status != accounts.StatusInactive {
						holding++
					}
				}
			}
			if holding != p.InUse {
				s.violation("R1: %s counts %d in use but %d users hold a license", p.Name, p.InUse, holding)
			}
		}
	}
	if err := s.svc.Check(); err != nil {
		s.violation("R29: %v", err)
	}
	if s.callers {
		s.CheckClears()
	}
}
