package accounts

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The radix sort of gathered ids orders them exactly as slices.Sort does,
// and sortedIDs drops repeats as slices.Compact does, for short and long
// lists, ids of every size, repeats and runs (the pages a search returns
// depend on it: R31).
func TestSortIDsMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, radixMin - 1, radixMin, radixMin + 1, 3000, 40000} {
		for _, span := range []uint64{4, 1 << 10, 1 << 21, 1 << 40, 0} {
			ids := make([]uint64, n)
			for i := range ids {
				if span == 0 {
					ids[i] = r.Uint64()
				} else {
					ids[i] = r.Uint64N(span)
				}
			}
			if n > 10 { // a few sorted runs, as word lists come
				slices.Sort(ids[:n/3])
				slices.Sort(ids[n/3 : 2*n/3])
			}
			want := slices.Compact(slices.Sorted(slices.Values(ids)))
			sorted := slices.Clone(ids)
			sortIDs(sorted)
			if !slices.IsSorted(sorted) || len(sorted) != len(ids) {
				t.Fatalf("n=%d span=%d: not sorted", n, span)
			}
			if got := sortedIDs(slices.Clone(ids)); !slices.Equal(got, want) {
				t.Fatalf("n=%d span=%d: got %d ids, want %d", n, span, len(got), len(want))
			}
		}
	}
}

func BenchmarkSortIDs(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]uint64, 30000)
	work := make([]uint64, len(ids))
	for i := range ids {
		ids[i] = r.Uint64N(1_130_000)
	}
	for b.Loop() {
		copy(work, ids)
		sortIDs(work)
	}
}
