package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Check runs bbolt's own consistency check over every page, then verifies
// each chain given. It returns the first problem found, or nil.
func (db *DB) Check(chains ...Chain) error {
	return db.View(func(tx *Tx) error {
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
