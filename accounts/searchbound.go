package accounts

import (
	"bytes"
	"errors"
	"math"
	"math/bits"
	"slices"

	"latchkey/store"
)

// A bounded first page for users (issue 14 item 2). A query such as
// "summit cardio" is met by the names of dozens of practices, and every
// user of those practices matches it whatever their own words; but the
// lists the plan gathers (the words "summit…", met by every email at
// summitcardiology…, and the users of every practice a term meets) are
// tens of thousands of ids long. The page, though, ends early: its last
// row is at most the need-th user of those practices that ranks at the
// rank (their members, read in id order from the per-practice index, say
// where). Below that bound B every list is short, read from each word's
// and each practice's range only between the page's start and B. Every
// record in (start, B] that may match is checked against its doc in id
// order as before, so the page is the scan's; if it is not full at B
// (filters refused some), the plan goes on after B.

// boundBudget is the keys (a seek counted as boundSeekCost) the bounded
// page may read before it gives way to the plan (a variable: the tests run
// it short too).
var boundBudget = 60000

const boundSeekCost = 8

var errOverBound = errors.New("accounts: bounded page over budget")

// boundedPage visits in id order, after pos, every record up to a bound
// that may rank at rank. applied false: it did not apply (nothing was
// visited). Otherwise it returns the last id covered, the hits, and
// whether to go on after it.
func (sp searchSpace) boundedPage(tx *store.Tx, m *matcher, rank int, pos uint64, need int,
	fn func(id uint64, doc []byte) (hit, more bool, err error)) (last uint64, hits int, more, applied bool, err error) {
	if rank != RankOther || sp.members == "" || len(m.terms) < 2 || len(m.terms) > 8 || need <= 0 {
		return pos, 0, true, false, nil
	}
	// The practices whose names meet the most terms (the fewest practices
	// on a tie): their members that rank, in id order, place the bound.
	all := uint(1)<<len(m.terms) - 1
	var practices []uint64
	terms := 0
	for s := uint(1); s <= all; s++ {
		ps, n := m.practicesOfAll(s), bits.OnesCount(s)
		if len(ps) > 0 && (n > terms || n == terms && len(ps) < len(practices)) {
			practices, terms = ps, n
		}
	}
	perPractice := need // every member of a practice meeting all terms ranks 1 or 2
	if terms < len(m.terms) {
		perPractice = 4 * need // the rest of the terms must meet their own words
	}
	if len(practices) == 0 || len(practices)*(boundSeekCost+perPractice) > boundBudget/2 {
		return pos, 0, true, false, nil
	}
	r := &boundedRead{tx: tx, lo: pos + 1, hi: math.MaxUint64, left: boundBudget}
	read := map[uint64][]byte{}
	bound, err := sp.pageBound(r, m, rank, practices, need, perPractice, read)
	if errors.Is(err, errOverBound) {
		return pos, 0, true, false, nil
	}
	if err != nil {
		return pos, 0, false, true, err
	}
	if bound == math.MaxUint64 {
		// Too few members rank: no bound, and the lists up to the end are
		// the plan's to gather.
		return pos, 0, true, false, nil
	}
	r.hi = bound
	docs := sortedDocs(read)
	// The records that may rank: those whose words or practice's name meet
	// the first term (the one met by the fewest practices), each read
	// with its practice when it comes from a practice's range; then, for
	// each other term, those whose words meet it or whose practice (when
	// known) has a name that does. A term whose words run past half the
	// budget left narrows nothing (its candidates are still checked
	// against their docs).
	order := slices.Clone(m.terms)
	short := func(t string) int { // a prefix of one or two letters starts thousands of words
		if len(t) < 3 {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b string) int {
		if c := short(a) - short(b); c != 0 {
			return c
		}
		return len(m.practiceList[a]) - len(m.practiceList[b])
	})
	practiceOf := map[uint64]uint64{}
	practice := func(id uint64) (uint64, bool) {
		if p, ok := m.table.practiceOf(id); ok {
			return p, true
		}
		p, ok := practiceOf[id]
		return p, ok
	}
	var cands []uint64
	have := false
	for _, t := range order {
		// A term's lists may cost half the budget left, and narrowing no
		// more than the doc checks it could save: a candidate whose doc
		// was read for the bound, or whose practice's name meets the term,
		// needs no list.
		limit := r.left / 2
		set := m.practices[t]
		meets := func(p uint64) bool { return p < uint64(len(set)) && set[p] }
		if have {
			undecided := 0
			docs.rewind()
			for _, id := range cands {
				if p, known := practice(id); known && meets(p) {
					continue
				}
				if _, read := docs.find(id); !read {
					undecided++
				}
			}
			if undecided == 0 {
				continue
			}
			// The page is often full after a part of the candidates.
			limit = min(limit, undecided*docCheckCost/4)
		}
		left := r.left
		r.left = limit
		var ids []uint64
		var err error
		if !have {
			ids, err = sp.boundedTerm(r, m, t, practiceOf)
		} else {
			ids, err = sp.boundedWords(r, t)
		}
		r.left = left - (limit - r.left)
		if errors.Is(err, errOverBound) {
			continue
		}
		if err != nil {
			return pos, 0, false, true, err
		}
		if !have {
			// Those whose doc is read already are decided now.
			cands, have = ids[:0], true
			docs.rewind()
			for _, id := range ids {
				doc, read := docs.find(id)
				if !read {
					cands = append(cands, id)
					continue
				}
				r, err := m.rank(id, doc)
				if err != nil {
					return pos, 0, false, true, err
				}
				if r == rank {
					cands = append(cands, id)
				}
			}
			continue
		}
		kept := cands[:0]
		docs.rewind()
		for _, id := range cands {
			if p, known := practice(id); !known || meets(p) {
				kept = append(kept, id)
			} else if _, found := slices.BinarySearch(ids, id); found {
				kept = append(kept, id)
			} else if _, read := docs.find(id); read {
				kept = append(kept, id)
			}
		}
		cands = kept
	}
	if !have {
		return pos, 0, true, false, nil
	}
	last = pos
	docs.rewind()
	for _, id := range cands {
		doc, ok := docs.find(id)
		if !ok {
			if doc, err = m.docs.get(tx, id); err != nil {
				return last, hits, false, true, err
			}
		}
		last = id
		hit, goOn, err := fn(id, doc)
		if hit {
			hits++
		}
		if err != nil || !goOn {
			return last, hits, false, true, err
		}
	}
	return bound, hits, true, true, nil
}

