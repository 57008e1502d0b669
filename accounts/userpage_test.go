package accounts

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// walkUsers pages through q limit rows at a time, going on after a cut page
// where it says, and returns the ids in order and how many pages were cut.
func walkUsers(t *testing.T, s *Service, q UserQuery, limit int) (ids []uint64, cuts int) {
	t.Helper()
	q.Limit = limit
	for range 100_000 {
		p, err := s.UsersPage(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Rows {
			ids = append(ids, r.ID)
		}
		switch {
		case p.Cut:
			cuts++
			if len(p.Rows) >= limit {
				t.Fatalf("%+v: a full page said it was cut", q)
			}
			if after := (Hit{Rank: p.AfterRank, ID: p.After}); !after.after(Hit{Rank: q.AfterRank, ID: q.After}) {
				t.Fatalf("%+v: a cut page goes on at %+v, not past where it began", q, after)
			}
			q.After, q.AfterRank = p.After, p.AfterRank
		case len(p.Rows) < limit:
			return ids, cuts
		default:
			last := p.Rows[len(p.Rows)-1]
			q.After, q.AfterRank = last.ID, last.Rank
		}
	}
	t.Fatalf("%+v: pages without end", q)
	return nil, 0
}

// R31, R32: the users list filtered by status (pending, active, inactive)
// or by lock, alone or with a practice and a search, pages exactly as a
// scan of every user would answer: every match once, in order, with no
// gap or repeat — also when a budget of records read cuts pages short
// (the console's bound at a million users), and for locked users, whose
// index is in order of lift time while pages go on by id.
func TestUserStatusFilterPagesAsAScan(t *testing.T) {
	s, clock := newTestDemo(t, 6)
	all, _ := walkUsers(t, s, UserQuery{}, 500)
	users := make([]User, 0, len(all))
	for _, id := range all {
		u, err := s.User(id)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	// Locks whose lift times run against their ids: the newest id first.
	locked := 0
	for i := len(users) - 1; i >= 0 && locked < 7; i -= 37 {
		if u := users[i]; u.Status == StatusActive && !u.Locked() {
			_ = failLogins(t, s, u.Login(), s.cfg.MaxFailures)
			clock.Advance(time.Minute)
			locked++
		}
	}
	byStatus := map[Status]int{}
	for i, id := range all {
		u, _ := s.User(id)
		users[i] = u
		byStatus[u.Status]++
	}
	if byStatus[StatusPending] == 0 || byStatus[StatusInactive] == 0 {
		t.Fatalf("the demo has no pending or inactive users: %v", byStatus)
	}
	practice := users[len(users)/2].PracticeID
	surname := strings.Fields(users[3].Name)[1]
	filters := []UserQuery{{Status: StatusPending}, {Status: StatusActive}, {Status: StatusInactive}, {LockedOnly: true}}
	cuts := 0
	for _, f := range filters {
		for _, scope := range []uint64{0, practice} {
			for _, search := range []string{"", surname, "a"} {
				q := f
				q.PracticeID, q.Search = scope, search
				// What a scan says: every user of the (unfiltered) list
				// that passes the filter, in the list's order.
				base, _ := walkUsers(t, s, UserQuery{PracticeID: scope, Search: search}, 1000)
				var want []uint64
				for _, id := range base {
					u, _ := s.User(id)
					if (f.Status == "" || u.Status == f.Status) && (!f.LockedOnly || u.Locked()) {
						want = append(want, id)
					}
				}
				if search == "" && f.LockedOnly {
					slices.Sort(want)
				}
				for _, b := range []struct{ limit, budget int }{{200, 0}, {3, 0}, {4, 5}, {1, 2}} {
					q.Budget = b.budget
					got, c := walkUsers(t, s, q, b.limit)
					cuts += c
					if !slices.Equal(got, want) {
						t.Errorf("%s: %d users, want %d:\n got %v\nwant %v", describe(q, b.limit), len(got), len(want), got, want)
					}
				}
			}
		}
	}
	t.Logf("%d users %v, %d locked, %d cut pages", len(all), byStatus, locked, cuts)
	if cuts == 0 {
		t.Fatal("no page was cut by its budget: the bound was not exercised")
	}
}

func describe(q UserQuery, limit int) string {
	return fmt.Sprintf("status %q locked %t practice %d search %q limit %d budget %d", q.Status, q.LockedOnly, q.PracticeID, q.Search, limit, q.Budget)
}
