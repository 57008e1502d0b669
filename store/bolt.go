package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
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

// Options tune Open. The zero value is what the console uses.
type Options struct {
	// ReadOnly opens the database for reading only (check, backup of a closed file).
	ReadOnly bool
	// NoSync skips fsync after each commit of a bbolt file. Only bulk
	// seeding of a brand-new demo file uses it; Sync is called once at the end.
	NoSync bool
	// Bulk is for a brand-new scratch file filled in bulk and never
	// reopened (the bulk-load floor benchmark): no fsync, and no freelist
	// written at each commit (see the note in openBolt).
	Bulk bool
	// Defer starts a bulk load of a brand-new file (see bulkload.go): no
	// fsync, pages filled, and these buckets written in key order at
	// FinishBulk instead of as they are written.
	Defer []Bucket
	// Replaced, in a bulk load, names buckets whose keys the load deletes
	// and writes anew as it goes (an index of a changing value: a
	// practice's place by fullness): the load remembers which of their
	// keys it wrote, and a delete of one it never wrote (nor holds)
	// reaches no page (see bulkpipe.go).
	Replaced []Bucket
}

// bulkMapSize is the map a bulk load opens with.
const bulkMapSize = 8 << 30

// boltDB is the bbolt engine: one file, held by one process at a time.
type boltDB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	changes  atomic.Uint64
	bulk     *bulkLoad     // a bulk load in progress (Options.Defer), or nil
	reopen   *bolt.Options // how FinishBulk opens the file again
	unmap    func()        // stops releasing the mapped pages of a bulk load
	// releasing: a release of the mapped pages is under way (releaseMapped).
	releasing atomic.Bool
}

// openBolt opens or creates the bbolt file at path. A file held by another
// process fails within about LockTimeout with ErrInUse; a damaged file fails
// with ErrCorrupt; neither ever panics.
func openBolt(path string, opts Options) (db *boltDB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, r)
		}
	}()
	bopts := &bolt.Options{
		Timeout:      LockTimeout,
		ReadOnly:     opts.ReadOnly,
		NoSync:       opts.NoSync || opts.Bulk || len(opts.Defer) > 0,
		FreelistType: bolt.FreelistMapType,
		// The freelist is kept in the file. Without it bbolt rebuilds it at
		// open by walking every page in a goroutine of its own, where a
		// damaged page panics beyond any recover (etcd-io/bbolt#446).
		// Keeping it costs each commit a write of the freelist (and a sort
		// of its page ids), which stays small because a kept file is
		// compact: demos are bulk-loaded with every page full (bulkload.go).
		// Only a bulk scratch file, written by this process and never
		// reopened, skips it.
		NoFreelistSync: opts.Bulk,
		// A file opened read-only loads its freelist too, as a writable one
		// does: a check reads pages through Tx.Page, which needs it.
		PreLoadFreelist: opts.ReadOnly,
	}
	if len(opts.Defer) > 0 && strconv.IntSize == 64 {
		// A bulk load grows the file from nothing to gigabytes; each time
		// the map grows, bbolt copies every node of the open transaction
		// out of it first. Map room for the whole load at once (address
		// space, not memory: pages are only touched as the file fills).
		bopts.InitialMmapSize = bulkMapSize
	}
	if err := precheckMeta(path); err != nil {
		return nil, err
	}
	b, err := bolt.Open(path, FileMode, bopts)
	if err != nil {
		return nil, classifyOpenError(path, err)
	}
	db = &boltDB{bolt: b, path: path, readOnly: opts.ReadOnly}
	if len(opts.Defer) > 0 {
		reopen := *bopts
		reopen.InitialMmapSize = 0
		db.reopen = &reopen
		db.bulk = newBulkLoad(b, path, opts.Defer, opts.Replaced)
		// A bulk load reads only the last pages of each bucket, but over a
		// whole build they add up to much of the file: release them as it
		// goes, so the build's memory is its heap.
		db.unmap = keepMappedSmall(path, db.betweenWrites)
	}
	// A file can pass Open's meta-page checks and still be damaged further in;
	// touch the root so such a file fails here, named, rather than later.
	if err := db.guard(func() error {
		return b.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func([]byte, *bolt.Bucket) error { return nil })
		})
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

func (db *boltDB) name() string { return db.path }
func (db *boltDB) kind() Engine { return Bolt }
func (db *boltDB) close() error {
	db.bulk.abandon()
	if db.unmap != nil {
		db.unmap()
	}
	return db.bolt.Close()
}
func (db *boltDB) sync() error {
	if bl := db.bulk; bl != nil {
		if err := bl.pipe.sync(); err != nil {
			return err
		}
	}
	return db.bolt.Sync()
}

