package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The check no longer runs bbolt's own check (Tx.Check): the page walk
// checks the order of every key and accounts for every page (R36). These
// tests plant each defect bbolt's check reports, prove bbolt's check
// reports it, and prove Latchkey's check reports it too.

// pageCheckFile is a sound bbolt file with a tree of a few levels (3,000
// keys), a nested bucket, and free pages (a commit deleted keys).
func pageCheckFile(t *testing.T) []byte {
	t.Helper()
	db := openTemp(t)
	err := db.Update(func(tx *Tx) error {
		for i := range 3000 {
			if err := tx.PutRaw("b", U64(uint64(i)*2), bytes.Repeat([]byte("v"), 100)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = db.Update(func(tx *Tx) error {
			for i := range 300 {
				if err := tx.Delete("b", U64(uint64(i)*2)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, db, 20)
	path := db.Path()
	_ = db.Close()
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return whole
}

// boltCheck runs bbolt's own check on the file at path (read-only) and
// joins what it reports.
func boltCheck(t *testing.T, path string) error {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		return err
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// eachWalk runs fn with the walk in one walker throughout, and split into
// two halves from the second level down (at a million users it splits at
// the level of a few thousand branch pages).
func eachWalk(t *testing.T, fn func(t *testing.T)) {
	was := walkSplit
	defer func() { walkSplit = was }()
	for _, split := range []int{1 << 30, 2} {
		walkSplit = split
		t.Run(map[bool]string{true: "one walker", false: "two walkers"}[split > 2], fn)
	}
}

// latchkeyPageCheck is what check reads of the pages before its passes.
func latchkeyPageCheck(path string) error {
	w, err := walkPages(context.Background(), path)
	if err != nil {
		return err
	}
	return w.freePages()
}

// pagesOf returns each 4 KB page of whole as a slice of it.
func pagesOf(whole []byte) [][]byte {
	const size = 4096
	var pages [][]byte
	for at := 0; at+size <= len(whole); at += size {
		pages = append(pages, whole[at:at+size])
	}
	return pages
}

// findPage returns the first page (by id, from 2) that says it is itself
// and has the flags and at least min elements, or fails the test.
func findPage(t *testing.T, whole []byte, flags uint16, min int) []byte {
	t.Helper()
	for id, p := range pagesOf(whole) {
		if id >= 2 && binary.LittleEndian.Uint64(p) == uint64(id) && binary.LittleEndian.Uint16(p[8:]) == flags &&
			int(binary.LittleEndian.Uint16(p[10:])) >= min && binary.LittleEndian.Uint32(p[12:]) == 0 {
			if flags == leafPageFlag && leafKey(p, 0) == nil {
				continue // not the 8-byte keys of bucket b
			}
			return p
		}
	}
	t.Fatalf("no page with flags %#x and %d elements", flags, min)
	return nil
}

// leafKey is element i's key of a leaf page when it is an 8-byte key with
// no bucket flag (bucket b's), else nil.
func leafKey(p []byte, i int) []byte {
	el := p[pageHeaderSize+i*elementSize:]
	if binary.LittleEndian.Uint32(el) != 0 || binary.LittleEndian.Uint32(el[8:]) != 8 {
		return nil
	}
	pos := pageHeaderSize + i*elementSize + int(binary.LittleEndian.Uint32(el[4:]))
	return p[pos : pos+8]
}

// branchKey is element i's key of a branch page.
func branchKey(p []byte, i int) []byte {
	el := p[pageHeaderSize+i*elementSize:]
	pos := pageHeaderSize + i*elementSize + int(binary.LittleEndian.Uint32(el))
	return p[pos : pos+int(binary.LittleEndian.Uint32(el[4:]))]
}

// freelistPage is the freelist page the newest meta names.
func freelistPage(t *testing.T, path string, whole []byte) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		t.Fatal(err)
	}
	p := pagesOf(whole)[m.freelist]
	if binary.LittleEndian.Uint16(p[8:]) != freelistPageFlag || binary.LittleEndian.Uint16(p[10:]) < 3 {
		t.Fatalf("freelist page %d holds too few ids", m.freelist)
	}
	return p
}

// R36: every defect bbolt's own check reports in a file — keys out of
// order in a page, a page's keys outside the keys that lead to it, a page
// reached twice, a page freed twice, a page both reached and free, a page neither reached nor
// free, the freelist's page reached by a tree — Latchkey's check reports
// too, naming it, and bbolt's check reports it as well where it can be run
// safely (so each planted defect is one bbolt's check was there to catch).
func TestPageCheckCatchesWhatBboltsCheckCatches(t *testing.T) {
	sound := pageCheckFile(t)
	dir := t.TempDir()
	soundPath := filepath.Join(dir, "sound.db")
	if err := os.WriteFile(soundPath, sound, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := boltCheck(t, soundPath); err != nil {
		t.Fatalf("bbolt's check of the sound file: %v", err)
	}
	if err := latchkeyPageCheck(soundPath); err != nil {
		t.Fatalf("Latchkey's check of the sound file: %v", err)
	}
	cases := []struct {
		name     string
		plant    func(b []byte)
		want     string
		boltSays bool // bbolt's check is run, and reports it (see the two false)
	}{
		{"leaf keys out of order", func(b []byte) {
			p := findPage(t, b, leafPageFlag, 3)
			k0, k1 := leafKey(p, 0), leafKey(p, 1)
			tmp := bytes.Clone(k0)
			copy(k0, k1)
			copy(k1, tmp)
		}, "is not above the key before it", true},
		{"leaf key equal to the one before", func(b []byte) {
			p := findPage(t, b, leafPageFlag, 3)
			copy(leafKey(p, 1), leafKey(p, 0))
		}, "is not above the key before it", true},
		{"branch keys out of order", func(b []byte) {
			p := findPage(t, b, branchPageFlag, 3)
			k1, k2 := branchKey(p, 1), branchKey(p, 2)
			tmp := bytes.Clone(k1)
			copy(k1, k2)
			copy(k2, tmp)
		}, "page", true},
		{"a page's first key below the key that leads to it", func(b []byte) {
			p := findPage(t, b, branchPageFlag, 3)
			k := branchKey(p, 1)
			binary.BigEndian.PutUint64(k, binary.BigEndian.Uint64(k)+1)
		}, "is below the key that leads to the page", true},
		{"a page's key at or past the key after it", func(b []byte) {
			p := findPage(t, b, branchPageFlag, 3)
			k0, k1 := branchKey(p, 0), branchKey(p, 1)
			binary.BigEndian.PutUint64(k1, binary.BigEndian.Uint64(k0)+4)
		}, "is not below the key after the page's", true},
		{"a page reached from two places", func(b []byte) {
			// The first and the last child of a branch page lead to the
			// same page: with two walkers, from the two halves.
			p := findPage(t, b, branchPageFlag, 3)
			n := int(binary.LittleEndian.Uint16(p[10:]))
			first := binary.LittleEndian.Uint64(p[pageHeaderSize+8:])
			binary.LittleEndian.PutUint64(p[pageHeaderSize+(n-1)*elementSize+8:], first)
		}, "reached twice", true},
		{"a page neither reached nor free", func(b []byte) {
			p := freelistPage(t, soundPath, b)
			binary.LittleEndian.PutUint16(p[10:], binary.LittleEndian.Uint16(p[10:])-1)
		}, "unreachable unfreed", true},
		{"a page both reached and free", func(b []byte) {
			p := freelistPage(t, soundPath, b)
			n := binary.LittleEndian.Uint16(p[10:])
			leaf := binary.LittleEndian.Uint64(findPage(t, b, leafPageFlag, 3))
			binary.LittleEndian.PutUint64(p[pageHeaderSize+8*int(n):], leaf)
			binary.LittleEndian.PutUint16(p[10:], n+1)
		}, "reachable freed", true},
		{"a page freed twice", func(b []byte) {
			// bbolt loads the freelist into a map here (FreelistMapType),
			// which folds the two ids into one: its check sees the page
			// once; the file still says it twice, and Latchkey reports it.
			p := freelistPage(t, soundPath, b)
			n := binary.LittleEndian.Uint16(p[10:])
			last := binary.LittleEndian.Uint64(p[pageHeaderSize+8*int(n-1):])
			binary.LittleEndian.PutUint64(p[pageHeaderSize+8*int(n):], last)
			binary.LittleEndian.PutUint16(p[10:], n+1)
		}, "already freed", false},
		{"the freelist's page reached by a tree", func(b []byte) {
			// bbolt's check is not run on this one: it would read the
			// freelist page as a tree page, and follow its ids as children
			// out of the map, a fault no goroutine recovers (the walk
			// refuses the page before anything reads it through the map).
			p := findPage(t, b, branchPageFlag, 3)
			fl := binary.LittleEndian.Uint64(freelistPage(t, soundPath, b))
			binary.LittleEndian.PutUint64(p[pageHeaderSize+8:], fl)
		}, "page", false},
	}
	eachWalk(t, func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				b := bytes.Clone(sound)
				c.plant(b)
				path := filepath.Join(t.TempDir(), "damaged.db")
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
				err := latchkeyPageCheck(path)
				if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Latchkey's page check: want an ErrCorrupt naming %q, got %v", c.want, err)
				}
				// The whole check reports it too, as it opens the file.
				if db, oerr := Open(path, Options{ReadOnly: true}); oerr == nil {
					cerr := db.Check(testChain)
					_ = db.Close()
					if cerr == nil {
						t.Fatal("Check passed the damaged file")
					}
				}
				if c.boltSays {
					if berr := boltCheck(t, path); berr == nil {
						t.Fatal("bbolt's check passed the damaged file: the test plants no defect it reports")
					}
				}
			})
		}
	})
}

// R36: on files damaged at random in their keys and freelist, wherever
// bbolt's own check finds a fault, Latchkey's page check finds one too (it
// is run only on files whose structure the walk passes, where bbolt's
// check cannot fault).
func TestPageCheckNoLaxerThanBbolt(t *testing.T) {
	sound := pageCheckFile(t)
	dir := t.TempDir()
	rng := uint64(7)
	next := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	pages := len(sound) / 4096
	was := walkSplit
	defer func() { walkSplit = was }()
	runs := 300
	if testing.Short() {
		runs = 60
	}
	caught, both := 0, 0
	for i := range runs {
		b := bytes.Clone(sound)
		for range 1 + next(3) {
			id := 2 + next(pages-2)
			p := b[id*4096 : (id+1)*4096]
			count := int(binary.LittleEndian.Uint16(p[10:]))
			switch flags := binary.LittleEndian.Uint16(p[8:]); {
			case flags == freelistPageFlag && count > 0:
				binary.LittleEndian.PutUint64(p[pageHeaderSize+8*next(count):], uint64(2+next(pages)))
			case (flags == leafPageFlag || flags == branchPageFlag) && count > 0:
				// A byte of one key (the offset counts from the element).
				elAt := pageHeaderSize + next(count)*elementSize
				el := p[elAt:]
				pos, ksize := binary.LittleEndian.Uint32(el[4:]), binary.LittleEndian.Uint32(el[8:])
				if flags == branchPageFlag {
					pos, ksize = binary.LittleEndian.Uint32(el), binary.LittleEndian.Uint32(el[4:])
				}
				if at := elAt + int(pos); ksize > 0 && at+int(ksize) <= len(p) {
					p[at+next(int(ksize))] ^= byte(1 + next(255))
				}
			}
		}
		path := filepath.Join(dir, "d.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		// One walker, then two from the second level down: they agree.
		walkSplit = 1 << 30
		ours := latchkeyPageCheck(path)
		walkSplit = 2
		if two := latchkeyPageCheck(path); (two == nil) != (ours == nil) {
			t.Fatalf("case %d: one walker says %v, two say %v", i, ours, two)
		}
		if ours != nil {
			caught++
			continue
		}
		if berr := boltCheck(t, path); berr != nil {
			t.Fatalf("case %d: bbolt's check reports %v; Latchkey's page check passed the file", i, berr)
		}
		both++
	}
	if caught == 0 {
		t.Fatal("no damage was caught: the test damages nothing")
	}
	t.Logf("%d damaged files caught, %d passed by both checks", caught, both)
}

// R36: a freelist of 65,535 ids or more keeps its count in its first
// element (bbolt's layout past a page header's count): the free pages are
// accounted for as bbolt reads them, and one left out is still found.
func TestPageCheckReadsALongFreelist(t *testing.T) {
	sound := pageCheckFile(t)
	soundPath := filepath.Join(t.TempDir(), "sound.db")
	if err := os.WriteFile(soundPath, sound, 0o600); err != nil {
		t.Fatal(err)
	}
	long := func(drop uint64) string {
		b := bytes.Clone(sound)
		p := freelistPage(t, soundPath, b)
		n := uint64(binary.LittleEndian.Uint16(p[10:]))
		ids := bytes.Clone(p[pageHeaderSize : pageHeaderSize+8*n])
		binary.LittleEndian.PutUint16(p[10:], 0xFFFF)
		binary.LittleEndian.PutUint64(p[pageHeaderSize:], n-drop)
		copy(p[pageHeaderSize+8:], ids)
		path := filepath.Join(t.TempDir(), "long.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	whole := long(0)
	if err := boltCheck(t, whole); err != nil {
		t.Fatalf("bbolt's check of the long freelist: %v", err)
	}
	if err := latchkeyPageCheck(whole); err != nil {
		t.Fatalf("Latchkey's check of the long freelist: %v", err)
	}
	short := long(1)
	if err := boltCheck(t, short); err == nil {
		t.Fatal("bbolt's check passed a long freelist one page short")
	}
	if err := latchkeyPageCheck(short); err == nil || !strings.Contains(err.Error(), "unreachable unfreed") {
		t.Fatalf("Latchkey's check of a long freelist one page short: %v", err)
	}
}
