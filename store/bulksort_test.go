package store

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// A run is sorted exactly as bytes.Compare orders its keys, whether it is
// first spread into groups by its keys' first bytes (a large run of keys
// starting with a deferred bucket's index) or not (a small run; a first
// byte past the groups): keys shorter than, as long as and longer than the
// compared prefix, sharing long prefixes, and written twice (issue 14 item 4);
// and the same split between goroutines, as FinishBulk sorts its last run.
func TestRunSortsAsBytesCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "smith", "smithson", "jennifer", "jennifer.smith@riverside-family.com", "o", "zz\xff"}
	for _, tc := range []struct {
		n        int
		maxFirst int
	}{{100, 7}, {40000, 7}, {200000, 7}, {40000, 255}} {
		var r runBuf
		var keys [][]byte
		for range tc.n {
			k := []byte{byte(rng.IntN(tc.maxFirst + 1))}
			k = append(k, words[rng.IntN(len(words))]...)
			if rng.IntN(2) == 0 {
				k = append(k, 0)
				k = append(k, U64(rng.Uint64N(50)<<(8*rng.IntN(8)))...)
			}
			keys = append(keys, k)
			r.ents = append(r.ents, sortEnt{pre: keyPrefix(k), off: len(r.arena), klen: uint32(len(k)), vlen: 1})
			r.arena = append(append(r.arena, k...), 'v')
		}
		slices.SortFunc(keys, bytes.Compare)
		for ways := 1; ways <= 3; ways++ {
			r := runBuf{arena: r.arena, ents: slices.Clone(r.ents)}
			r.sortIn(ways)
			for i, e := range r.ents {
				if !bytes.Equal(r.key(e), keys[i]) {
					t.Fatalf("n %d, %d ways: entry %d is %q, want %q", tc.n, ways, i, r.key(e), keys[i])
				}
			}
		}
	}
}
