package accounts

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"

	"latchkey/store"
)

// Search finds exactly the records a full scan would, ranked and paged.
//
// A record matches a query when every query word (folded, see fold) starts a
// word of the record — or, in a substring space (patients), lies inside one.
// Matches come in ranks: 0 an exact login, 1 every word found in the name,
// 2 the rest; within a rank by id. A page continues strictly after the
// (rank, id) of the last row of the one before, so paging has no gaps or
// repeats however the pages are cut.
//
// Each searchable record has two kinds of index entry:
//   - words: kind|word|0|id for each of its words ('n' for the name's, 'o'
//     for the others'); a substring space indexes every suffix of each word;
//   - a doc: id -> the practice id and the words themselves, in one small
//     value, so a candidate is checked without reading its record.
//
// A query gathers, for its most selective words, the ids whose words match
// (a key range each, given up when it runs past a budget), intersects them
// and checks the survivors' docs in id order. When no word is selective the
// docs are read in id order instead: then matches are dense and a page fills
// quickly. Either way the answer is the scan's.

// searchSpace is one kind of searchable record.
type searchSpace struct {
	words  store.Bucket
	docs   store.Bucket
	inside bool // a word matches anywhere inside a record's word (patients)
	// members lists a practice's records (practiceID|id) when the practice's
	// name counts among their words (users).
	members store.Bucket
	// login reads a record's login words (its doc's other words as this
	// code writes them) for a doc written before (see matcher.rank).
	login func(tx *store.Tx, id uint64) ([]string, error)
}

var (
	userSpace    = searchSpace{words: ixUserWords, docs: ixUserDocs, members: ixPracticeUsers, login: readUserLoginWords}
	patientSpace = searchSpace{words: ixPatientWords, docs: ixPatientDocs, inside: true, login: readPatientLoginWords}
)

func readUserLoginWords(tx *store.Tx, id uint64) ([]string, error) {
	u, err := getUser(tx, id)
	return userLoginWords(u), err
}

func readPatientLoginWords(tx *store.Tx, id uint64) ([]string, error) {
	p, err := getPatient(tx, id)
	return patientLoginWords(p), err
}

const (
	kindName  = 'n'
	kindOther = 'o'
)

// Rank of a search hit.
const (
	RankExact = 0 // the query is the login itself
	RankName  = 1 // every word found in the name
	RankOther = 2 // some word found only in the email, username or practice
)

// searchDoc is what a record is searched by.
type searchDoc struct {
	practice uint64
	name     []string
	other    []string
}

