package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openBulk(t *testing.T, deferred ...Bucket) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bulk.db")
	db, err := Open(path, Options{Defer: deferred})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, path
}

// A bulk load writes the deferred buckets, at FinishBulk, exactly as if
// every write had landed when it was made: entries from many transactions,
// in no order, spilled to sorted runs and merged (issue 14 item 4).
func TestBulkLoadDeferredBucketsLandSorted(t *testing.T) {
	db, path := openBulk(t, "words", "logins")
	db.eng.(*boltDB).bulk.sorter.limit = 4 << 10 // many runs
	rng := rand.New(rand.NewPCG(1, 2))
	want := map[Bucket]map[string]string{"words": {}, "logins": {}, "records": {}}
	seq := 0
	for range 40 {
		err := db.Update(func(tx *Tx) error {
			for range 100 {
				seq++
				if err := tx.PutRaw("records", U64(uint64(seq)), []byte("r")); err != nil {
					return err
				}
				want["records"][string(U64(uint64(seq)))] = "r"
				for _, b := range []Bucket{"words", "logins"} {
					k := fmt.Sprintf("%x|%d", rng.Uint32(), seq)
					v := fmt.Sprint(seq)
					if err := tx.PutRaw(b, []byte(k), []byte(v)); err != nil {
						return err
					}
					want[b][k] = v
				}
			}
			// A key written and removed in the same transaction never lands.
			if err := tx.PutRaw("words", []byte("gone"), nil); err != nil {
				return err
			}
			return tx.Delete("words", []byte("gone"))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A transaction that fails leaves nothing behind, deferred or not.
	boom := errors.New("boom")
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutRaw("words", []byte("rolled back"), nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := db.eng.(*boltDB).bulk.gathered(); err != nil {
		t.Fatal(err)
	}
	if runs, _ := filepath.Glob(path + ".runs/run-*"); len(runs) < 2 {
		t.Fatalf("want the entries spilled to several runs, got %d", len(runs))
	}
	var calls int
	if err := db.FinishBulk(func(done, total int64) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("FinishBulk told no progress")
	}
	if _, err := os.Stat(path + ".runs"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("runs left beside the file: %v", err)
	}
	if err := db.View(func(tx *Tx) error { return bucketsHold(tx, want) }); err != nil {
		t.Fatal(err)
	}
	// After FinishBulk every write lands at once again.
	if err := db.Update(func(tx *Tx) error { return tx.PutRaw("words", []byte("later"), nil) }); err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx *Tx) error { _, err := tx.GetRaw("words", []byte("later")); return err }); err != nil {
		t.Fatal(err)
	}
}

// What a bulk load cannot answer truly it refuses: a scan or a count of a
// deferred bucket, the delete of an entry an earlier transaction wrote, and
// (at FinishBulk) an entry two transactions wrote. A read sees what its own
// transaction wrote.
func TestBulkLoadRefusesWhatItCannotAnswer(t *testing.T) {
	db, _ := openBulk(t, "logins")
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutRaw("logins", []byte("ann"), U64(1)); err != nil {
			return err
		}
		v, err := tx.GetRaw("logins", []byte("ann"))
		if err != nil || ParseU64(v) != 1 {
			return fmt.Errorf("own write read back as %x, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]func(tx *Tx) error{
		"scan": func(tx *Tx) error {
			return tx.Scan("logins", nil, nil, false, func(_, _ []byte) (bool, error) { return true, nil })
		},
		"count":  func(tx *Tx) error { _, err := tx.Count("logins"); return err },
		"delete": func(tx *Tx) error { return tx.Delete("logins", []byte("ann")) },
	}
	for what, fn := range refused {
		if err := db.Update(fn); err == nil || !strings.Contains(err.Error(), "logins") {
			t.Errorf("%s of a deferred bucket: %v, want a refusal naming it", what, err)
		}
	}
	if err := db.Update(func(tx *Tx) error { return tx.PutRaw("logins", []byte("ann"), U64(2)) }); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishBulk(nil); err == nil || !strings.Contains(err.Error(), `"ann" written twice`) {
		t.Fatalf("FinishBulk of a key written twice: %v", err)
	}
}

// A key a bulk transaction writes twice lands once, with the later value,
// whether or not the transaction reads its bucket (the buckets never read
// are collapsed by the sorter's goroutine, the others as they are written).
func TestBulkLoadLaterWriteWins(t *testing.T) {
	db, _ := openBulk(t, "words", "logins")
	err := db.Update(func(tx *Tx) error {
		for _, kv := range [][2]string{{"dup", "1"}, {"other", "x"}, {"dup", "2"}} {
			if err := tx.PutRaw("words", []byte(kv[0]), []byte(kv[1])); err != nil {
				return err
			}
			if err := tx.PutRaw("logins", []byte(kv[0]), []byte(kv[1])); err != nil {
				return err
			}
		}
		// Reading logins now indexes what was written to it so far.
		if v, err := tx.GetRaw("logins", []byte("dup")); err != nil || string(v) != "2" {
			return fmt.Errorf("logins dup read as %q, %v; want 2", v, err)
		}
		if err := tx.PutRaw("logins", []byte("dup"), []byte("3")); err != nil {
			return err
		}
		return tx.PutRaw("words", []byte("dup"), []byte("3"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishBulk(nil); err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		for _, b := range []Bucket{"words", "logins"} {
			if v, err := tx.GetRaw(b, []byte("dup")); err != nil || string(v) != "3" {
				return fmt.Errorf("%s dup = %q, %v; want 3", b, v, err)
			}
			if n, err := tx.Count(b); err != nil || n != 2 {
				return fmt.Errorf("%s holds %d keys, %v; want 2", b, n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A bucket named in Options.Replaced (a key deleted and written anew at
// each change, as the fullness index's) ends holding exactly what the
// writes say: deletes of keys written in the same transaction, in an
// earlier one, or never; and after a transaction that was rolled back
// (what it deleted is back), deletes still land (issue 14 item 4).
func TestBulkLoadReplacedBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bulk.db")
	db, err := Open(path, Options{Defer: []Bucket{"words"}, Replaced: []Bucket{"fullness"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	want := map[string]bool{}
	rng := rand.New(rand.NewPCG(7, 8))
	boom := errors.New("boom")
	for txn := range 60 {
		err := db.Update(func(tx *Tx) error {
			n := 200
			if txn%7 == 3 {
				n = 1000 // some of its batches reach the writer before it fails
			}
			for range n {
				k := fmt.Sprintf("k%03d", rng.IntN(400))
				if rng.IntN(2) == 0 {
					if err := tx.PutRaw("fullness", []byte(k), nil); err != nil {
						return err
					}
					if txn%7 != 3 {
						want[k] = true
					}
				} else {
					if err := tx.Delete("fullness", []byte(k)); err != nil {
						return err
					}
					if txn%7 != 3 {
						delete(want, k)
					}
				}
			}
			if txn%7 == 3 {
				return boom // rolled back: nothing of it lands
			}
			return nil
		})
		if txn%7 == 3 {
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.FinishBulk(nil); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	err = db.View(func(tx *Tx) error {
		return tx.Scan("fullness", nil, nil, false, func(k, _ []byte) (bool, error) {
			got[string(k)] = true
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("fullness holds %d keys, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("fullness lacks %s", k)
		}
	}
}

// PutLater's entries land as PutRaw's would, in the order asked: made by
// the sorter's goroutine in a bulk load, or at once; a later write of the
// same key in the transaction wins, and a read in it sees them (issue 14
// item 4).
func TestBulkLoadPutLater(t *testing.T) {
	plain, err := Open(filepath.Join(t.TempDir(), "plain.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = plain.Close() })
	bulk, _ := openBulk(t, "words", "logins")
	for name, db := range map[string]*DB{"plain": plain, "bulk": bulk} {
		err := db.Update(func(tx *Tx) error {
			for _, b := range []Bucket{"words", "logins", "records"} {
				err := tx.PutLater(b, func(put func(k, v []byte)) {
					put([]byte("a"), []byte("later"))
					put([]byte("b"), []byte("later"))
				})
				if err != nil {
					return err
				}
			}
			if err := tx.PutRaw("words", []byte("b"), []byte("now")); err != nil {
				return err
			}
			if v, err := tx.GetRaw("logins", []byte("a")); err != nil || string(v) != "later" {
				return fmt.Errorf("logins a read back as %q, %v", v, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(name, err)
		}
		if name == "bulk" {
			if err := db.FinishBulk(nil); err != nil {
				t.Fatal(err)
			}
		}
		want := map[Bucket]map[string]string{"words": {"a": "later", "b": "now"},
			"logins": {"a": "later", "b": "later"}, "records": {"a": "later", "b": "later"}}
		if err := db.View(func(tx *Tx) error { return bucketsHold(tx, want) }); err != nil {
			t.Fatal(name, err)
		}
	}
}

// bucketsHold reports the first way the buckets differ from want: a key out
// of order, a value not wanted, or a count of keys.
func bucketsHold(tx *Tx, want map[Bucket]map[string]string) error {
	for b, m := range want {
		n := 0
		var last []byte
		err := tx.Scan(b, nil, nil, false, func(k, v []byte) (bool, error) {
			n++
			if last != nil && bytes.Compare(last, k) >= 0 {
				return false, fmt.Errorf("%s out of order at %q", b, k)
			}
			last = bytes.Clone(k)
			if m[string(k)] != string(v) {
				return false, fmt.Errorf("%s %q = %q, want %q", b, k, v, m[string(k)])
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		if n != len(m) {
			return fmt.Errorf("%s holds %d keys, want %d", b, n, len(m))
		}
	}
	return nil
}
