package store

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// A bulk transaction's writes to the buckets bbolt is given at once reach it
// through a writer goroutine (bulkpipe.go); the transaction still reads its
// own writes (lately written, long ago, deleted), hands out and keeps
// sequences, and a write bbolt refuses fails the whole transaction, nothing
// of it landing (issue 14 item 4).
func TestBulkPipeReadsItsOwnWrites(t *testing.T) {
	db, _ := openBulk(t, "words")
	err := db.Update(func(tx *Tx) error {
		for i := range 5000 {
			id, err := tx.NextSeq("records")
			if err != nil {
				return err
			}
			if id != uint64(i+1) {
				return fmt.Errorf("sequence gave %d, want %d", id, i+1)
			}
			if err := tx.PutRaw("records", U64(id), []byte(fmt.Sprint("v", id))); err != nil {
				return err
			}
			if i%7 == 0 {
				if err := tx.Delete("records", U64(id)); err != nil {
					return err
				}
			}
			// Just written, written thousands of writes ago, deleted.
			for _, back := range []uint64{id, (id + 1) / 2, 1} {
				v, err := tx.GetRaw("records", U64(back))
				switch {
				case (back-1)%7 == 0:
					if !errors.Is(err, ErrNotFound) {
						return fmt.Errorf("deleted %d read as %q, %v", back, v, err)
					}
				case err != nil || string(v) != fmt.Sprint("v", back):
					return fmt.Errorf("%d read as %q, %v", back, v, err)
				}
			}
		}
		if n, err := tx.Sequence("records"); err != nil || n != 5000 {
			return fmt.Errorf("sequence %d, %v; want 5000", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *Tx) error {
		if n, err := tx.Sequence("records"); err != nil || n != 5000 {
			return fmt.Errorf("sequence after commit %d, %v; want 5000", n, err)
		}
		if n, err := tx.Count("records"); err != nil || n != 5000-5000/7-1 {
			return fmt.Errorf("count %d, %v", n, err)
		}
		v, err := tx.GetRaw("records", U64(5000))
		if err != nil || !bytes.Equal(v, []byte("v5000")) {
			return fmt.Errorf("5000 after commit: %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// bbolt refuses a key over its limit: the transaction fails whole.
	err = db.Update(func(tx *Tx) error {
		for i := range 1000 {
			if err := tx.PutRaw("records", U64(uint64(10000+i)), []byte("x")); err != nil {
				return err
			}
		}
		if _, err := tx.NextSeq("records"); err != nil {
			return err
		}
		return tx.PutRaw("records", make([]byte, 40000), []byte("x"))
	})
	if err == nil {
		t.Fatal("a key bbolt refuses was accepted")
	}
	err = db.View(func(tx *Tx) error {
		if _, err := tx.GetRaw("records", U64(10000)); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("a write of the failed transaction landed: %v", err)
		}
		if n, _ := tx.Sequence("records"); n != 5000 {
			return fmt.Errorf("the failed transaction moved the sequence to %d", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
