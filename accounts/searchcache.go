package accounts

import (
	"bytes"
	"slices"
	"sync"

	"latchkey/store"
)

// Word lists kept between searches (issue 14 item 2). Typing "james smith g"
// asks for "james", "james s", … "james smith g" in turn, and each search
// gathered the ids of "james" and "smith" from the word index again: tens
// of thousands of keys a key. A search now keeps the lists it gathered
// (whole or as far as it got), and the next one starts from them — but only
// while the database is exactly as it was: every list is tagged with the
// version of the snapshot it was read from (store.Tx.Version, which every
// commit advances), and a search in another version starts afresh. So a
// list reused is the list the index holds, and the answer stays the scan's.
//
// Within one search the rank-2 list of a term (its name and other words)
// starts from its rank-1 list (its name words) gathered just before.

// cacheIDs bounds the ids kept (8 bytes each).
const cacheIDs = 1 << 21

// wordLists are the gatherings of the newest searches, for one version.
type wordLists struct {
	mu      sync.Mutex
	version uint64
	lists   map[string]*gathering // by listKey; never advanced in place (lookup copies)
	docs    docCache              // the docs looked up (searchdocs.go), under their own lock
	page    keptPage              // the newest page (searchpage.go), under its own lock
}

// searchLists are the gatherings of one search: its own, and those kept.
type searchLists struct {
	kept    *wordLists // nil: none (the engine cannot tell versions)
	version uint64
	own     map[string]*gathering
}

func newSearchLists(tx *store.Tx, kept *wordLists) *searchLists {
	sl := &searchLists{own: map[string]*gathering{}}
	if v, ok := tx.Version(); ok && kept != nil {
		sl.kept, sl.version = kept, v
	}
	return sl
}

// listKey names the ids of the keys under prefixes in bucket b.
func listKey(b store.Bucket, prefixes [][]byte) string {
	var k []byte
	k = append(k, b...)
	for _, p := range prefixes {
		k = append(k, 0, byte(len(p)))
		k = append(k, p...)
	}
	return string(k)
}

// word returns the gathering of the ids of term's words of kinds, resumed
// from one kept or gathered before in this search where there is one.
func (sl *searchLists) word(b store.Bucket, kinds []byte, term string) *gathering {
	g := wordGathering(b, kinds, term)
	key := listKey(b, g.prefixes)
	if own := sl.own[key]; own != nil {
		return own
	}
	if kept := sl.lookup(key); kept != nil {
		kept.base = kept.cost
		sl.own[key] = kept
		return kept
	}
	if len(kinds) > 1 {
		// The list of the first kind alone (rank 1's) is the start of this
		// one: the same first range.
		first := listKey(b, g.prefixes[:1])
		start := sl.own[first]
		if start == nil {
			start = sl.lookup(first)
		}
		if start != nil {
			g.ids, g.cost = slices.Clone(start.ids), start.cost
			g.i, g.next = start.i, bytes.Clone(start.next)
			if start.done {
				g.i, g.next = 1, nil
			}
			g.base = g.cost
		}
	}
	sl.own[key] = g
	return g
}

// lookup returns a copy of the gathering kept under key, if it was read
// from this version.
func (sl *searchLists) lookup(key string) *gathering {
	if sl.kept == nil {
		return nil
	}
	sl.kept.mu.Lock()
	defer sl.kept.mu.Unlock()
	if sl.kept.version != sl.version {
		return nil
	}
	g := sl.kept.lists[key]
	if g != nil && g.done {
		// A complete list is only ever read: its ids are shared.
		c := *g
		return &c
	}
	return g.clone()
}

// keep hands this search's gatherings to the next search, with those kept
// before for its terms that it did not use (a page filled at rank 1 leaves
// a term's rank-2 list for the next key): consecutive keys share words,
// and an older query's other lists would rarely serve again.
func (sl *searchLists) keep() {
	if sl.kept == nil {
		return
	}
	lists, ids := map[string]*gathering{}, 0
	add := func(key string, g *gathering) {
		if (g.cost > 0 || g.done) && ids+len(g.ids) <= cacheIDs {
			lists[key] = g
			ids += len(g.ids)
		}
	}
	terms := map[string]bool{}
	for key, g := range sl.own {
		add(key, g) // this search is over: nothing advances it any more
		terms[g.term] = true
	}
	w := sl.kept
	w.mu.Lock()
	defer w.mu.Unlock()
	if sl.version < w.version {
		return // a newer state is kept already
	}
	if sl.version == w.version {
		for key, g := range w.lists {
			if lists[key] == nil && terms[g.term] {
				add(key, g) // never advanced in place: shared as it is
			}
		}
	}
	w.version, w.lists = sl.version, lists
}

// clone copies g (nil: nil), so that advancing the copy leaves g as it is.
func (g *gathering) clone() *gathering {
	if g == nil {
		return nil
	}
	c := *g
	c.prefixes = slices.Clone(g.prefixes)
	c.ids = slices.Clone(g.ids)
	c.next = bytes.Clone(g.next)
	return &c
}
