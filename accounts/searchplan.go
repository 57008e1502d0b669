package accounts

import (
	"math"
	"slices"

	"latchkey/store"
)

// How a search finds its first screenful fast at a million records (issue
// 14 item 2) and stays exact: every candidate is checked against its doc,
// in id order, so whatever the plan the page is the scan's. The plan only
// chooses which ids to check:
//
//   - reading the docs in id order (cheap per doc, sequential), worth it
//     when matches are dense;
//   - or the ids of the query's words, gathered from the word index and
//     intersected, worth it when a word is rare.
//
// Neither is known in advance: a common prefix ("j") has hundreds of
// thousands of entries under hundreds of words, a rare one a handful. So
// the search reads docs and gathers every word's ids side by side, a step
// of the same cost each, doubling: the first word whose list is complete
// (the rarest) ends the reading, and a long list is never gathered only to
// learn that it is long. Then a first batch of candidates says how dense
// the hits are among them, and the other lists (words, the records of the
// practices whose names meet some terms) are gathered only while that
// costs less than the checks they would save.

// docSample is how many docs are read first (a dense query is answered
// there); fixedBudget, when not negative, fixes the gathering's budget at
// every step (the tests force each plan with both).
var (
	docSample   = 256
	fixedBudget = -1
	// noBoundedPage turns the bounded first page (searchbound.go) off.
	noBoundedPage = false
)

// Costs in units of one index key read in order.
const (
	// docReadCost is one doc read in id order and matched.
	docReadCost = 3
	// docCheckCost is one doc looked up by id and matched: a descent of
	// the docs' tree, measured at about 70 keys read in order at a million.
	docCheckCost = 60
	// firstStep is the cost of the first step of reading docs and of
	// gathering; each step costs twice the one before.
	firstStep = 4096
	// firstRound is the keys each word may cost in the first round of
	// gathering; every round allows four times the one before.
	firstRound = 1024
	// checkBatch is how many candidates are checked before the search
	// first gathers more words that could save checks.
	checkBatch = 64
)

// eachCandidate visits, in id order after after, every doc that may rank
// at rank, calling fn until it says no more. need is how many hits would
// fill the page; fn says which docs were hits.
func (sp searchSpace) eachCandidate(tx *store.Tx, m *matcher, rank int, scope, after uint64, need int,
	fn func(id uint64, doc []byte) (hit, more bool, err error)) error {
	if scope != 0 && sp.members != "" {
		// One practice's records: a few hundred, checked one by one.
		ids, _, err := sp.membersOf(tx, []uint64{scope}, -1)
		if err != nil {
			return err
		}
		_, _, _, err = sp.checkIDs(tx, m.docs, ids, after, -1, fn)
		return err
	}
	// Reading the docs and gathering the words, side by side at the same
	// cost, a step at a time, the step doubling: whichever is done first —
	// the page full, or the candidates known — has cost at most twice what
	// it alone would have.
	pos, hits, more, err := sp.readDocs(tx, after, docSample, fn)
	if err != nil || !more {
		return err
	}
	need -= hits
	if !noBoundedPage {
		last, hits, more, applied, err := sp.boundedPage(tx, m, rank, pos, need, fn)
		if err != nil || applied && !more {
			return err
		}
		if applied {
			pos, need = last, need-hits
		}
	}
	p := &plan{sp: sp, tx: tx, m: m, rank: rank}
	var cands []uint64
	for step := firstStep; ; step *= 2 {
		p.budget += step
		if fixedBudget >= 0 {
			p.budget = fixedBudget
		}
		c, ok, err := p.candidates()
		if err != nil {
			return err
		}
		if ok {
			cands = c
			break
		}
		pos, hits, more, err = sp.readDocs(tx, pos, max(step/docReadCost, 1), fn)
		if err != nil || !more {
			return err
		}
		need -= hits
	}
	p.budget = math.MaxInt / 2 // from here each list is bounded by the checks it saves
	// Checking the candidates and gathering what could narrow them (a word
	// still open, the records of practices) go side by side: after each
	// batch of checks the lists may cost as many keys as the checks done so
	// far, and no more than the checks the hits seen so far say are left;
	// the batch doubles each time. Whichever ends first — the page full, or
	// a list complete and the candidates narrowed — has cost at most about
	// twice what it alone would have (one batch without hits by chance no
	// longer sends the search gathering a list of a hundred thousand ids).
	checked, found := 0, 0
	for batch := checkBatch; ; batch *= 2 {
		pos, hits, more, err = sp.checkIDs(tx, m.docs, cands, pos, batch, fn)
		if err != nil || !more {
			return err
		}
		need -= hits
		checked, found = checked+batch, found+hits
		i, _ := slices.BinarySearch(cands, pos+1)
		density := float64(found+1) / float64(checked+1)
		left := min(float64(len(cands)-i), float64(max(need, 1))/density)
		// At first as many keys as a few batches of checks: a list about to
		// be complete should not wait for the checks to catch up with it.
		narrowed, err := p.narrow(int(min(float64(max(checked, 4*checkBatch)), left) * docCheckCost))
		if err != nil {
			return err
		}
		if narrowed {
			if cands, _, err = p.candidates(); err != nil {
				return err
			}
		}
	}
}

