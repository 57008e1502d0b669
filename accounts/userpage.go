package accounts

import (
	"slices"

	"latchkey/store"
)

// A page of users, and where the next one goes on.
//
// Filters by what an index carries cost nothing per record: a practice
// (ix_practice_users), a lock (ix_lockouts: its entry is there exactly while
// the user is locked, indexUser), the words of a search. A status
// (pending, active, inactive) is carried by no index, so the records are
// read to test it: in id order from the file, or the search's matches one
// by one. With a Budget the records read for it are bounded: a page that
// runs out before it is full is cut, and says after which (rank, id) the
// next page goes on — past the records read, which may be past its last
// row. Walking the pages still gives every match once, in order.

// StatusBudget is the budget the console gives a status filter: about a
// few milliseconds of record reads at a million users (measured with
// BenchmarkFilterKeyToView and a status set).
const StatusBudget = 1024

// UserPage is a page of users.
type UserPage struct {
	Rows []UserRow
	// Cut: the Budget ran out before Limit rows were found. The next page
	// goes on after (AfterRank, After), which may lie past the last row.
	Cut       bool
	After     uint64
	AfterRank int
}

// UsersPage is Users with where the next page goes on.
func (s *Service) UsersPage(q UserQuery) (UserPage, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	// A screenful is asked for as the operator types: room for it at once
	// (growing the rows from one cost a key more allocation than its search).
	page := UserPage{Rows: make([]UserRow, 0, min(q.Limit, 64))}
	terms := searchTerms(q.Search, false)
	var table *practiceTable
	if len(terms) > 0 {
		table = s.practices()
	}
	err := s.db.View(func(tx *store.Tx) error {
		names := practiceNames{}
		budget := statusBudget{q: q}
		keepAt := func(u User, rank int) (bool, error) {
			if (q.Status != "" && u.Status != q.Status) || (q.LockedOnly && !u.Locked()) ||
				(q.PracticeID != 0 && u.PracticeID != q.PracticeID) {
				return true, nil
			}
			name, err := names.of(tx, u.PracticeID)
			if err != nil {
				return false, err
			}
			page.Rows = append(page.Rows, UserRow{User: u, PracticeName: name, Rank: rank})
			return len(page.Rows) < q.Limit, nil
		}
		keep := func(u User) (bool, error) { return keepAt(u, 0) }
		// keepID reads user id if its status may match, within the budget.
		keepID := func(id uint64) (bool, error) {
			ok, err := budget.status(tx, id)
			if err != nil || !ok {
				return !budget.cut(&page, 0, id), err
			}
			u, err := getUser(tx, id)
			if err != nil {
				return false, err
			}
			more, err := keep(u)
			return more && !budget.cut(&page, 0, id), err
		}
		if len(terms) > 0 {
			defer s.searched()
			hits, cut, err := searchUsers(tx, q, terms, table, &s.wordLists)
			if err != nil {
				return err
			}
			for _, h := range hits {
				u, err := getUser(tx, h.ID)
				if err != nil {
					return err
				}
				if _, err := keepAt(u, h.Rank); err != nil {
					return err
				}
			}
			if cut.ID != 0 {
				page.Cut, page.After, page.AfterRank = true, cut.ID, cut.Rank
			}
			return nil
		}
		if q.LockedOnly {
			// From the lockouts index, in id order: as many reads as locks
			// on the page, not users (the index is in order of lift time,
			// and pages go on by id).
			ids, err := lockedIDs(tx)
			if err != nil {
				return err
			}
			i, _ := slices.BinarySearch(ids, q.After+1)
			for _, id := range ids[i:] {
				u, err := getUser(tx, id)
				if err != nil {
					return err
				}
				if more, err := keep(u); err != nil || !more {
					return err
				}
			}
			return nil
		}
		if q.PracticeID != 0 {
			prefix := store.U64(q.PracticeID)
			return tx.Scan(ixPracticeUsers, prefix, store.Key(prefix, store.U64(q.After+1)), false,
				func(k, _ []byte) (bool, error) { return keepID(store.ParseU64(k[8:])) })
		}
		return scanUsers(tx, q.After+1, func(k, v []byte) (bool, error) {
			if !isUserKey(k) {
				return true, nil // an event of the user before (userevents.go)
			}
			id := store.ParseU64(k)
			if q.Status != "" {
				ok, err := budget.statusOf(v)
				if err != nil || !ok {
					return !budget.cut(&page, 0, id), err
				}
			}
			u, err := decode[User](v)
			if err != nil {
				return false, err
			}
			more, err := keep(u)
			return more && !budget.cut(&page, 0, id), err
		})
	})
	return page, err
}

// statusBudget counts the records a status filter read (UserQuery.Budget).
type statusBudget struct {
	q    UserQuery
	read int
}

// status reports whether user id may pass the query's Status, reading only
// the fields of its record that say (decodeUserTotals); true without one.
func (b *statusBudget) status(tx *store.Tx, id uint64) (bool, error) {
	if b.q.Status == "" {
		return true, nil
	}
	raw, err := tx.GetRaw(usersBucketOf(id), store.U64(id))
	if err != nil {
		return false, err
	}
	return b.statusOf(raw)
}

// statusOf counts a record read and reports whether its status passes.
func (b *statusBudget) statusOf(raw []byte) (bool, error) {
	b.read++
	t, err := decodeUserTotals(raw)
	return err == nil && t.Status == b.q.Status, err
}

// cut ends the page at (rank, id) when the budget is spent and the page is
// not full, and reports whether it did.
func (b *statusBudget) cut(p *UserPage, rank int, id uint64) bool {
	if b.q.Budget <= 0 || b.read < b.q.Budget || len(p.Rows) >= b.q.Limit || p.Cut {
		return p.Cut
	}
	p.Cut, p.After, p.AfterRank = true, id, rank
	return true
}

// lockedIDs are the locked users, in id order, from the lockouts index.
func lockedIDs(tx *store.Tx) ([]uint64, error) {
	var ids []uint64
	err := tx.Scan(ixLockouts, nil, nil, false, func(k, _ []byte) (bool, error) {
		ids = append(ids, store.ParseU64(k[8:]))
		return true, nil
	})
	slices.Sort(ids)
	return ids, err
}
