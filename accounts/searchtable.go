package accounts

import (
	"sync"

	"latchkey/store"
)

// The practice of every user, in memory (issue 14 item 2). A query such as
// "summit cardiology jo" is met by the names of hundreds of practices; each
// candidate's practice decides whether its practice's name meets a term,
// and without this table that costs a doc read per candidate (a descent of
// the docs' tree), or reading the members of hundreds of practices from
// the per-practice index. With it, the members of a set of practices in an
// id range are a pass over an array, and a candidate's practice costs
// nothing.
//
// It stays exact without following the writes, because a user's id and
// practice never change (putUser refuses a move) and ids are never reused:
// the table holds every user up to the users' sequence of the snapshot it
// was read from (upto), and says nothing of later ids, which the search
// reads from the index as before. On bbolt only: one writer commits ids in
// order, so no id at or below upto can appear later.

// tableMinUsers is how many users make the table worth its memory (4 bytes
// a user) and its build (a pass over the per-practice index); a variable:
// the tests build it on small worlds too.
var tableMinUsers = 100_000

// practiceTable maps a user id to its practice's id.
type practiceTable struct {
	of   []uint32 // of[id]: user id's practice (0: no user at the build)
	upto uint64   // every user id <= upto is in of
}

// practiceOf returns id's practice, if the table knows it.
func (t *practiceTable) practiceOf(id uint64) (uint64, bool) {
	if t == nil || id > t.upto || id >= uint64(len(t.of)) || t.of[id] == 0 {
		return 0, false
	}
	return uint64(t.of[id]), true
}

// members appends to ids those in [lo, hi] whose practice is in set
// (indexed by practice id), in id order.
func (t *practiceTable) members(set []bool, lo, hi uint64, ids []uint64) []uint64 {
	hi = min(hi, uint64(len(t.of))-1)
	if lo > hi || len(set) == 0 {
		return ids
	}
	for i, p := range t.of[lo : hi+1] {
		if int(p) < len(set) && set[p] {
			ids = append(ids, lo+uint64(i))
		}
	}
	return ids
}

// userTable holds the service's table, built once in the background.
type userTable struct {
	mu       sync.Mutex
	table    *practiceTable
	building bool
	built    chan struct{} // closed when the build in progress ends
	off      bool          // the database is too small, or not bbolt
}

// WarmSearch builds what makes a user search fast at a million users (the
// practice table) now, if it is not built yet, instead of in the background
// after the first search; the benchmarks call it to time the steady state.
func (s *Service) WarmSearch() {
	s.practices()
	s.userTable.mu.Lock()
	built := s.userTable.built
	s.userTable.mu.Unlock()
	if built != nil {
		<-built
	}
}

// practices returns the table if it is built, and starts its build if
// it is not (the search goes on without it meanwhile).
func (s *Service) practices() *practiceTable {
	ut := &s.userTable
	ut.mu.Lock()
	defer ut.mu.Unlock()
	if ut.table != nil || ut.building || ut.off {
		return ut.table
	}
	if s.db.Engine() != store.Bolt {
		ut.off = true
		return nil
	}
	ut.building = true
	built := make(chan struct{})
	ut.built = built
	go func() {
		defer close(built)
		t, err := s.buildPracticeTable()
		ut.mu.Lock()
		defer ut.mu.Unlock()
		ut.building = false
		switch {
		case err != nil: // the service closing: tried again next time
		case t == nil:
			ut.off = true
		default:
			ut.table = t
		}
	}()
	return nil
}

// buildPracticeTable reads the table from the per-practice index in one
// snapshot; nil when there are too few users (or their ids do not fit).
func (s *Service) buildPracticeTable() (*practiceTable, error) {
	var t *practiceTable
	err := s.db.View(func(tx *store.Tx) error {
		upto, err := tx.Sequence(bUsers)
		if err != nil || upto < uint64(tableMinUsers) || upto >= 1<<31 {
			return err
		}
		t = &practiceTable{of: make([]uint32, upto+1), upto: upto}
		return tx.Scan(ixPracticeUsers, nil, nil, false, func(k, _ []byte) (bool, error) {
			p, id := store.ParseU64(k[:8]), store.ParseU64(k[8:])
			if id > upto || p >= 1<<32 {
				t = nil // not what the table can hold: the search does without
				return false, nil
			}
			t.of[id] = uint32(p)
			return true, nil
		})
	})
	return t, err
}
