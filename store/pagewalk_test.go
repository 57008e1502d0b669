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
)

// R36: the page walk of a check names a damaged tree — a branch that leads
// back to itself, or out of the file — as an error, never a hang or a fault;
// on a sound file it reaches every page in use, each once.
func TestPageWalkNamesDamagedTrees(t *testing.T) {
	eachWalk(t, testPageWalkNamesDamagedTrees)
}

func testPageWalkNamesDamagedTrees(t *testing.T) {
	db := openTemp(t)
	if err := db.Update(func(tx *Tx) error {
		for i := range 3000 {
			if err := tx.PutRaw("b", U64(uint64(i)), bytes.Repeat([]byte("x"), 100)); err != nil {
				return err
			}
		}
		return tx.PutRaw("b", U64(9999), bytes.Repeat([]byte("y"), 10000)) // overflow pages
	}); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	_ = db.Close()
	whole, _ := os.ReadFile(path)
	w, err := walkPages(context.Background(), path)
	if err != nil {
		t.Fatalf("a sound file: %v", err)
	}
	if err := w.freePages(); err != nil {
		t.Fatalf("a sound file: %v", err)
	}
	reached := w.reached
	if len(reached) < 80 {
		t.Fatalf("a sound file: %d pages reached", len(reached))
	}
	for i := 1; i < len(reached); i++ {
		if reached[i] <= reached[i-1] {
			t.Fatalf("pages not each once in file order: %v", reached)
		}
	}
	// A branch page of the file, and the page its first element leads to.
	const size = 4096
	branch := -1
	for at := 2 * size; at+size <= len(whole); at += size {
		if binary.LittleEndian.Uint16(whole[at+8:]) == branchPageFlag && binary.LittleEndian.Uint64(whole[at:]) == uint64(at/size) {
			branch = at
			break
		}
	}
	if branch < 0 {
		t.Fatal("no branch page in the file")
	}
	child := branch + pageHeaderSize + 8
	for name, c := range map[string]struct {
		to   uint64
		want string
	}{
		"cycle":   {uint64(branch / size), "reached twice"},
		"outside": {uint64(len(whole)/size + 100), "outside the file's pages"},
	} {
		b := bytes.Clone(whole)
		binary.LittleEndian.PutUint64(b[child:], c.to)
		p := filepath.Join(t.TempDir(), name+".db")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := walkPages(context.Background(), p); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: want an error naming %s and %q, got %v", name, p, c.want, err)
		}
	}
	// A file cut short: pages its meta still counts lie past its end.
	cut := filepath.Join(t.TempDir(), "cut.db")
	if err := os.WriteFile(cut, whole[:len(whole)/2/size*size], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := walkPages(context.Background(), cut); err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), cut) {
		t.Errorf("a file cut short: want an ErrCorrupt naming it, got %v", err)
	}
}