// pageBound is the id by which the page is likely full: the need-th member
// (after r.lo) of the practices that meets the query at rank, read from
// each practice's first members (perPractice, four times more each round
// while that is not enough); or the end of what was read.
func (sp searchSpace) pageBound(r *boundedRead, m *matcher, rank int, practices []uint64, need, perPractice int, docs map[uint64][]byte) (uint64, error) {
	bound := uint64(0) // every member up to here was read (0: nothing yet)
	for per := perPractice; ; per *= 4 {
		var ids []uint64
		complete := uint64(math.MaxUint64)
		for _, p := range practices {
			n := 0
			err := r.scan(sp.members, store.U64(p), store.Key(store.U64(p), store.U64(r.lo)), func(id uint64) bool {
				ids = append(ids, id)
				if n++; n >= per {
					complete = min(complete, id)
					return false
				}
				return true
			})
			if errors.Is(err, errOverBound) && bound > 0 {
				return bound, nil // what the round before read
			}
			if err != nil {
				return 0, err
			}
		}
		sortIDs(ids)
		hits := 0
		for _, id := range ids {
			if id > complete {
				break
			}
			doc, ok := docs[id]
			if !ok {
				var err error
				if doc, err = m.docs.get(r.tx, id); err != nil {
					return 0, err
				}
				docs[id] = doc
			}
			r, err := m.rank(id, doc)
			if err != nil {
				return 0, err
			}
			if r == rank {
				if hits++; hits >= need {
					return id, nil
				}
			}
		}
		if complete == math.MaxUint64 {
			return complete, nil
		}
		bound = complete
	}
}

