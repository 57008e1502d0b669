package accounts

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The page kept (issue 14 item 2). A space typed after a word ("summit "),
// or a letter typed and erased, asks for a page whose terms are those of
// the page just answered: the same answer, searched for again (2-4 ms for
// a common word at a million users). The newest page of a user search is
// kept under the version of its snapshot (store.Tx.Version, which every
// commit advances) and what was asked; a search asking the same in the
// same version gets it again, so it is what the search would return.

// keptPage is the newest page of a user search.
type keptPage struct {
	mu      sync.Mutex
	version uint64
	asked   string
	hits    []Hit
	cut     Hit // where a page cut by its budget goes on (zero: not cut)
}

// pageAsked says what decides a user search's page: the terms (in their
// order), the login the query may be, the filters and the paging.
func pageAsked(q UserQuery, terms []string) string {
	return fmt.Sprintf("%s\x01%s\x01%s\x01%t\x01%d\x01%d\x01%d\x01%d\x01%d", strings.Join(terms, "\x00"),
		normalizeLogin(q.Search), q.Status, q.LockedOnly, q.PracticeID, q.After, q.AfterRank, q.Limit, q.Budget)
}

func (p *keptPage) get(version uint64, asked string) ([]Hit, Hit, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.version != version || p.asked != asked || p.hits == nil {
		return nil, Hit{}, false
	}
	return slices.Clone(p.hits), p.cut, true
}

func (p *keptPage) keep(version uint64, asked string, hits []Hit, cut Hit) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if version < p.version {
		return
	}
	p.version, p.asked, p.hits, p.cut = version, asked, append(make([]Hit, 0, len(hits)), hits...), cut
}