// readDocs visits up to n docs (n < 0: all) after after, in id order; it
// returns the last id read, the hits, and whether to go on.
func (sp searchSpace) readDocs(tx *store.Tx, after uint64, n int,
	fn func(id uint64, doc []byte) (hit, more bool, err error)) (pos uint64, hits int, more bool, err error) {
	pos, more = after, true
	read := 0
	err = tx.Scan(sp.docs, nil, store.U64(after+1), false, func(k, v []byte) (bool, error) {
		if n >= 0 && read >= n {
			return false, nil
		}
		read++
		pos = store.ParseU64(k)
		hit, goOn, err := fn(pos, v)
		if hit {
			hits++
		}
		more = goOn
		return goOn, err
	})
	if err == nil && more && (n < 0 || read < n) {
		more = false // no docs left
	}
	return pos, hits, more, err
}

// checkIDs visits the docs of up to n of ids (sorted; n < 0: all) after
// after; it returns the last id checked, the hits, and whether to go on.
func (sp searchSpace) checkIDs(tx *store.Tx, docs *searchDocs, ids []uint64, after uint64, n int,
	fn func(id uint64, doc []byte) (hit, more bool, err error)) (pos uint64, hits int, more bool, err error) {
	i, _ := slices.BinarySearch(ids, after+1)
	ids = ids[i:]
	if n >= 0 && n < len(ids) {
		ids, more = ids[:n], true
	}
	pos = after
	for _, id := range ids {
		doc, err := docs.get(tx, id)
		if err != nil {
			return pos, hits, false, err
		}
		pos = id
		hit, goOn, err := fn(id, doc)
		if hit {
			hits++
		}
		if err != nil || !goOn {
			return pos, hits, false, err
		}
	}
	return pos, hits, more, nil
}

// plan gathers the ids a search checks, for one rank.
//
// A record ranks 1 when every term starts a name word. It ranks 2 when
// every term starts one of its words or its practice's name (users), so
// for each set S of terms met by the practice name there is a part: the
// records of practices that meet all of S whose words meet the rest.
type plan struct {
	sp     searchSpace
	tx     *store.Tx
	m      *matcher
	rank   int
	budget int // keys the gathering may still cost

	words   []*gathering        // each term's ids, from its words
	useful  []*gathering        // the open gatherings that could narrow the candidates
	mean    int                 // records per practice (perPractice)
	members map[uint]*gathering // for a set of terms, the records of the practices that meet them all
}

// candidates returns, sorted, ids that include every record that may rank
// at the plan's rank; ok false when gathering them costs more than the
// budget (then the docs are read instead).
func (p *plan) candidates() ([]uint64, bool, error) {
	if p.words == nil {
		kinds := []byte{kindName}
		if p.rank == RankOther {
			kinds = append(kinds, kindOther)
		}
		for _, t := range p.m.terms {
			p.words = append(p.words, p.m.lists.word(p.sp.words, kinds, t))
		}
	}
	all := uint(1)<<len(p.words) - 1
	if _, ok := p.in(all); !ok {
		// The rarest word: side by side until one is complete.
		if first, err := p.race(p.words, -1); err != nil || first == nil {
			return nil, false, err
		}
	}
	p.useful = p.useful[:0]
	// S empty: every term met by the record's words.
	cands, _ := p.in(all)
	if len(cands) > 0 {
		p.useful = append(p.useful, p.open(all)...)
	}
	if p.rank == RankName || p.sp.members == "" || !p.m.anyPractice() {
		return cands, true, nil
	}
	if len(p.words) > 8 {
		return nil, false, nil // too many ways to split: read the docs
	}
	if p.members == nil {
		p.members = map[uint]*gathering{}
	}
	for s := uint(1); s <= all; s++ {
		practices := p.m.practicesOfAll(s)
		if len(practices) == 0 {
			continue // no practice meets every term of S
		}
		rest := all &^ s
		members := p.members[s]
		if members == nil {
			members = &gathering{bucket: p.sp.members}
			for _, pr := range practices {
				members.prefixes = append(members.prefixes, store.U64(pr))
			}
			p.members[s] = members
		}
		words, complete := p.in(rest)
		if !complete && !members.done {
			// The records of those practices, or the rarest word of the
			// rest, whichever is complete first.
			won, err := p.race(append(p.open(rest), members), -1)
			if err != nil || won == nil {
				return nil, false, err
			}
			words, complete = p.in(rest)
		}
		var part []uint64
		switch {
		case complete && members.done:
			part = intersect(words, members.ids)
		case complete:
			part = words
		default:
			part = members.ids
		}
		if len(part) > 0 {
			// What could narrow this part: the words of the rest still
			// open, and the practices' records.
			p.useful = append(p.useful, p.open(rest)...)
			if !members.done {
				p.useful = append(p.useful, members)
			}
		}
		cands = union(cands, part)
	}
	return cands, true, nil
}

