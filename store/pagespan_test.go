package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// R36: a damaged page that says it spans more pages than any page Latchkey
// writes is reported by its count, not read whole: the count alone could
// otherwise ask a check of a 3 GB file for gigabytes (its memory stays
// under 500 MB, issue 14 item 7). Likewise a freelist page that says it
// spans more than a list of every page of the file.
func TestPageCheckBoundsWhatOnePageMayAsk(t *testing.T) {
	// A file larger than the most pages one page may span, so that a
	// count past that bound still ends inside the file.
	path := filepath.Join(t.TempDir(), "big.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	most := maxPageSpan(4096)
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := range 2 * (most + 200) {
			if err := b.Put(U64(i), bytes.Repeat([]byte("v"), 1500)); err != nil {
				return err
			}
		}
		return nil
	})
	// Free pages near the start, so the freelist written after lands there
	// (and a count of half the file's pages still ends inside it).
	for i := uint64(0); err == nil && i < 3; i++ {
		err = db.Update(func(tx *bolt.Tx) error {
			for k := i * 100; k < i*100+100; k++ {
				if err := tx.Bucket([]byte("b")).Delete(U64(k)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	sound, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := latchkeyPageCheck(path); err != nil {
		t.Fatalf("the sound file: %v", err)
	}
	walk, err := walkPages(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, want string
		damage     func(b []byte)
	}{
		{"a leaf that says it spans more", "more than any page Latchkey writes", func(b []byte) {
			// The first leaf the tree reaches.
			pages := pagesOf(b)
			for id := 2; id < len(pages); id++ {
				p := pages[id]
				if walk.seen[id/64]&(1<<(id%64)) != 0 && binary.LittleEndian.Uint16(p[8:]) == leafPageFlag {
					binary.LittleEndian.PutUint32(p[12:], uint32(most+10))
					return
				}
			}
			t.Fatal("no leaf of bucket b")
		}},
		{"a freelist that says it spans more", "more than a list of every page", func(b []byte) {
			p := freelistPage(t, path, b)
			if id := binary.LittleEndian.Uint64(p); id > uint64(len(b)/4096/2) {
				t.Fatalf("the freelist is page %d of %d", id, len(b)/4096)
			}
			binary.LittleEndian.PutUint32(p[12:], uint32(len(b)/4096/2))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Clone(sound)
			c.damage(b)
			damaged := filepath.Join(t.TempDir(), "damaged.db")
			if err := os.WriteFile(damaged, b, 0o600); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := latchkeyPageCheck(damaged)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("check says %v, want it to say %q", err, c.want)
			}
			// The page itself would be over 30 MB; the walk's own buffers are far less.
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
				t.Errorf("the check allocated %d MB for one damaged page", grown>>20)
			}
		})
	}
}

// R36: a value larger than MaxValueSize is refused by name and nothing is
// written (the bound check relies on).
func TestPutRefusesAValueLargerThanAnyLatchkeyStores(t *testing.T) {
	db := openTemp(t)
	err := db.Update(func(tx *Tx) error { return tx.PutRaw("b", U64(1), make([]byte, MaxValueSize+1)) })
	if err == nil || !strings.Contains(err.Error(), "MaxValueSize") {
		t.Fatalf("put of %d bytes: %v", MaxValueSize+1, err)
	}
	err = db.View(func(tx *Tx) error {
		if _, err := tx.GetRaw("b", U64(1)); err == nil {
			t.Error("the refused value was written")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