// boundedTerm lists, sorted, the ids in [r.lo, r.hi] of the records whose
// words (name or others) or practice's name meet term; the practice of
// each read from a practice's range goes in practiceOf.
func (sp searchSpace) boundedTerm(r *boundedRead, m *matcher, term string, practiceOf map[uint64]uint64) ([]uint64, error) {
	ids, err := sp.boundedWords(r, term)
	if err != nil {
		return nil, err
	}
	practices := m.practiceList[term]
	lo := r.lo
	if t := m.table; t != nil && len(practices) > 0 && r.lo <= t.upto {
		// The members up to the table's end from the table, in id order;
		// the newer ones from the index.
		ids = union(ids, t.members(m.practices[term], r.lo, min(r.hi, t.upto), nil))
		lo = t.upto + 1
	}
	if lo > r.hi {
		return ids, nil
	}
	saved := r.lo
	r.lo = lo
	defer func() { r.lo = saved }()
	for _, p := range practices {
		err := r.scan(sp.members, store.U64(p), store.Key(store.U64(p), store.U64(r.lo)), func(id uint64) bool {
			ids = append(ids, id)
			practiceOf[id] = p
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return sortedIDs(ids), nil
}

// boundedWords lists, sorted, the ids in [r.lo, r.hi] of the records with
// a word (name or others) that term starts.
func (sp searchSpace) boundedWords(r *boundedRead, term string) ([]uint64, error) {
	var ids []uint64
	add := func(id uint64) bool { ids = append(ids, id); return true }
	for _, kind := range []byte{kindName, kindOther} {
		if err := r.scan(sp.words, append([]byte{kind}, term...), nil, add); err != nil {
			return nil, err
		}
	}
	return sortedIDs(ids), nil
}

// boundedRead reads ids in [lo, hi] from index keys that end with an id
// (group|id, each group's ids in order), skipping the rest of each group
// by seeking, within a budget of keys read.
type boundedRead struct {
	tx     *store.Tx
	lo, hi uint64
	left   int
}

// scan visits the ids in [lo, hi] of the keys with prefix, from start (nil:
// the prefix's first key), until fn says no more.
func (r *boundedRead) scan(b store.Bucket, prefix, start []byte, fn func(id uint64) bool) error {
	for {
		if r.left -= boundSeekCost; r.left < 0 {
			return errOverBound
		}
		var next []byte
		stop := false
		err := r.tx.Scan(b, prefix, start, false, func(k, _ []byte) (bool, error) {
			if r.left--; r.left < 0 {
				return false, errOverBound
			}
			if len(k) < 8 {
				return true, nil
			}
			group, id := k[:len(k)-8], store.ParseU64(k[len(k)-8:])
			switch {
			case id < r.lo: // on to this group's ids from lo
				next = store.Key(group, store.U64(r.lo))
				return false, nil
			case id > r.hi && bytes.Equal(group, prefix):
				stop = true // the prefix is one group: done
				return false, nil
			case id > r.hi: // past this group's range: on to the next group
				next = store.Key(group, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0})
				return false, nil
			}
			if !fn(id) {
				stop = true
				return false, nil
			}
			return true, nil
		})
		if err != nil || stop || next == nil {
			return err
		}
		start = next
	}
}

// docsByID are the docs read for a page's bound, sorted by id: the bounded
// page asks, for each of thousands of candidates in id order, whether its
// doc was read (a map lookup each cost a quarter of "summit cardiology
// jo"); asked in id order, find walks the list once.
type docsByID struct {
	ids  []uint64
	docs [][]byte
	i    int    // where the last find stopped
	last uint64 // the id it was asked for
}

func sortedDocs(read map[uint64][]byte) *docsByID {
	d := &docsByID{ids: make([]uint64, 0, len(read))}
	for id := range read {
		d.ids = append(d.ids, id)
	}
	sortIDs(d.ids)
	d.docs = make([][]byte, len(d.ids))
	for i, id := range d.ids {
		d.docs[i] = read[id]
	}
	return d
}

// rewind starts a new walk in id order.
func (d *docsByID) rewind() { d.i, d.last = 0, 0 }

// find returns id's doc, if it was read; cheapest asked in id order.
func (d *docsByID) find(id uint64) ([]byte, bool) {
	if id < d.last {
		d.i, _ = slices.BinarySearch(d.ids, id)
	}
	d.last = id
	for d.i < len(d.ids) && d.ids[d.i] < id {
		d.i++
	}
	if d.i < len(d.ids) && d.ids[d.i] == id {
		return d.docs[d.i], true
	}
	return nil, false
}
