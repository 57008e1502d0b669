package accounts

import (
	"bytes"
	"slices"
	"testing"

	"latchkey/store"
	"latchkey/store/storetest"
)

// A demo built with each practice's writes held while its users are added
// (holdPractice: its record and fullness entry written once for the run,
// issue 14 item 4) is the very database built with them written at each
// user: every bucket, every key and value, every sequence — the practices'
// records and licenses in use (R1), the fullness index, the totals, the
// audit chain (R29) — bulk and incremental.
func TestDemoHeldPracticeSameContent(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("compares bbolt files")
	}
	for _, bulk := range []bool{true, false} {
		build := func(hold bool) map[store.Bucket]bucketDump {
			old := seedHoldsPractice
			seedHoldsPractice = hold
			defer func() { seedHoldsPractice = old }()
			return dumpBuckets(t, builtDemo(t, bulk, 40, 7, 14))
		}
		got, want := build(true), build(false)
		if len(want[bPractices].keys) != 40 || len(want[ixFullness].keys) != 40 {
			t.Fatalf("bulk %v: %d practices, %d fullness entries: want 40", bulk, len(want[bPractices].keys), len(want[ixFullness].keys))
		}
		var names []store.Bucket
		for n := range want {
			names = append(names, n)
		}
		for n := range got {
			if _, ok := want[n]; !ok {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			g, w := got[name], want[name]
			if g.seq != w.seq || len(g.keys) != len(w.keys) {
				t.Errorf("bulk %v, %s: %d keys, sequence %d; written at each user: %d keys, sequence %d", bulk, name, len(g.keys), g.seq, len(w.keys), w.seq)
				continue
			}
			for i := range g.keys {
				if !bytes.Equal(g.keys[i], w.keys[i]) || !bytes.Equal(g.values[i], w.values[i]) {
					t.Errorf("bulk %v, %s: entry %d is %q=%q; written at each user %q=%q", bulk, name, i, g.keys[i], g.values[i], w.keys[i], w.values[i])
					break
				}
			}
		}
	}
}
