package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
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

// The writer commits a bulk transaction while the next one runs, and only
// the last write of a key in a batch reaches bbolt: the next transaction and
// a read right after see every write, in the order made — a key written,
// rewritten and deleted; one deleted and written again; a bucket whose only
// write, a put, a delete undid — and a transaction that fails after
// committed ones takes none of them back (issue 14 item 4).
func TestBulkPipeCommitsBehindAndKeepsLastWrites(t *testing.T) {
	db, _ := openBulk(t, "words")
	for round := range 20 {
		err := db.Update(func(tx *Tx) error {
			if round > 0 { // the previous transaction, read through a barrier
				v, err := tx.GetRaw("records", U64(uint64(round-1)))
				if err != nil || string(v) != fmt.Sprint("last ", round-1) {
					return fmt.Errorf("round %d reads %q, %v", round, v, err)
				}
			}
			for _, w := range []string{"first", "second", "last"} {
				if err := tx.PutRaw("records", U64(uint64(round)), []byte(fmt.Sprint(w, " ", round))); err != nil {
					return err
				}
			}
			if err := tx.PutRaw("gone", U64(uint64(round)), []byte("x")); err != nil {
				return err
			}
			if err := tx.Delete("gone", U64(uint64(round))); err != nil {
				return err
			}
			if err := tx.Delete("back", U64(1)); err != nil {
				return err
			}
			return tx.PutRaw("back", U64(1), []byte(fmt.Sprint("back ", round)))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutRaw("records", U64(1), []byte("undone")); err != nil {
			return err
		}
		return errors.New("refused")
	})
	if err == nil {
		t.Fatal("a failed transaction reported no error")
	}
	err = db.View(func(tx *Tx) error {
		for round := range 20 {
			if v, err := tx.GetRaw("records", U64(uint64(round))); err != nil || string(v) != fmt.Sprint("last ", round) {
				return fmt.Errorf("record %d: %q, %v", round, v, err)
			}
		}
		if n, err := tx.Count("gone"); err != nil || n != 0 {
			return fmt.Errorf("gone holds %d keys, %v", n, err)
		}
		bs, err := tx.Buckets()
		if err != nil || !slices.Contains(bs, "gone") {
			return fmt.Errorf("the bucket only a put undone wrote is missing: %v, %v", bs, err)
		}
		if v, err := tx.GetRaw("back", U64(1)); err != nil || string(v) != "back 19" {
			return fmt.Errorf("back: %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