func (d searchDoc) encode() []byte {
	n := 8 + 1 + len(d.name) + len(d.other)
	for _, w := range d.name {
		n += len(w)
	}
	for _, w := range d.other {
		n += len(w)
	}
	b := make([]byte, 8, n)
	binary.BigEndian.PutUint64(b, d.practice)
	for i, w := range d.name {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	b = append(b, 0)
	for i, w := range d.other {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	return b
}

// splitDoc returns a doc's practice and its name and other words, each list
// space-separated.
func splitDoc(v []byte) (practice uint64, name, other []byte) {
	if len(v) < 8 {
		return 0, nil, nil
	}
	practice, v = store.ParseU64(v), v[8:]
	if i := bytes.IndexByte(v, 0); i >= 0 {
		return practice, v[:i], v[i+1:]
	}
	return practice, v, nil
}

func (d searchDoc) same(o searchDoc) bool {
	return d.practice == o.practice && slices.Equal(d.name, o.name) && slices.Equal(d.other, o.other)
}

// wordKeys are the word entries of doc id, without repeats, in one
// allocation (bbolt keeps a key until the commit: each is a slice of its own
// of it, never reused).
func (sp searchSpace) wordKeys(id uint64, d searchDoc) [][]byte {
	size, count := 0, 0
	for _, list := range [2][]string{d.name, d.other} {
		for _, w := range list {
			if sp.inside { // every suffix: at most len(w) of them
				size += len(w) * (len(w) + 1 + 1 + 1 + 8)
				count += len(w)
			} else {
				size += 1 + len(w) + 1 + 8
				count++
			}
		}
	}
	buf := make([]byte, 0, size)
	keys := make([][]byte, 0, count)
	add := func(kind byte, words []string) {
		for _, w := range words {
			for i := range w {
				if i > 0 && !sp.inside {
					break
				}
				start := len(buf)
				buf = append(append(buf, kind), w[i:]...)
				word := buf[start:]
				dup := false
				for _, k := range keys {
					if len(k) == len(word)+9 && bytes.Equal(k[:len(word)], word) {
						dup = true
						break
					}
				}
				if dup {
					buf = buf[:start]
					continue
				}
				buf = binary.BigEndian.AppendUint64(append(buf, 0), id)
				keys = append(keys, buf[start:len(buf):len(buf)])
			}
		}
	}
	add(kindName, d.name)
	add(kindOther, d.other)
	return keys
}

// index writes doc id's entries, replacing old's (nil for a new record).
func (sp searchSpace) index(tx *store.Tx, id uint64, old *searchDoc, d searchDoc) error {
	if old != nil && old.same(d) {
		return nil
	}
	if old == nil { // a new record: every entry is new
		// Made later where the store can (a demo's bulk load: on the
		// sorter's goroutine, off the seeding's; d is never changed).
		err := tx.PutLater(sp.words, func(put func(k, v []byte)) {
			for _, k := range sp.wordKeys(id, d) {
				put(k, nil)
			}
		})
		if err != nil {
			return err
		}
		return tx.PutRaw(sp.docs, store.U64(id), d.encode())
	}
	keep := map[string]bool{}
	for _, k := range sp.wordKeys(id, d) {
		keep[string(k)] = true
	}
	for _, k := range sp.wordKeys(id, *old) {
		if keep[string(k)] {
			delete(keep, string(k)) // already there
			continue
		}
		if err := tx.Delete(sp.words, k); err != nil {
			return err
		}
	}
	for k := range keep {
		if err := tx.PutRaw(sp.words, []byte(k), nil); err != nil {
			return err
		}
	}
	return tx.PutRaw(sp.docs, store.U64(id), d.encode())
}

// Hit is one search result: its rank and id.
type Hit struct {
	Rank int
	ID   uint64
}

func (h Hit) after(o Hit) bool { return h.Rank > o.Rank || h.Rank == o.Rank && h.ID > o.ID }

// searchQuery is one page of a search.
type searchQuery struct {
	terms []string
	scope uint64 // only this practice's records (0: all)
	exact uint64 // the rank-0 hit, if any (found by the caller), kept out of the other ranks
	after Hit
	limit int
	// accept applies further filters (status, lock) to a match; nil keeps all.
	accept func(id uint64) (bool, error)
	// budget bounds the candidates a page examines, each record accept
	// reads counting one more (0: none): find stops where it is spent and
	// says where, so a filter that few matches pass costs a page a bounded
	// time however many words match.
	budget int
	table  *practiceTable // each user's practice (searchtable.go); nil: none
	lists  *wordLists     // word lists kept between searches (searchcache.go); nil: none
	docs   *docCache      // docs kept between searches (searchdocs.go); nil: none
}

// find returns the page of hits of ranks 1 and 2 after q.after, and, when
// q.spent stopped it first, the match it stopped at (every match up to it
// was offered; the next page goes on after it).
func (sp searchSpace) find(tx *store.Tx, q searchQuery) ([]Hit, Hit, error) {
	var stop Hit
	m, err := sp.matcher(tx, q.terms)
	if err != nil {
		return nil, stop, err
	}
	m.table = q.table
	m.lists = newSearchLists(tx, q.lists)
	m.docs = newSearchDocs(tx, q.docs, sp.docs)
	defer m.lists.keep()
	var out []Hit
	examined := 0 // candidates and records read, against q.budget
	for _, rank := range []int{RankName, RankOther} {
		if q.after.Rank > rank || len(out) >= q.limit || stop.ID != 0 {
			continue
		}
		after := uint64(0)
		if q.after.Rank == rank {
			after = q.after.ID
		}
		err := sp.eachCandidate(tx, m, rank, q.scope, after, q.limit-len(out), func(id uint64, doc []byte) (hit, more bool, err error) {
			examined++
			if hit, err = q.passes(m, rank, id, doc, &examined); err != nil {
				return false, false, err
			}
			if hit {
				out = append(out, Hit{Rank: rank, ID: id})
			}
			if len(out) >= q.limit {
				return hit, false, nil
			}
			if q.budget > 0 && examined >= q.budget {
				stop = Hit{Rank: rank, ID: id} // every candidate up to it was seen
				return hit, false, nil
			}
			return hit, true, nil
		})
		if err != nil {
			return nil, stop, err
		}
	}
	return out, stop, nil
}

// passes reports whether candidate id (its doc) is a hit of the query at
// rank: its words, its practice, then accept (each call one more read
// counted in examined).
func (q *searchQuery) passes(m *matcher, rank int, id uint64, doc []byte, examined *int) (bool, error) {
	if id == q.exact {
		return false, nil
	}
	if r, err := m.rank(id, doc); err != nil || r != rank {
		return false, err
	}
	if practice, _, _ := splitDoc(doc); q.scope != 0 && practice != q.scope {
		return false, nil
	}
	if q.accept == nil {
		return true, nil
	}
	*examined++
	return q.accept(id)
}

func intersect(a, b []uint64) []uint64 {
	out := a[:0:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// matcher checks docs against a query's terms.
type matcher struct {
	tx     *store.Tx
	sp     searchSpace
	terms  []string
	inside bool
	// practices: for each term, the practices whose name has a word it
	// starts (users only), as a set indexed by practice id and as a sorted
	// list.
	practices    map[string][]bool
	practiceList map[string][]uint64
	table        *practiceTable // each user's practice, if built (nil: none)
	lists        *searchLists   // this search's word lists (searchcache.go)
	docs         *searchDocs    // this search's doc lookups (searchdocs.go)
	// termPractices is practices by the term's index (nil without members).
	termPractices [][]bool
}

func (sp searchSpace) matcher(tx *store.Tx, terms []string) (*matcher, error) {
	m := &matcher{tx: tx, sp: sp, terms: terms, inside: sp.inside}
	if sp.members == "" {
		return m, nil
	}
	m.practices, m.practiceList = map[string][]bool{}, map[string][]uint64{}
	m.termPractices = make([][]bool, len(terms))
	for i, t := range terms {
		ids, err := practicesMatching(tx, t)
		if err != nil {
			return nil, err
		}
		var set []bool
		if len(ids) > 0 {
			set = make([]bool, ids[len(ids)-1]+1) // practice ids are a sequence: small
			for _, id := range ids {
				set[id] = true
			}
		}
		m.practices[t], m.practiceList[t], m.termPractices[i] = set, ids, set
	}
	return m, nil
}

// meets reports whether practice p's name meets term i.
func (m *matcher) meets(i int, p uint64) bool {
	set := m.termPractices[i]
	return p < uint64(len(set)) && set[p]
}

// practicesMatching lists, sorted, the practices with a name word starting
// with term.
func practicesMatching(tx *store.Tx, term string) ([]uint64, error) {
	var ids []uint64
	err := tx.Scan(ixPracticeName, []byte(term), nil, false, func(k, _ []byte) (bool, error) {
		ids = append(ids, store.ParseU64(k[len(k)-8:]))
		return true, nil
	})
	return sortedIDs(ids), err
}

// rank is the rank record id, whose doc is doc, matches at, or -1.
//
// A login's words (the doc's other words) are its runs of letters and
// digits. Files written before kept a login's parts run together too
// (william.schmidt: william, schmidt, williamschmidt), in the doc and in
// the word index; the index may keep them (it only proposes candidates),
// but a match only through a word that may be such a run-together word
// (see mayBeJoined) is decided by the record's own login words, read then.
func (m *matcher) rank(id uint64, doc []byte) (int, error) {
	practice, name, other := splitDoc(doc)
	rank := RankName
	var login []string // read from the record when a doc cannot tell
	for i, t := range m.terms {
		if m.has(name, t) {
			continue
		}
		rank = RankOther
		if m.termPractices != nil && m.meets(i, practice) {
			continue
		}
		found, unsure := m.hasLogin(other, t)
		if found {
			continue
		}
		if !unsure {
			return -1, nil
		}
		if login == nil {
			var err error
			if login, err = m.sp.login(m.tx, id); err != nil {
				return -1, err
			}
		}
		if !slices.ContainsFunc(login, func(w string) bool { return m.matches(w, t) }) {
			return -1, nil
		}
	}
	return rank, nil
}

// matches reports whether term meets the word w.
func (m *matcher) matches(w, term string) bool {
	if m.inside {
		return strings.Contains(w, term)
	}
	return strings.HasPrefix(w, term)
}

// hasLogin reports whether term meets a word of a doc's space-separated
// login words that is surely one of the login's own (found), or else only
// words that may have been run together from others before them (unsure).
func (m *matcher) hasLogin(list []byte, term string) (found, unsure bool) {
	if !m.has(list, term) {
		return false, false
	}
	var words [16][]byte
	all := words[:0]
	for rest := list; len(rest) > 0; {
		w := rest
		if i := bytes.IndexByte(rest, ' '); i >= 0 {
			w, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if m.inside && bytes.Contains(w, []byte(term)) || !m.inside && bytes.HasPrefix(w, []byte(term)) {
			if !mayBeJoined(w, all) {
				return true, false
			}
			unsure = true
		}
		all = append(all, w)
	}
	return false, unsure
}

// mayBeJoined reports whether w may be a login's parts run together, as
// files written before kept them: some word before it starts it and some
// word before it ends it (a run-together word's first and last parts come
// before it).
func mayBeJoined(w []byte, before [][]byte) bool {
	starts, ends := false, false
	for _, b := range before {
		if len(b) < len(w) {
			starts = starts || bytes.HasPrefix(w, b)
			ends = ends || bytes.HasSuffix(w, b)
		}
	}
	return starts && ends
}

// has reports whether a space-separated word list has a word that term
// starts (or, inside, that contains term).
func (m *matcher) has(list []byte, term string) bool {
	if len(list) == 0 {
		return false
	}
	if m.inside {
		return bytes.Contains(list, []byte(term))
	}
	if bytes.HasPrefix(list, []byte(term)) {
		return true
	}
	for i := bytes.IndexByte(list, ' '); i >= 0; {
		list = list[i+1:]
		if bytes.HasPrefix(list, []byte(term)) {
			return true
		}
		i = bytes.IndexByte(list, ' ')
	}
	return false
}
