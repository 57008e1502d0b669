package accounts

import (
	"slices"
	"strings"
	"testing"

	"latchkey/store"
)

// oldLoginWords are a login's words as files written before kept them: its
// parts and, when punctuation splits it, the parts run together.
func oldUserDoc(u User) searchDoc {
	d := searchDoc{practice: u.PracticeID, name: nameWords(u.Name)}
	if e := normalizeLogin(u.Email); e != "" {
		local, domain, _ := strings.Cut(e, "@")
		d.other = append(append(d.other, nameWords(local)...), tokenize(domain)...)
	}
	d.other = dedupe(append(d.other, nameWords(u.Username)...))
	return d
}

func oldPatientDoc(p Patient) searchDoc {
	d := searchDoc{practice: p.PracticeID, name: nameWords(p.Name), other: nameWords(p.Login)}
	if local, _, ok := strings.Cut(p.ContactEmail, "@"); ok {
		d.other = append(d.other, nameWords(local)...)
	}
	d.other = dedupe(d.other)
	return d
}

// R31, R33 (issue 14 item 1): a login email's words are its runs of letters
// and digits, as an operator reads them: "williams" finds the Williamses,
// not William Schmidt at william.schmidt@… (whose parts were run together
// into "williamschmidt", as a name's are: O'Brien is found by "obrien").
// So on a file written before, whose docs and word index still hold the
// run-together words: a match only through one is decided by the record.
func TestSearchLoginWordsNotRunTogether(t *testing.T) {
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 50)
	add := func(name, email, username string) User {
		var u User
		err := s.update(func(tx *txn) error {
			nu := NewUser{PracticeID: p.ID, Name: name, Kind: KindStaff, Email: email, EmailConfirm: email, Username: username}
			var err error
			u, err = tx.createUser(seedActor, nu, Request{Requester: o.Login()}, StatusActive, Credential{Demo: true})
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return u
	}
	ann := add("Ann Williams", "awilliams@example.org", "")
	bill := add("William Schmidt", "william.schmidt@aol.com", "")
	lee := add("Ann Lee", "ann.lee@annlee.com", "") // "annlee" is a word of the domain
	legacy := add("Jo Ortiz", "", "jo_ortiz")
	var pat Patient
	err := s.update(func(tx *txn) error {
		var err error
		pat, err = tx.createPatient(seedActor, p.ID, "George Ritter", "gritter1950", "george.ritter@yahoo.com", Credential{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for q, want := range map[string][]uint64{
			"williams":         {ann.ID},
			"william s":        {bill.ID},
			"william.schmidt":  {bill.ID},
			"williamschmidt":   nil,
			"annlee":           {lee.ID},
			"ann lee":          {lee.ID},
			"joortiz":          nil,
			"jo_ort":           {legacy.ID},
			"harbor williams":  {ann.ID},
			"williams harbor":  {ann.ID},
			"annle harbor ann": {lee.ID},
		} {
			rows, err := s.Users(UserQuery{Search: q})
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, r := range rows {
				if r.ID != o.ID {
					got = append(got, r.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: users %q = %v, want %v", when, q, got, want)
			}
		}
		// Patients: a query word inside one of the login's words, never
		// across two of them.
		for q, want := range map[string]int{"eritt": 0, "geritt": 0, "ritter": 1, "orge": 1, "itter195": 1, "orgeri": 0, "1950": 1} {
			rows, err := s.Patients(PatientQuery{Search: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != want || want == 1 && rows[0].ID != pat.ID {
				t.Errorf("%s: patients %q = %d rows, want %d", when, q, len(rows), want)
			}
		}
	}
	check("as written now")
	// The same records as a file written before holds them.
	err = s.db.Update(func(tx *store.Tx) error {
		for _, u := range []User{ann, bill, lee, legacy} {
			now := userDoc(u)
			if err := userSpace.index(tx, u.ID, &now, oldUserDoc(u)); err != nil {
				return err
			}
		}
		now := patientDoc(pat)
		return patientSpace.index(tx, pat.ID, &now, oldPatientDoc(pat))
	})
	if err != nil {
		t.Fatal(err)
	}
	check("written before")
}

// R31, R33 (issue 14 item 1), R9: a login email's words are those of the
// address as shown — an international domain as typed — so "bücher" finds
// mj.muller@bücher.example and "xn" (of its ASCII form, which the operator
// never sees) finds only an address typed in that form; the exact address
// in either form still comes first. A file of schema 5 indexed the ASCII
// form: opening it indexes those users again.
func TestSearchEmailDomainAsShown(t *testing.T) {
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 50)
	add := func(name, email string) User {
		var u User
		err := s.update(func(tx *txn) error {
			nu := NewUser{PracticeID: p.ID, Name: name, Kind: KindStaff, Email: email, EmailConfirm: email}
			var err error
			u, err = tx.createUser(seedActor, nu, Request{Requester: o.Login()}, StatusActive, Credential{Demo: true})
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return u
	}
	mj := add("Mary-Jane Muller", "mj.muller@bücher.example")
	lu := add("Lukasz Nowak", "lukasz.nowak@xn--bcher-kva.example")
	om := add("Omer Celik", "omer.celik@örnek.com.tr")
	check := func(when string) {
		t.Helper()
		for q, want := range map[string][]Hit{
			"bücher":                          {{RankOther, mj.ID}},
			"BUCHER mary":                     {{RankOther, mj.ID}},
			"xn":                              {{RankOther, lu.ID}},
			"bcher":                           {{RankOther, lu.ID}},
			"ornek celik":                     {{RankOther, om.ID}},
			"mj.muller@xn--bcher-kva.example": {{RankExact, mj.ID}},
			"lukasz.nowak@bücher.example":     {{RankExact, lu.ID}},
		} {
			rows, err := s.Users(UserQuery{Search: q})
			if err != nil {
				t.Fatal(err)
			}
			if got := rowHits(rows); !slices.Equal(got, want) {
				t.Errorf("%s: %q = %v, want %v", when, q, got, want)
			}
		}
	}
	check("as written now")
	// As a schema-5 file holds them: the words of the ASCII form.
	err := s.db.Update(func(tx *store.Tx) error {
		for _, u := range []User{mj, lu, om} {
			now, old := userDoc(u), oldUserDoc(u)
			if err := userSpace.index(tx, u.ID, &now, old); err != nil {
				return err
			}
		}
		return tx.PutRaw(store.MetaBucket, []byte("schema_version"), []byte("5"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.Users(UserQuery{Search: "bücher"}); len(rows) != 0 {
		t.Fatalf("the schema-5 words: %v", rowHits(rows))
	}
	if err := s.db.EnsureSchema(schemaVersion, migrations); err != nil {
		t.Fatal(err)
	}
	check("after the migration")
}
