package accounts

import (
	"math/rand/v2"
	"testing"
)

// The demo's count of names given out per base (givenTable) answers as a
// map would, through its growth, so a seed's emails and usernames are
// unchanged (issue 14 item 4).
func TestGivenTableCountsAsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	table, want := newGivenTable(10), map[uint64]uint32{}
	for range 200_000 {
		h := rng.Uint64N(50_000) * 0x10000 // many hashes alike in their low bits
		if got := table.next(h); got != want[h] {
			t.Fatalf("next(%x) = %d, want %d", h, got, want[h])
		}
		want[h]++
	}
	if table.n != len(want) {
		t.Fatalf("%d bases counted, want %d", table.n, len(want))
	}
}
