package accounts

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Presence (R35): which operators have which user open, so that two
// operators taking calls about the same person see each other ("also here:
// alice"). It lives in the memory of the process that holds the database —
// every console of a served desk runs there — and is never stored.
type presence struct {
	mu  sync.Mutex
	by  map[uint64]map[string]int // user id → operator → how many of their views
	seq atomic.Uint64             // advances on every open and close
}

// Look records that operator has user userID open, until done is called
// (calling done again does nothing).
func (s *Service) Look(operator string, userID uint64) (done func()) {
	p := &s.presence
	p.mu.Lock()
	if p.by == nil {
		p.by = map[uint64]map[string]int{}
	}
	if p.by[userID] == nil {
		p.by[userID] = map[string]int{}
	}
	p.by[userID][operator]++
	p.mu.Unlock()
	p.seq.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			if ops := p.by[userID]; ops != nil {
				if ops[operator]--; ops[operator] <= 0 {
					delete(ops, operator)
				}
				if len(ops) == 0 {
					delete(p.by, userID)
				}
			}
			p.mu.Unlock()
			p.seq.Add(1)
		})
	}
}

// AlsoHere is the other operators (not me) who have user userID open, by name.
func (s *Service) AlsoHere(userID uint64, me string) []string {
	p := &s.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for op := range p.by[userID] {
		if op != me {
			out = append(out, op)
		}
	}
	slices.Sort(out)
	return out
}

// PresenceSeq advances whenever an operator opens or leaves a user: a console
// showing "also here" redraws it when this moves (one atomic load).
func (s *Service) PresenceSeq() uint64 { return s.presence.seq.Load() }
