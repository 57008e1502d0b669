package accounts

import (
	"cmp"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"latchkey/store"
	"latchkey/store/storetest"
)

// -search-practices sizes the database TestSearchMatchesScan compares on:
// 1,800 practices is about 200,000 users (go test ./accounts -run
// SearchMatchesScan -search-practices 1800 -search-queries 400).
var (
	searchPractices = flag.Int("search-practices", 30, "practices in the database search is compared on")
	searchQueries   = flag.Int("search-queries", 300, "random queries compared with a scan")
)

// Users and patients with the names a scan must fold: case, accents, letters
// with a stroke, ligatures, apostrophes and hyphens.
var foldedNames = []string{
	"Łukasz Łukasiewicz", "José Núñez", "Zoë O'Brien", "Mary-Jane Müller", "Søren Kierkegaard",
	"Ægir Þórsson", "François Lefèvre", "Dvořák Antonín", "Ömer Çelik", "Đorđe Petrović",
	"Renée Strauß", "MARIA LÓPEZ", "maria lopez", "Lopez-Maria Ana", "Ñandú Peña",
	"İsmail Yılmaz", "Ｊｕｌｉａ Ｗｉｄｅ", "Jose\u0301 Nfd", "Σωκράτης Παπαδόπουλος", "Nguyễn Thị Minh",
	"D'Angelo-Smith Jr.", "Œdipe Ærøskøbing", "Алексей Смирнов", "李 小龍", "Ann 🙂 Emoji",
	"Jean-Luc St. Pierre", "John Smith 3rd", "ǅemal Ǉubić", "ĲSSEL ﬁnn", "Ann-Ann Annan",
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Łukasiewicz": "lukasiewicz", "José": "jose", "MÜLLER": "muller", "Strauß": "strauss",
		"Ægir": "aegir", "Søren": "soren", "Đorđe": "dorde", "ﬁnn": "finn", "Ｍａｒｉａ": "maria",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := nameWords("Zoë O'Brien"); !slices.Equal(got, []string{"zoe", "o", "brien", "obrien"}) {
		t.Errorf("nameWords: %q", got)
	}
	if got := searchTerms("Mar maria LÓPEZ lo", false); !slices.Equal(got, []string{"maria", "lopez"}) {
		t.Errorf("searchTerms: %q", got)
	}
	if got := searchTerms("alker walker 19 1950", true); !slices.Equal(got, []string{"walker", "1950"}) {
		t.Errorf("searchTerms inside: %q", got)
	}
}

