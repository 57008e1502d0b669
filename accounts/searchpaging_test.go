package accounts

import (
	"fmt"
	mrand "math/rand/v2"
	"testing"
)

// R31, R33 (issue 14 item 1): walking a search's pages while users are
// added and renamed between them, every user that did not change and
// matches is listed once, at its rank; no such row comes twice; the rows
// come in rank and id order. (A user renamed meanwhile shows where it is
// at the next page: again at another rank, or not at all.)
func TestSearchPagesWhileWriting(t *testing.T) {
	s, _ := newTestDemo(t, 8)
	rng := mrand.New(mrand.NewPCG(3, 4))
	var all []User
	for after := uint64(0); ; {
		rows, err := s.Users(UserQuery{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			all = append(all, r.User)
		}
		if len(rows) < 500 {
			break
		}
		after = rows[len(rows)-1].ID
	}
	owner := map[uint64]string{}
	for _, u := range all {
		if u.Roles.Owner && u.Status == StatusActive && !u.Locked() {
			owner[u.PracticeID] = u.Login()
		}
	}
	added := 0
	for _, q := range []string{"a", "m j", "jo", "e", all[7].Login()} {
		before, err := s.Users(UserQuery{Search: q, Limit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		touched := map[uint64]bool{}
		seen := map[uint64]bool{}
		rankOf := map[uint64]int{}
		var last Hit
		for page := 0; ; page++ {
			rows, err := s.Users(UserQuery{Search: q, After: last.ID, AfterRank: last.Rank, Limit: 1 + rng.IntN(9)})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				h := Hit{Rank: r.Rank, ID: r.ID}
				if seen[r.ID] && !touched[r.ID] {
					t.Fatalf("%q page %d: user %d again", q, page, r.ID)
				}
				if page+len(seen) > 0 && !h.after(last) {
					t.Fatalf("%q page %d: %v after %v", q, page, h, last)
				}
				seen[r.ID], rankOf[r.ID], last = true, r.Rank, h
			}
			if len(rows) == 0 {
				break
			}
			// Between pages: a user renamed, a user added.
			u := all[rng.IntN(len(all))]
			touched[u.ID] = true
			err = s.update(func(tx *txn) error {
				cur, err := tx.user(u.ID)
				if err != nil {
					return err
				}
				old := cur
				cur.Name = []string{"Ann Jones", "Zed Quill", "Maria Jo"}[rng.IntN(3)]
				return tx.putUser(&old, cur)
			})
			if err != nil {
				t.Fatal(err)
			}
			p := all[rng.IntN(len(all))].PracticeID
			if req, ok := owner[p]; ok {
				added++
				email := fmt.Sprintf("new%d@example.org", added)
				err = s.update(func(tx *txn) error {
					_, err := tx.createUser(seedActor, NewUser{PracticeID: p, Name: "Mia Jonas", Kind: KindStaff, Email: email, EmailConfirm: email},
						Request{Requester: req}, StatusActive, Credential{Demo: true})
					return err
				})
				if err != nil && RuleOf(err) != "R1" { // a full practice refuses
					t.Fatal(err)
				}
			}
		}
		for _, r := range before {
			if !touched[r.ID] && (!seen[r.ID] || rankOf[r.ID] != r.Rank) {
				t.Errorf("%q: user %d (rank %d), unchanged, listed %v at rank %d", q, r.ID, r.Rank, seen[r.ID], rankOf[r.ID])
			}
		}
	}
}
