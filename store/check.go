package store

import (
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"io"
	"os"
)

// Check verifies the file and each chain given, and returns the first
// problem found, or nil. It runs in one write transaction, so no writer
// commits while it reads (bbolt's own check is not safe beside writers, and
// the page walk reads the newest committed state from disk); a file opened
// read-only has no writers and is checked in a read transaction.
//
// Three passes, safest first: every page walked with plain file reads (a
// damaged offset is an error, never a fault); every key and value read from
// this goroutine, where a fault becomes an error (see guard); then bbolt's
// own check — in a goroutine of its own, where a fault could not be caught,
// but by then every page it reads has been read safely once — and the chains.
func (db *DB) Check(chains ...Chain) error {
	run := db.Update
	if db.readOnly {
		run = db.View
	}
	return run(func(tx *Tx) error {
		if err := walkPages(db.path); err != nil {
			return err
		}
		if err := readAll(tx.btx); err != nil {
			return err
		}
		var errs []error
		for err := range tx.btx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("database %s: page check: %w", db.path, errors.Join(errs...))
		}
		for _, c := range chains {
			if _, err := c.Verify(tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// readAll touches every key and value of every bucket.
func readAll(tx *bolt.Tx) error {
	var sum byte
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			for _, x := range k {
				sum ^= x
			}
			if v == nil {
				if child := b.Bucket(k); child != nil {
					if err := walk(child); err != nil {
						return err
					}
				}
				continue
			}
			for _, x := range v {
				sum ^= x
			}
		}
		return nil
	}
	err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	_ = sum
	return err
}

// Backup writes a consistent copy of the database to w while others keep
// using it (a read transaction sees one committed state).
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.View(func(tx *Tx) error {
		var err error
		n, err = tx.btx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path, created owner-only.
func (db *DB) BackupFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, FileMode)
	if err != nil {
		return 0, err
	}
	n, err := db.Backup(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return n, err
}
