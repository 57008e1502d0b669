package accounts

import (
	"bytes"
	"slices"

	"latchkey/store"
)

// The lists a search plan gathers (searchplan.go): ids read from key
// ranges of the word index, a budget at a time, and the records of the
// practices whose names meet the query's terms.

// gathering is ids read from key ranges of an index (each key ends with
// an id), a budget at a time: it resumes where it stopped.
type gathering struct {
	bucket   store.Bucket
	prefixes [][]byte
	i        int    // the range being read
	next     []byte // the key to resume at in it (nil: its start)
	ids      []uint64
	cost     int // keys read
	base     int // of which read before this search (kept, or rank 1's)
	done     bool
	term     string // the word's (a word gathering's), for the lists kept
}

func wordGathering(b store.Bucket, kinds []byte, term string) *gathering {
	g := &gathering{bucket: b, term: term}
	for _, k := range kinds {
		g.prefixes = append(g.prefixes, append([]byte{k}, term...))
	}
	return g
}

// maxStep bounds the room made for one step of a gathering (1 MB of ids).
const maxStep = 1 << 17

// spent is what the gathering has cost this search.
func (g *gathering) spent() int { return g.cost - g.base }

// advance reads on until the gathering has cost upto keys or is complete;
// complete, its ids are sorted and without repeats.
func (g *gathering) advance(tx *store.Tx, upto int) error {
	// Room for what this step may read, at once: a long list grown an id
	// at a time was reallocated and copied a dozen times, and its garbage
	// was most of what a slow key gave the collector.
	if need := upto - g.cost; !g.done && need > cap(g.ids)-len(g.ids) && need <= maxStep {
		g.ids = slices.Grow(g.ids, need)
	}
	for !g.done && g.cost < upto {
		stopped := false
		err := tx.Scan(g.bucket, g.prefixes[g.i], g.next, false, func(k, _ []byte) (bool, error) {
			if g.cost >= upto {
				stopped, g.next = true, bytes.Clone(k)
				return false, nil
			}
			g.cost++
			g.ids = append(g.ids, store.ParseU64(k[len(k)-8:]))
			return true, nil
		})
		if err != nil {
			return err
		}
		if stopped {
			return nil
		}
		g.i, g.next = g.i+1, nil
		if g.i == len(g.prefixes) {
			g.ids, g.done = sortedIDs(g.ids), true
			if cap(g.ids) > 2*len(g.ids)+1024 {
				g.ids = append(make([]uint64, 0, len(g.ids)), g.ids...) // a short list kept for the next keys keeps no room
			}
		}
	}
	return nil
}

// union merges two sorted lists without repeats.
func union(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// anyPractice reports whether some term starts a practice's name word.
func (m *matcher) anyPractice() bool {
	for _, ids := range m.practiceList {
		if len(ids) > 0 {
			return true
		}
	}
	return false
}

// practicesOfAll lists the practices whose name meets every term of the
// mask (bit i: m.terms[i]).
func (m *matcher) practicesOfAll(mask uint) []uint64 {
	var out []uint64
	have := false
	for i, t := range m.terms {
		if mask&(1<<i) == 0 {
			continue
		}
		if have {
			out = intersect(out, m.practiceList[t])
		} else {
			out, have = m.practiceList[t], true
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// membersOf lists the records of the practices (sorted), or ok false past
// budget keys (budget < 0: no bound).
func (sp searchSpace) membersOf(tx *store.Tx, practices []uint64, budget int) (ids []uint64, ok bool, err error) {
	n := 0
	for _, p := range practices {
		err := tx.Scan(sp.members, store.U64(p), nil, false, func(k, _ []byte) (bool, error) {
			if n++; budget >= 0 && n > budget {
				return false, nil
			}
			ids = append(ids, store.ParseU64(k[8:]))
			return true, nil
		})
		if err != nil || budget >= 0 && n > budget {
			return nil, false, err
		}
	}
	sortIDs(ids)
	return ids, true, nil
}
