package accounts

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/cryptotest"

	"latchkey/store"
	"latchkey/store/storetest"
)

// A bulk-built demo (issue 14 item 4: records in order, the indexes that
// arrive in no order gathered and written sorted at the end) is the very
// file the Service's incremental path builds: with the same seed, clock and
// randomness, every bucket — records, audit chain, outbox, every index — and
// every sequence is byte for byte the same. (R29: the chain is the same
// chain; R9, R31: the login and search indexes are the incremental ones.)
func TestBulkDemoEqualsIncremental(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("the bulk load is the bbolt file's; PostgreSQL builds incrementally")
	}
	const practices = 30
	build := func(bulk bool) *store.DB { return builtDemo(t, bulk, practices, 7, 14) }
	bulk, incr := build(true), build(false)
	want := dumpBuckets(t, incr)
	got := dumpBuckets(t, bulk)
	for _, name := range deferredIndexes {
		if len(want[name].keys) == 0 {
			t.Errorf("the demo wrote nothing to %s: the test proves nothing of it", name)
		}
	}
	names := func(m map[store.Bucket]bucketDump) []store.Bucket {
		var out []store.Bucket
		for n := range m {
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(names(got), names(want)) {
		t.Fatalf("buckets: bulk %v, incremental %v", names(got), names(want))
	}
	for _, name := range names(want) {
		g, w := got[name], want[name]
		if g.seq != w.seq {
			t.Errorf("%s: sequence %d, incremental %d", name, g.seq, w.seq)
		}
		if len(g.keys) != len(w.keys) {
			t.Errorf("%s: %d keys, incremental %d", name, len(g.keys), len(w.keys))
		}
		for i := range min(len(g.keys), len(w.keys)) {
			if !bytes.Equal(g.keys[i], w.keys[i]) || !bytes.Equal(g.values[i], w.values[i]) {
				t.Errorf("%s: entry %d is %q=%q, incremental %q=%q", name, i, g.keys[i], g.values[i], w.keys[i], w.values[i])
				break
			}
		}
	}
}

type bucketDump struct {
	seq          uint64
	keys, values [][]byte
}

func dumpBuckets(t *testing.T, db *store.DB) map[store.Bucket]bucketDump {
	t.Helper()
	out := map[store.Bucket]bucketDump{}
	err := db.View(func(tx *store.Tx) error {
		names, err := tx.Buckets()
		if err != nil {
			return err
		}
		for _, name := range names {
			var d bucketDump
			if d.seq, err = tx.Sequence(name); err != nil {
				return err
			}
			err := tx.Scan(name, nil, nil, false, func(k, v []byte) (bool, error) {
				d.keys = append(d.keys, bytes.Clone(k))
				d.values = append(d.values, bytes.Clone(v))
				return true, nil
			})
			if err != nil {
				return err
			}
			out[name] = d
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The same seed builds the same demo (issue 14 item 4: the build may be
// made faster, never different): two bulk builds with one seed, clock and
// randomness are byte for byte the same file's content, bucket by bucket;
// and the users' indexes in it hold exactly what a scan of the user records
// makes of them — each login once, every search word and doc (R9, R31),
// each user under their practice — and nothing else.
func TestDemoSameSeedSameContent(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("the bulk load is the bbolt file's")
	}
	const practices = 25
	first, second := dumpBuckets(t, builtDemo(t, true, practices, 11, 21)), dumpBuckets(t, builtDemo(t, true, practices, 11, 21))
	if len(first) != len(second) {
		t.Fatalf("%d buckets, then %d", len(first), len(second))
	}
	for name, a := range first {
		b, ok := second[name]
		if !ok || a.seq != b.seq || len(a.keys) != len(b.keys) {
			t.Fatalf("%s: %d keys (sequence %d), then %d (%d, found %v)", name, len(a.keys), a.seq, len(b.keys), b.seq, ok)
		}
		for i := range a.keys {
			if !bytes.Equal(a.keys[i], b.keys[i]) || !bytes.Equal(a.values[i], b.values[i]) {
				t.Fatalf("%s: entry %d is %q=%q, then %q=%q", name, i, a.keys[i], a.values[i], b.keys[i], b.values[i])
			}
		}
	}

	// The indexes as a scan of the records makes them.
	want := map[store.Bucket]map[string]string{ixLogin: {}, ixUserWords: {}, ixUserDocs: {}, ixPracticeUsers: {}}
	users := 0
	for name, d := range first {
		if name != bUsers && !strings.HasPrefix(string(name), string(bUsers)+".") {
			continue
		}
		for i, k := range d.keys {
			if len(k) != 8 {
				continue // a user's event listing
			}
			u, err := decodeUser(d.values[i])
			if err != nil {
				t.Fatalf("%s %x: %v", name, k, err)
			}
			users++
			want[ixLogin][normalizeLogin(u.Login())] = string(store.U64(u.ID))
			for _, w := range userSpace.wordKeys(u.ID, userDoc(u)) {
				want[ixUserWords][string(w)] = ""
			}
			want[ixUserDocs][string(store.U64(u.ID))] = string(userDoc(u).encode())
			want[ixPracticeUsers][string(practiceUserKey(u))] = ""
		}
	}
	if users < practices*10 {
		t.Fatalf("only %d users scanned", users)
	}
	for name, entries := range want {
		d := first[name]
		if len(d.keys) != len(entries) {
			t.Errorf("%s: %d entries, a scan of %d users makes %d", name, len(d.keys), users, len(entries))
		}
		for i, k := range d.keys {
			if v, ok := entries[string(k)]; !ok || v != string(d.values[i]) {
				t.Errorf("%s: %q=%q, a scan makes %q (%v)", name, k, d.values[i], v, ok)
				break
			}
		}
	}
}

// builtDemo builds a demo of the given practices and seed, bulk or
// incremental, with the process's randomness reset to randSeed first and a
// sealing key of its own (made from that randomness), and opens it
// read-only for the test.
func builtDemo(t *testing.T, bulk bool, practices int, seed int64, randSeed uint64) *store.DB {
	t.Helper()
	cryptotest.SetGlobalRandom(t, randSeed)
	dir := t.TempDir()
	cfg := cheapConfig()
	cfg.KeyFile = filepath.Join(dir, "seal.key")
	path := filepath.Join(dir, "demo.db")
	opts := DemoOptions{Practices: practices, Seed: seed, Clock: NewFakeClock(testEpoch)}
	if err := buildDemo(path, bulk, opts, cfg); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
