package accounts

import (
	"math/bits"
	"slices"
	"sync"
)

// Sorting the ids a search gathers (issue 14 item 2). A word list read
// from the index comes in one run per word ("mi" is michael, michelle,
// miller…), each in id order, and is sorted as a whole before it is
// intersected: at 30,000 ids a comparison sort took 1.5-2.5 ms, half of a
// slow key's search. A radix sort over the bits that differ (ids at a
// million differ in their low 21) does it in three linear passes.

// radixMin is the length from which a radix sort pays for its passes.
const radixMin = 512

// radixBits is the width of a digit (8 measured a little faster than 11:
// 256 counters and write streams stay in the cache).
const radixBits = 8

// radixScratch holds the buffers the passes write into, for reuse.
var radixScratch sync.Pool

// sortIDs sorts ids in place, the same order slices.Sort gives.
func sortIDs(ids []uint64) {
	if len(ids) < radixMin {
		slices.Sort(ids)
		return
	}
	// The bits above the highest that differs between two ids are the same
	// in every id: no pass for them.
	or, and := uint64(0), ^uint64(0)
	for _, id := range ids {
		or, and = or|id, and&id
	}
	width := uint(bits.Len64(or ^ and))
	if width == 0 {
		return // all equal
	}
	var buf []uint64
	if p, ok := radixScratch.Get().(*[]uint64); ok && cap(*p) >= len(ids) {
		buf = (*p)[:len(ids)]
	} else {
		buf = make([]uint64, len(ids))
	}
	src, dst := ids, buf
	var counts [1 << radixBits]int
	for shift := uint(0); shift < width; shift += radixBits {
		clear(counts[:])
		for _, id := range src {
			counts[(id>>shift)&(1<<radixBits-1)]++
		}
		sum := 0
		for i := range counts {
			counts[i], sum = sum, sum+counts[i]
		}
		for _, id := range src {
			d := (id >> shift) & (1<<radixBits - 1)
			dst[counts[d]] = id
			counts[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ids[0] {
		copy(ids, src)
	}
	buf = buf[:0]
	radixScratch.Put(&buf)
}

// sortedIDs sorts ids and drops repeats.
func sortedIDs(ids []uint64) []uint64 {
	sortIDs(ids)
	return slices.Compact(ids)
}
