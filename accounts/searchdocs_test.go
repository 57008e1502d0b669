package accounts

import (
	"testing"

	"latchkey/store/storetest"
)

// The docs a search keeps for the next (searchdocs.go) serve only the same
// committed state: a user whose doc the last key checked and who is renamed
// before the next is judged by the new name (R31).
func TestSearchKeptDocsFollowChanges(t *testing.T) {
	defer func(n int) { docSample = n }(docSample)
	docSample = 0 // check candidates by their docs even in a small world
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 20)
	u := activeUser(t, s, p.ID, "Anna Smith", Roles{}, o.Login())
	activeUser(t, s, p.ID, "Anna Jonas", Roles{}, o.Login())
	for _, q := range []string{"anna", "anna s", "anna sm"} {
		if rows, _ := s.Users(UserQuery{Search: q}); len(rows) == 0 || rows[0].ID != u.ID {
			t.Fatalf("%q before the rename: %d rows, want user %d first", q, len(rows), u.ID)
		}
	}
	// PostgreSQL gives no snapshot's version, so nothing is kept there; the
	// rename must be followed all the same.
	if n := len(s.wordLists.docs.docs); n == 0 && !storetest.OnPostgres() {
		t.Fatal("no doc kept: the test checks nothing")
	}
	err := s.update(func(tx *txn) error {
		old := u
		u.Name = "Anna Jones"
		return tx.putUser(&old, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"anna sm", "anna smith"} {
		for _, r := range mustUsers(t, s, q) {
			if r.ID == u.ID {
				t.Errorf("%q after the rename found the old name", q)
			}
		}
	}
	if rows := mustUsers(t, s, "anna jone"); len(rows) != 1 || rows[0].ID != u.ID {
		t.Errorf("%q after the rename: %d rows, want user %d", "anna jone", len(rows), u.ID)
	}
}

func mustUsers(t *testing.T, s *Service, q string) []UserRow {
	t.Helper()
	rows, err := s.Users(UserQuery{Search: q})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A query asking what the last one asked (a space typed after a word) is
// answered from the page kept (searchpage.go), the same rows; one that asks
// for another page or another filter is searched for (R31).
func TestSearchKeptPage(t *testing.T) {
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 20)
	for _, name := range []string{"Anna Smith", "Anna Jonas", "Annabel Lee", "Bob Anna"} {
		activeUser(t, s, p.ID, name, Roles{}, o.Login())
	}
	first := mustUsers(t, s, "anna")
	asked := s.wordLists.page.asked
	again := mustUsers(t, s, "anna ")
	if s.wordLists.page.asked != asked || len(again) != len(first) {
		t.Fatalf("%q after %q: %d rows, page asked %q, want the kept page of %d rows", "anna ", "anna", len(again), s.wordLists.page.asked, len(first))
	}
	for i := range first {
		if again[i].ID != first[i].ID || again[i].Rank != first[i].Rank {
			t.Errorf("row %d: %d (rank %d), kept page %d (rank %d)", i, again[i].ID, again[i].Rank, first[i].ID, first[i].Rank)
		}
	}
	rows, err := s.Users(UserQuery{Search: "anna", Limit: 2})
	if err != nil || len(rows) != 2 || rows[0].ID != first[0].ID || rows[1].ID != first[1].ID {
		t.Errorf("a shorter page: %d rows %v, want the first two of %d", len(rows), err, len(first))
	}
}
