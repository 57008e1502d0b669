// Package store keeps Latchkey's durable bytes in one bbolt file.
//
// It knows nothing of practices or users: it opens the file safely (owner-only
// mode, a bounded wait for the file lock, no panic on a damaged file), runs
// transactions, stores typed records and secondary indexes, and keeps the
// hash-chained, append-only log that the audit trail is written to.
package store

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileMode is the mode a new database file is created with: owner only (R36).
const FileMode os.FileMode = 0o600

// LockTimeout bounds how long Open waits for another process to let go of the
// file before it reports the file as in use (R36).
const LockTimeout = time.Second

// ErrInUse is returned (wrapped, naming the file) when another process holds the file.
var ErrInUse = errors.New("is in use by another process")

// ErrCorrupt is returned (wrapped, naming the file) for a truncated, damaged or
// non-bbolt file.
var ErrCorrupt = errors.New("is not a readable Latchkey database (truncated, corrupt or another kind of file)")

// DB is an open database file.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
}

// Options tune Open. The zero value is what the console uses.
type Options struct {
	// ReadOnly opens the file for reading only (check, backup of a closed file).
	ReadOnly bool
	// NoSync skips fsync after each commit. Only bulk seeding of a brand-new
	// demo file uses it; Sync is called once at the end.
	NoSync bool
}

// Open opens or creates the database at path. A file held by another process
// fails within about LockTimeout with ErrInUse; a damaged file fails with
// ErrCorrupt; neither ever panics.
func Open(path string, opts Options) (db *DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, r)
		}
	}()
	bopts := &bolt.Options{
		Timeout:      LockTimeout,
		ReadOnly:     opts.ReadOnly,
		NoSync:       opts.NoSync,
		FreelistType: bolt.FreelistMapType,
		// The freelist is kept in the file. Without it bbolt rebuilds it at
		// open by walking every page in a goroutine of its own, where a
		// damaged page panics beyond any recover (etcd-io/bbolt#446).
		NoFreelistSync: false,
	}
	if err := precheckMeta(path); err != nil {
		return nil, err
	}
	b, err := bolt.Open(path, FileMode, bopts)
	if err != nil {
		return nil, classifyOpenError(path, err)
	}
	db = &DB{bolt: b, path: path, readOnly: opts.ReadOnly}
	// A file can pass Open's meta-page checks and still be damaged further in;
	// touch the root so such a file fails here, named, rather than later.
	if err := db.View(func(tx *Tx) error {
		return tx.btx.ForEach(func([]byte, *bolt.Bucket) error { return nil })
	}); err != nil {
		_ = b.Close()
		return nil, err
	}
	return db, nil
}

func classifyOpenError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("database %s %w (another Latchkey holds it; close it or use another --db)", path, ErrInUse)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum):
		return fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("database %s: %w", path, pe.Err)
	}
	// bbolt reports short files and bad page sizes with plain errors.
	return fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
}

// Path is the file this database lives in.
func (db *DB) Path() string { return db.path }

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Sync flushes the file to disk (after a NoSync bulk load).
func (db *DB) Sync() error { return db.bolt.Sync() }

// Tx is a transaction: read-only inside View, read-write inside Update.
type Tx struct {
	btx *bolt.Tx
}

// Writable reports whether the transaction may write.
func (tx *Tx) Writable() bool { return tx.btx.Writable() }

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.guard(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error { return fn(&Tx{btx: btx}) })
	})
}

// Update runs fn in one read-write transaction: everything fn writes lands
// together, or (fn returns an error, or panics) none of it does.
func (db *DB) Update(fn func(tx *Tx) error) error {
	return db.guard(func() error {
		return db.bolt.Update(func(btx *bolt.Tx) error { return fn(&Tx{btx: btx}) })
	})
}

// guard turns a panic from inside bbolt (a damaged page, etcd-io/bbolt#446)
// into an error naming the file. bbolt rolls the transaction back as the
// panic unwinds through it, so nothing half-written lands.
//
// A fault reading the mapped file (a page past a shrunken end) would kill the
// process; SetPanicOnFault turns it into a panic recovered here too.
func (db *DB) guard(run func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", db.path, ErrCorrupt, r)
		}
	}()
	return run()
}