// keepMappedSmall releases the file's mapped pages as a long read pass goes
// (check; see keepMappedSmall in mapdrop_linux.go), each release inside a
// read transaction so that bbolt cannot remap the file under it.
func (db *boltDB) keepMappedSmall() (stop func()) {
	return keepMappedSmall(db.path, db.withMapping)
}

// betweenWrites runs release while no write transaction runs: bbolt remaps
// only inside one, so the mapping stays put, and (unlike a read transaction,
// which would keep the pages freed by the commits meanwhile from being
// reused) it leaves the bulk load's file as full as before. The writable
// transaction is rolled back: it writes nothing.
func (db *boltDB) betweenWrites(release func()) {
	tx, err := db.bolt.Begin(true)
	if err != nil {
		return
	}
	defer func() { _ = tx.Rollback() }()
	release()
}

// withMapping runs release while bbolt's mapping of the file stays put.
func (db *boltDB) withMapping(release func()) {
	_ = db.bolt.View(func(*bolt.Tx) error { release(); return nil })
}

// releaseMapped drops the file's resident pages in the background when
// more than over bytes of them are resident, one release at a time.
func (db *boltDB) releaseMapped(over int64) {
	if !db.releasing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer db.releasing.Store(false)
		if fileResident() > over {
			// Inside a read transaction: bbolt cannot remap or close the
			// file meanwhile, so the range released is still the file's.
			db.withMapping(func() { dropMapped(mappedPath(db.path)) })
		}
	}()
}

func (db *boltDB) view(_ context.Context, fn func(engineTx) error) error {
	if bl := db.bulk; bl != nil {
		// What the bulk load's transactions wrote, committed.
		if err := bl.pipe.sync(); err != nil {
			return err
		}
	}
	return db.guard(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error { return fn(&boltReadTx{boltTx: boltTx{btx}}) })
	})
}

func (db *boltDB) update(_ context.Context, fn func(engineTx) error) error {
	if bl := db.bulk; bl != nil {
		return db.bulkUpdate(bl, fn)
	}
	err := db.guard(func() error {
		return db.bolt.Update(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
	})
	if err == nil {
		db.changes.Add(1)
	}
	return err
}

// bulkUpdate runs fn as a transaction of a bulk load (bulkpipe.go): its
// writes go to the writer as fn makes them, and once fn returns and the
// writer has applied them, the writer commits while the next one begins.
func (db *boltDB) bulkUpdate(bl *bulkLoad, fn func(engineTx) error) error {
	bl.mu.Lock()
	defer bl.mu.Unlock()
	bl.pend.reset()
	bt := &bulkTx{bl: bl, pend: bl.pend, pipe: bl.pipe}
	// The writer's transaction is rolled back whatever fn did (a panic too).
	err := bl.pipe.end(db.guard(func() error { return fn(bt) }))
	if err != nil {
		return err
	}
	bt.committed()
	db.changes.Add(1)
	return nil
}

func (db *boltDB) changeCount() uint64   { return db.changes.Load() }
func (db *boltDB) healthErr() error      { return nil }
func (db *boltDB) onChange(func(uint64)) {}

// guard turns a panic from inside bbolt (a damaged page, etcd-io/bbolt#446)
// into an error naming the file. bbolt rolls the transaction back as the
// panic unwinds through it, so nothing half-written lands.
//
// A fault reading the mapped file (a page past a shrunken end) would kill the
// process; SetPanicOnFault turns it into a panic recovered here too.
func (db *boltDB) guard(run func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", db.path, ErrCorrupt, r)
		}
	}()
	return run()
}

// FileStats are a bbolt file's page counts, for benchmarks and reports.
type FileStats struct {
	PagesWritten int64 // pages written by every commit since the file was opened
	// WriteTime is the time those commits spent writing and syncing pages
	// (the rest of a commit is the caller's work and bbolt's in memory).
	WriteTime    time.Duration
	FreePages    int // pages free in the file
	PendingPages int // pages freed by commits that readers may still see
}

// FileStats reports a bbolt file's page counts (ok false for other engines).
func (db *DB) FileStats() (FileStats, bool) {
	b, ok := db.eng.(*boltDB)
	if !ok {
		return FileStats{}, false
	}
	st := b.bolt.Stats()
	return FileStats{PagesWritten: st.TxStats.GetWrite(), WriteTime: st.TxStats.GetWriteTime(),
		FreePages: st.FreePageN, PendingPages: st.PendingPageN}, true
}