// The examples the issue names: every word order, prefixes of every word,
// accents folded, an exact login first.
func TestSearchExamples(t *testing.T) {
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Łódź Family Medicine", 50)
	owner := o.Login()
	var ids []uint64
	for _, n := range []string{"María López", "Lopez Maria", "Mario Lopezz", "Łukasz Łukasiewicz", "Ann Smith"} {
		ids = append(ids, activeUser(t, s, p.ID, n, Roles{}, owner).ID)
	}
	names := func(q string) []string {
		rows, err := s.Users(UserQuery{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return out
	}
	for q, want := range map[string][]string{
		"maria lopez": {"María López", "Lopez Maria"},
		"lopez maria": {"María López", "Lopez Maria"},
		"LOP MAR":     {"María López", "Lopez Maria", "Mario Lopezz"},
		"lukas":       {"Łukasz Łukasiewicz"},
		"łukasiewicz": {"Łukasz Łukasiewicz"},
		"lodz smith":  {"Ann Smith"},
		"zzz":         nil,
	} {
		if got := names(q); !slices.Equal(got, want) {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
	// The exact login comes first, then name matches, then the rest.
	u, _ := s.User(ids[4])
	rows, err := s.Users(UserQuery{Search: u.Login()})
	if err != nil || len(rows) == 0 || rows[0].ID != u.ID || rows[0].Rank != RankExact {
		t.Fatalf("exact login %q: %+v %v", u.Login(), rows, err)
	}
}

// searchWorld is a database and, in memory, every record on it: the scan
// that search must agree with.
type searchWorld struct {
	s         *Service
	users     []User
	patients  []Patient
	practices map[uint64]string
	// each record's words, worked out from its fields once: [0] the name's,
	// [1] the others'
	userWords, patientWords [][2][]string
}

func buildSearchWorld(t testing.TB, practices int) *searchWorld {
	s, _ := newTestDemo(t, practices)
	p, err := s.CreatePractice(Operator("t"), "Ærø Łąka Clinic", 1000)
	if err != nil {
		t.Fatal(err)
	}
	err = s.update(func(tx *txn) error {
		owner := ""
		for i, n := range foldedNames {
			nu := NewUser{PracticeID: p.ID, Name: n, Kind: KindStaff, Email: fmt.Sprintf("folded%d@example.org", i)}
			nu.EmailConfirm = nu.Email
			if i == 0 {
				nu.Roles = Roles{Owner: true, Admin: true}
			}
			u, err := tx.createUser(seedActor, nu, Request{Requester: owner}, StatusActive, Credential{Demo: true})
			if err != nil {
				return err
			}
			if i == 0 {
				owner = u.Login()
			}
			if _, err := tx.createPatient(seedActor, p.ID, n, fmt.Sprintf("pat%d%s", 1940+i, strings.ToLower(strings.Fields(n)[0])), "", Credential{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &searchWorld{s: s, practices: map[uint64]string{}}
	err = s.db.View(func(tx *store.Tx) error {
		if err := tx.Scan(bPractices, nil, nil, false, func(_, v []byte) (bool, error) {
			p, err := decode[Practice](v)
			w.practices[p.ID] = p.Name
			return true, err
		}); err != nil {
			return err
		}
		if err := tx.Scan(bPatients, nil, nil, false, func(_, v []byte) (bool, error) {
			p, err := decode[Patient](v)
			w.patients = append(w.patients, p)
			return true, err
		}); err != nil {
			return err
		}
		return scanUsers(tx, 0, func(k, v []byte) (bool, error) {
			if !isUserKey(k) {
				return true, nil
			}
			u, err := decode[User](v)
			w.users = append(w.users, u)
			return true, err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The words as searchref_test.go spells the rules out.
	for _, u := range w.users {
		other := append(refRuns(u.Username+" "+u.Email), refNameWords(w.practices[u.PracticeID])...)
		w.userWords = append(w.userWords, [2][]string{refNameWords(u.Name), other})
	}
	for _, p := range w.patients {
		other := refRuns(p.Login)
		if local, _, ok := strings.Cut(p.ContactEmail, "@"); ok {
			other = append(other, refRuns(local)...)
		}
		w.patientWords = append(w.patientWords, [2][]string{refNameWords(p.Name), other})
	}
	// A file written before kept a login's parts run together in its docs
	// and word index too (searchlogin_test.go): a third of the records as
	// such a file holds them.
	err = s.db.Update(func(tx *store.Tx) error {
		for i, u := range w.users {
			if i%3 == 1 {
				now := userDoc(u)
				if err := userSpace.index(tx, u.ID, &now, oldUserDoc(u)); err != nil {
					return err
				}
			}
		}
		for i, p := range w.patients {
			if i%3 == 1 {
				now := patientDoc(p)
				if err := patientSpace.index(tx, p.ID, &now, oldPatientDoc(p)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// scanUsers is the reference: every user, checked one by one.
func (w *searchWorld) scanUsers(q UserQuery) []Hit {
	terms := refRuns(q.Search)
	var out []Hit
	for i, u := range w.users {
		if q.PracticeID != 0 && u.PracticeID != q.PracticeID || q.Status != "" && u.Status != q.Status {
			continue
		}
		name, other := w.userWords[i][0], w.userWords[i][1]
		rank := RankName
		for _, term := range terms {
			starts := func(w string) bool { return strings.HasPrefix(w, term) }
			if slices.ContainsFunc(name, starts) {
				continue
			}
			if !slices.ContainsFunc(other, starts) {
				rank = -1
				break
			}
			rank = RankOther
		}
		if normalizeLogin(q.Search) == normalizeLogin(u.Login()) {
			rank = RankExact
		}
		if rank >= 0 && len(terms) > 0 {
			out = append(out, Hit{Rank: rank, ID: u.ID})
		}
	}
	sortHits(out)
	return out
}

func (w *searchWorld) scanPatients(q PatientQuery) []Hit {
	terms := refRuns(q.Search)
	var out []Hit
	for i, p := range w.patients {
		if q.PracticeID != 0 && p.PracticeID != q.PracticeID {
			continue
		}
		name, other := w.patientWords[i][0], w.patientWords[i][1]
		rank := RankName
		for _, term := range terms {
			inside := func(w string) bool { return strings.Contains(w, term) }
			if slices.ContainsFunc(name, inside) {
				continue
			}
			if !slices.ContainsFunc(other, inside) {
				rank = -1
				break
			}
			rank = RankOther
		}
		if normalizeLogin(q.Search) == normalizeLogin(p.Login) {
			rank = RankExact
		}
		if rank >= 0 && len(terms) > 0 {
			out = append(out, Hit{Rank: rank, ID: p.ID})
		}
	}
	sortHits(out)
	return out
}

func sortHits(h []Hit) {
	slices.SortFunc(h, func(a, b Hit) int {
		if a.Rank != b.Rank {
			return a.Rank - b.Rank
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// randomQuery is what an operator might type: prefixes of a record's words
// (its name, login, email, practice), shuffled, in any case, sometimes
// accented, sometimes a word nobody has, sometimes a whole login.
func randomQuery(rng *mrand.Rand, texts []string, inside bool) string {
	if rng.IntN(12) == 0 {
		return texts[0] // a whole login
	}
	var words []string
	for _, tx := range texts {
		words = append(words, nameWords(tx)...)
	}
	if len(words) == 0 {
		return "a"
	}
	var terms []string
	for range 1 + rng.IntN(3) {
		w := words[rng.IntN(len(words))]
		start, end := 0, 1+rng.IntN(min(len(w), 7))
		if inside && rng.IntN(2) == 0 && len(w) > 1 {
			start = rng.IntN(len(w) - 1)
			end = start + 1 + rng.IntN(len(w)-start)
		}
		term := w[start:end]
		for !utf8.ValidString(term) && end < len(w) {
			end++
			term = w[start:end]
		}
		switch rng.IntN(6) {
		case 0:
			term = strings.ToUpper(term)
		case 1:
			term = strings.NewReplacer("a", "á", "e", "é", "o", "ö", "l", "ł", "u", "ü").Replace(term)
		case 2:
			term += "qx" // nobody's
		}
		terms = append(terms, term)
	}
	rng.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
	return strings.Join(terms, " ")
}

// pageAll collects a search's hits page by page, each page continuing after
// the last row of the one before, the page size changing as it goes.
func pageAll(t *testing.T, rng *mrand.Rand, max int, page func(after Hit, limit int) ([]Hit, error)) []Hit {
	var out []Hit
	var after Hit
	for len(out) < max {
		limit := 1 + rng.IntN(60)
		hits, err := page(after, limit)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hits...)
		if len(hits) < limit {
			break
		}
		after = hits[len(hits)-1]
	}
	return out
}

// TestSearchMatchesScan compares searches through the index with a scan of
// every record, for hundreds of random queries, whole and page by page, with
// the plan's budget and sample as shipped, tiny and huge (so the doc-read
// path, the gathered path and every mix of them answer), with and without
// the bounded first page.
func TestSearchMatchesScan(t *testing.T) {
	w := buildSearchWorld(t, *searchPractices)
	t.Logf("%d users, %d patients, %d practices", len(w.users), len(w.patients), len(w.practices))
	rng := mrand.New(mrand.NewPCG(1, 2))
	defer func(b, n, bb int, off bool) {
		fixedBudget, docSample, boundBudget, noBoundedPage = b, n, bb, off
	}(fixedBudget, docSample, boundBudget, noBoundedPage)
	tables := practiceTables(t, w.s)
	for i := range *searchQueries {
		// Each user's practice in memory (searchtable.go): none, every
		// user, or only the older half (the newer ones from the index).
		w.s.userTable.mu.Lock()
		w.s.userTable.table = tables[i%len(tables)]
		w.s.userTable.off = w.s.userTable.table == nil
		w.s.userTable.mu.Unlock()
		fixedBudget = []int{-1, 40, 1, 1 << 30, 3000}[i%5]
		docSample = []int{1024, 1, 0, 5}[i%4]
		// The bounded first page (searchbound.go) off, as shipped, and
		// short of budget at each of its steps.
		noBoundedPage = i%3 == 2
		boundBudget = []int{60000, 400, 60, 2000, 60000, 150, 1 << 30}[i%7]
		var q UserQuery
		var texts []string
		u := w.users[rng.IntN(len(w.users))]
		if i%10 == 0 {
			u = w.users[len(w.users)-1-rng.IntN(len(foldedNames))]
		}
		texts = []string{u.Login(), u.Name, u.Email, w.practices[u.PracticeID]}
		q.Search = randomQuery(rng, texts, false)
		switch rng.IntN(8) {
		case 0:
			q.PracticeID = u.PracticeID
		case 1:
			q.Status = StatusPending
		}
		want := w.scanUsers(q)
		if i%2 == 0 {
			// Typed a key at a time: each search starts from the word
			// lists the one before kept (searchcache.go).
			for n := 1; n < len(q.Search); n++ {
				if _, err := w.s.Users(UserQuery{Search: q.Search[:n], PracticeID: q.PracticeID, Status: q.Status, Limit: 38}); err != nil {
					t.Fatal(err)
				}
			}
		}
		whole, err := w.s.Users(UserQuery{Search: q.Search, PracticeID: q.PracticeID, Status: q.Status, Limit: len(want) + 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := rowHits(whole); !slices.Equal(got, want) {
			t.Fatalf("query %q (practice %d, status %q, budget %d): %d hits, scan finds %d\n got %v\nwant %v",
				q.Search, q.PracticeID, q.Status, fixedBudget, len(got), len(want), head(got), head(want))
		}
		paged := pageAll(t, rng, 300, func(after Hit, limit int) ([]Hit, error) {
			pq := q
			pq.After, pq.AfterRank, pq.Limit = after.ID, after.Rank, limit
			rows, err := w.s.Users(pq)
			return rowHits(rows), err
		})
		if n := min(len(want), 300); !slices.Equal(paged[:min(len(paged), n)], want[:n]) || len(paged) < n {
			t.Fatalf("query %q paged: %v, want %v", q.Search, head(paged), head(want))
		}

		// Patients: words found inside the words of the name, login, contact.
		p := w.patients[rng.IntN(len(w.patients))]
		pq := PatientQuery{Search: randomQuery(rng, []string{p.Login, p.Name, p.ContactEmail}, true)}
		if rng.IntN(6) == 0 {
			pq.PracticeID = p.PracticeID
		}
		pwant := w.scanPatients(pq)
		pq.Limit = len(pwant) + 1
		prows, err := w.s.Patients(pq)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]Hit, len(prows))
		for i, r := range prows {
			got[i] = Hit{Rank: r.Rank, ID: r.ID}
		}
		if !slices.Equal(got, pwant) {
			t.Fatalf("patient query %q: %v, scan %v", pq.Search, head(got), head(pwant))
		}
	}
}

// practiceTables are the practice tables a search is compared with: none,
// the whole one, and one that stops halfway (users added since its build).
func practiceTables(t *testing.T, s *Service) []*practiceTable {
	t.Helper()
	if storetest.OnPostgres() {
		return []*practiceTable{nil}
	}
	defer func(n int) { tableMinUsers = n }(tableMinUsers)
	tableMinUsers = 0
	full, err := s.buildPracticeTable()
	if err != nil || full == nil {
		t.Fatalf("practice table: %v", err)
	}
	half := &practiceTable{of: full.of[:len(full.of)/2], upto: uint64(len(full.of)/2 - 1)}
	return []*practiceTable{nil, full, half, full}
}

func rowHits(rows []UserRow) []Hit {
	out := make([]Hit, len(rows))
	for i, r := range rows {
		out[i] = Hit{Rank: r.Rank, ID: r.ID}
	}
	return out
}

func head(h []Hit) []Hit { return h[:min(len(h), 12)] }

// The word lists a search keeps for the next (searchcache.go) serve only
// the same committed state: a user renamed between two searches typed a
// key at a time is found by the next key.
func TestSearchKeptListsFollowChanges(t *testing.T) {
	defer func(n int) { docSample = n }(docSample)
	docSample = 0 // gather word lists even in a small world
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 20)
	u := activeUser(t, s, p.ID, "Old Name", Roles{}, o.Login())
	for _, q := range []string{"zo", "zoe", "zoe re"} {
		if rows, _ := s.Users(UserQuery{Search: q}); len(rows) != 0 {
			t.Fatalf("%q before the rename: %d rows", q, len(rows))
		}
	}
	err := s.update(func(tx *txn) error {
		old := u
		u.Name = "Zoë Renamed"
		return tx.putUser(&old, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"zoe re", "zoe ren", "zoe", "ren zoe"} {
		if rows, _ := s.Users(UserQuery{Search: q}); len(rows) != 1 || rows[0].ID != u.ID {
			t.Errorf("%q after the rename: %d rows, want user %d", q, len(rows), u.ID)
		}
	}
}

// Consoles typing at once share the kept word lists (searchcache.go): each
// key still gets the answer it gets alone (run with -race: the lists are
// shared, never written to).
func TestSearchKeptListsShared(t *testing.T) {
	defer func(n int) { docSample = n }(docSample)
	docSample = 0 // gather word lists even in a small world
	w := buildSearchWorld(t, 12)
	var queries []string
	for i, u := range w.users {
		if i%7 == 0 {
			queries = append(queries, strings.ToLower(u.Name), strings.ToLower(u.Email[:min(len(u.Email), 6)]))
		}
	}
	queries = queries[:min(len(queries), 24)]
	typed := func(q string) (keys []string) {
		for n := 1; n <= len(q); n++ {
			keys = append(keys, q[:n])
		}
		return keys
	}
	want := map[string][]Hit{}
	for _, q := range queries {
		for _, k := range typed(q) {
			rows, err := w.s.Users(UserQuery{Search: k, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			want[k] = rowHits(rows)
		}
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range queries {
				for _, k := range typed(queries[(i+g*5)%len(queries)]) {
					rows, err := w.s.Users(UserQuery{Search: k, Limit: 20})
					if err == nil && !slices.Equal(rowHits(rows), want[k]) {
						err = fmt.Errorf("%q: %v, alone %v", k, head(rowHits(rows)), head(want[k]))
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A renamed user is found by the new name only; a schema-1 file is
// reindexed when opened.
func TestSearchFollowsChanges(t *testing.T) {
	s, _ := newTestService(t)
	p, o, _ := practiceWith(t, s, "Harbor Clinic", 20)
	owner := o.Login()
	u := activeUser(t, s, p.ID, "Old Name", Roles{}, owner)
	err := s.update(func(tx *txn) error {
		old := u
		u.Name = "Zoë Renamed"
		return tx.putUser(&old, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"old name": 0, "name": 0, "zoe ren": 1, "harbor zoe": 1} {
		if rows, _ := s.Users(UserQuery{Search: q}); len(rows) != want {
			t.Errorf("%q: %d rows, want %d", q, len(rows), want)
		}
	}
	// Undo the new indexes as a schema-1 file would have them, and migrate.
	err = s.db.Update(func(tx *store.Tx) error {
		for _, b := range []store.Bucket{ixUserWords, ixUserDocs, ixPracticeName} {
			if err := tx.DropBucket(b); err != nil {
				return err
			}
		}
		return tx.PutRaw(store.MetaBucket, []byte("schema_version"), []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.EnsureSchema(schemaVersion, migrations); err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.Users(UserQuery{Search: "harbor zoe"}); len(rows) != 1 {
		t.Errorf("after migration: %d rows", len(rows))
	}
}

func TestSearchPractices(t *testing.T) {
	s, _ := newTestService(t)
	for _, n := range []string{"Łódź Women's Health", "Lodz Pediatrics", "Harbor Health"} {
		if _, err := s.CreatePractice(Operator("t"), n, 5); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string]int{"lodz": 2, "health": 2, "womens": 1, "HEALTH łódź": 1, "x": 0} {
		ps, err := s.Practices(PracticeQuery{Search: q})
		if err != nil || len(ps) != want {
			t.Errorf("%q: %d practices (%v), want %d", q, len(ps), err, want)
		}
	}
}

// Search words of ASCII names (and tokens of ASCII text) are cut in one
// pass (nameWordsASCII, tokenize) exactly as the general code cuts them: spaces, punctuation inside a chunk, the
// parts run together, repeats dropped.
func TestNameWordsASCIIAsGeneral(t *testing.T) {
	general := func(s string) []string {
		var out []string
		for _, chunk := range strings.Fields(fold(s)) {
			parts := strings.FieldsFunc(chunk, func(r rune) bool { return !isWordRune(r) })
			out = append(out, parts...)
			if len(parts) > 1 {
				out = append(out, strings.Join(parts, ""))
			}
		}
		return dedupe(out)
	}
	rng := mrand.New(mrand.NewPCG(9, 10))
	pieces := []string{"a", "B", "z", "9", " ", "  ", "\t", "\n", "\v", "'", "-", ".", "_", "@", "Mary", "o'brien", "x"}
	for range 50000 {
		var s string
		for range rng.IntN(8) {
			s += pieces[rng.IntN(len(pieces))]
		}
		got, want := nameWordsASCII(strings.ToLower(s)), general(s)
		if !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
		got = tokenize(s)
		want = dedupe(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) }))
		if !slices.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("tokenize(%q) = %q, want %q", s, got, want)
		}
	}
}
