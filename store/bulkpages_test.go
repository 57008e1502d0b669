package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The pages FinishBulk writes itself (bulkpages.go) are a file bbolt reads
// and checks as its own (issue 14 items 3 and 4): trees of several levels,
// values too large for a page (overflow pages) or for a run's read, a bucket of one entry,
// buckets in both lanes, the sequences kept; every key found in order by
// bbolt, bbolt's own check and the page walk of `latchkey check` clean, no
// page free, and the buckets written through bbolt as usual afterwards.
func TestBulkPagesAreBboltsOwn(t *testing.T) {
	db, path := openBulk(t, "words", "logins", "single", "big")
	db.eng.(*boltDB).bulk.sorter.limit = 256 << 10 // several runs
	rng := rand.New(rand.NewPCG(3, 4))
	want := map[Bucket]map[string]string{"words": {}, "logins": {}, "single": {}, "big": {}, "records": {}}
	put := func(tx *Tx, b Bucket, k, v string) error {
		want[b][k] = v
		return tx.PutRaw(b, []byte(k), []byte(v))
	}
	for txn := range 30 {
		err := db.Update(func(tx *Tx) error {
			if _, err := tx.NextSeq("logins"); err != nil {
				return err
			}
			for i := range 2_000 {
				n := txn*2_000 + i
				if err := put(tx, "records", string(U64(uint64(n))), "r"); err != nil {
					return err
				}
				// Words of many lengths, so pages hold few or many.
				w := fmt.Sprintf("%s|%08d", bytes.Repeat([]byte{byte('a' + rng.IntN(26))}, 1+rng.IntN(60)), n)
				if err := put(tx, "words", w, ""); err != nil {
					return err
				}
				if err := put(tx, "logins", fmt.Sprintf("user%x", rng.Uint64()), fmt.Sprint(n)); err != nil {
					return err
				}
			}
			// Values larger than a page, and one just under.
			for i := range 3 {
				v := bytes.Repeat([]byte{byte('0' + i)}, 3_000+rng.IntN(20_000))
				if err := put(tx, "big", fmt.Sprintf("big%03d-%d", txn, i), string(v)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// One value larger than a run is read at a time.
	if err := db.Update(func(tx *Tx) error { return put(tx, "big", "huge", strings.Repeat("h", 700<<10)) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error { return put(tx, "single", "only", "one") }); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishBulk(nil); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		err := db.View(func(tx *Tx) error {
			for b, m := range want {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				i := 0
				err := tx.Scan(b, nil, nil, false, func(k, v []byte) (bool, error) {
					if i >= len(keys) || string(k) != keys[i] || string(v) != m[keys[i]] {
						return false, fmt.Errorf("%s: key %d is %.20q (%d bytes)", b, i, k, len(v))
					}
					i++
					return true, nil
				})
				if err != nil {
					return err
				}
				if i != len(keys) {
					return fmt.Errorf("%s holds %d keys, want %d", b, i, len(keys))
				}
				for _, k := range keys[:min(len(keys), 50)] {
					if v, err := tx.GetRaw(b, []byte(k)); err != nil || string(v) != m[k] {
						return fmt.Errorf("%s get %.20q: %d bytes, %v", b, k, len(v), err)
					}
				}
			}
			if n, err := tx.Sequence("logins"); err != nil || n != 30 {
				return fmt.Errorf("logins sequence %d, %v; want 30", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.eng.(*boltDB).bolt.View(func(btx *bolt.Tx) error {
			for err := range btx.Check() {
				return err
			}
			if st := db.eng.(*boltDB).bolt.Stats(); st.FreePageN > 8 {
				return fmt.Errorf("%d pages free", st.FreePageN)
			}
			return nil
		})
		if err != nil {
			t.Fatal("bbolt's check:", err)
		}
		walked, err := walkPages(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := walked.freePages(); err != nil {
			t.Fatal(err)
		}
	}
	check()
	var depth int
	_ = db.eng.(*boltDB).bolt.View(func(btx *bolt.Tx) error {
		depth = btx.Bucket([]byte("words")).Stats().Depth
		return nil
	})
	if depth < 3 {
		t.Errorf("words tree %d levels deep; want a test of branches over branches", depth)
	}
	// Afterwards the buckets take writes and deletes through bbolt.
	err := db.Update(func(tx *Tx) error {
		for k := range want["words"] {
			if rng.IntN(3) == 0 {
				delete(want["words"], k)
				if err := tx.Delete("words", []byte(k)); err != nil {
					return err
				}
			}
		}
		return put(tx, "words", "later", "x")
	})
	if err != nil {
		t.Fatal(err)
	}
	check()
}