// open lists the word gatherings of the terms of mask still open.
func (p *plan) open(mask uint) []*gathering {
	var out []*gathering
	for i, g := range p.words {
		if mask&(1<<i) != 0 && !g.done {
			out = append(out, g)
		}
	}
	return out
}

// in is the intersection of the complete word lists among the terms of
// mask, and whether there was one.
func (p *plan) in(mask uint) ([]uint64, bool) {
	var out []uint64
	have := false
	for i, g := range p.words {
		if mask&(1<<i) == 0 || !g.done {
			continue
		}
		if have {
			out = intersect(out, g.ids)
		} else {
			out, have = g.ids, true
		}
	}
	return out, have
}

// narrow gathers the lists still open while gathering one costs less than
// the checks it could save — need more hits at density among the
// narrow gathers one more list that costs at most upto keys and could
// narrow the candidates; it reports whether it found one. The records of
// practices are tried first, the likeliest first: how many there are is
// about known (practices times their mean size), a word's is not.
func (p *plan) narrow(upto int) (bool, error) {
	var words, members []*gathering
	for _, g := range p.useful {
		switch {
		case g.done || g.spent() >= upto || slices.Contains(words, g) || slices.Contains(members, g):
		case g.bucket == p.sp.members:
			members = append(members, g)
		default:
			words = append(words, g)
		}
	}
	slices.SortFunc(members, func(a, b *gathering) int { return len(a.prefixes) - len(b.prefixes) })
	for _, g := range members {
		if len(g.prefixes)*p.perPractice() > upto {
			break
		}
		before := g.cost
		if err := g.advance(p.tx, upto); err != nil {
			return false, err
		}
		p.budget -= g.cost - before
		if g.done {
			return true, nil
		}
	}
	if len(words) == 0 {
		return false, nil
	}
	won, err := p.race(words, upto)
	return won != nil, err
}

// perPractice is the mean number of records of a practice.
func (p *plan) perPractice() int {
	if p.mean == 0 {
		st, _ := (&txn{tx: p.tx}).stats()
		p.mean = max(st.Users/max(st.Practices, 1), 1)
	}
	return p.mean
}

// race advances the gatherings side by side, each up to a limit that grows
// four times a round (and at most upto keys, upto < 0: no bound), until one
// is complete (returned) or the budget is spent or every one has reached
// upto (nil). One already complete wins at once.
func (p *plan) race(gs []*gathering, upto int) (*gathering, error) {
	for round := firstRound; ; round *= 4 {
		for _, g := range gs {
			if g.done {
				return g, nil
			}
		}
		if p.budget <= 0 {
			return nil, nil
		}
		var best *gathering
		share := p.budget/len(gs) + 1
		moved := false
		for _, g := range gs {
			// What this search spends counts (a list kept from the last
			// search, or started from rank 1's, has read part of its range).
			limit := g.cost + min(max(round-g.spent(), 0), share)
			if upto >= 0 {
				limit = min(limit, g.base+upto)
			}
			if best != nil {
				limit = min(limit, g.base+best.spent()) // no further than the rarest so far
			}
			before := g.cost
			if err := g.advance(p.tx, limit); err != nil {
				return nil, err
			}
			p.budget -= g.cost - before
			moved = moved || g.cost > before
			if g.done && (best == nil || g.spent() < best.spent()) {
				best = g
			}
		}
		if best != nil {
			return best, nil
		}
		if !moved && upto >= 0 && round >= upto {
			return nil, nil // every one reached upto
		}
	}
}
