// Package store keeps Latchkey's durable bytes behind one storage port.
//
// It knows nothing of practices or users. A DB runs transactions over
// buckets of ordered keys (get, put, delete, ordered scans, per-bucket
// sequences, counts), stores typed records and secondary indexes, and keeps
// the hash-chained, append-only log the audit trail is written to. Two
// engines sit behind the port (R44): a bbolt file, the embedded default, and
// a PostgreSQL database named by a postgres:// URL, for a desk shared by
// operators on many machines. Callers see the same API and the same
// guarantees from both: a write transaction lands whole or not at all, and
// write transactions commit one after another.
package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotFound is returned by Get when the key is absent.
var ErrNotFound = errors.New("not found")

// Bucket names a set of ordered keys. Buckets are created on first write, so
// a read of a bucket that was never written reads as empty.
type Bucket string

// engine is one way of keeping the bytes: a bbolt file or a PostgreSQL
// database. Every method is safe to call from many goroutines.
type engine interface {
	// view runs fn in a read-only transaction that sees one committed state.
	view(ctx context.Context, fn func(engineTx) error) error
	// update runs fn in one read-write transaction; engines that can fail
	// a transaction for a conflict retry fn themselves.
	update(ctx context.Context, fn func(engineTx) error) error
	// check verifies the engine's own structure (pages, tables) and then,
	// from the same consistent state, runs the passes (in turn, or side by
	// side where the engine can) and returns the first error in their order.
	check(ctx context.Context, passes ...checkPass) error
	// name is what messages call the database (never a password).
	name() string
	kind() Engine
	// changeCount advances with every committed write transaction this
	// process sees (its own, and on a shared engine everyone's).
	changeCount() uint64
	// healthErr is nil while the engine is reachable.
	healthErr() error
	// onChange registers fn to hear of other processes' commits.
	onChange(fn func(seq uint64))
	sync() error
	close() error
}

// engineTx is one transaction of an engine.
type engineTx interface {
	writable() bool
	get(b Bucket, key []byte) ([]byte, error) // a copy, or ErrNotFound
	put(b Bucket, key, value []byte) error
	del(b Bucket, key []byte) error
	scan(b Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error
	nextSeq(b Bucket) (uint64, error)
	sequence(b Bucket) (uint64, error)
	setSequence(b Bucket, n uint64) error
	count(b Bucket) (int, error)
	buckets() ([]Bucket, error)
	drop(b Bucket) error // remove the bucket, its keys and its sequence
	// announce tells other processes, once the transaction commits, that a
	// chain reached entry seq (the change feed).
	announce(seq uint64)
}

// Engine names the kind of database behind a DB.
type Engine string

const (
	// Bolt is a bbolt file: one process at a time, nothing to run.
	Bolt Engine = "bbolt"
	// Postgres is a PostgreSQL database shared by many processes.
	Postgres Engine = "postgres"
)

// DB is an open database.
type DB struct {
	eng engine
}

// Tx is a transaction: read-only inside View, read-write inside Update.
type Tx struct {
	ctx context.Context
	t   engineTx
	// heads are the chain heads this transaction read or appended to
	// (Chain.Append), scratch a buffer Append encodes payloads in.
	heads   []txHead
	scratch []byte
}

// Name is what messages call the database: the file's path, or the
// PostgreSQL URL without its password.
func (db *DB) Name() string { return db.eng.name() }

// Path is the file a bbolt database lives in, and Name for other engines.
func (db *DB) Path() string { return db.eng.name() }

// Engine is the kind of database.
func (db *DB) Engine() Engine { return db.eng.kind() }

// Changes is a counter that advances with every committed write
// transaction this process learns of: its own, and on PostgreSQL those of
// every other process (through LISTEN/NOTIFY). Cheap: no I/O.
func (db *DB) Changes() uint64 { return db.eng.changeCount() }

// Health is nil while the database is reachable, else an error naming the
// server (PostgreSQL reconnects by itself; a bbolt file is always healthy).
func (db *DB) Health() error { return db.eng.healthErr() }

// OnChange registers fn to be called, from a goroutine of the store, when
// another process commits a write transaction to a shared database: seq is
// the newest chain entry that transaction announced, or 0 when the store
// cannot tell (after it reconnects, having possibly missed some), which
// means "read it again". A bbolt file has one process and never calls fn.
func (db *DB) OnChange(fn func(seq uint64)) { db.eng.onChange(fn) }

// ReleaseMapped hands a bbolt file's pages that this process has read back
// to the kernel's page cache once more than over bytes of them are
// resident (they come back on the next read, without I/O): a long-lived
// reader that searches far and wide (a console typing filters) keeps its
// resident memory small. It works in the background and returns at once;
// other engines map nothing.
func (db *DB) ReleaseMapped(over int64) {
	if b, ok := db.eng.(*boltDB); ok {
		b.releaseMapped(over)
	}
}

// Close releases the database.
func (db *DB) Close() error { return db.eng.close() }

// Sync flushes a bbolt file to disk (after a NoSync bulk load); PostgreSQL
// commits are durable already.
func (db *DB) Sync() error { return db.eng.sync() }

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.ViewContext(context.Background(), fn)
}

// ViewContext is View under ctx: a cancelled ctx ends the transaction.
func (db *DB) ViewContext(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.eng.view(ctx, func(t engineTx) error { return fn(&Tx{ctx: ctx, t: t}) })
}

// Update runs fn in one read-write transaction: everything fn writes lands
// together, or (fn returns an error, or panics) none of it does. fn may run
// more than once (PostgreSQL retries a transaction that lost a conflict), so
// it must do nothing but read and write through tx; expensive work that does
// not depend on the database (hashing a password) belongs before it.
func (db *DB) Update(fn func(tx *Tx) error) error {
	return db.UpdateContext(context.Background(), fn)
}

// UpdateContext is Update under ctx.
func (db *DB) UpdateContext(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.eng.update(ctx, func(t engineTx) error {
		tx := &Tx{ctx: ctx, t: t}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.settleHeads("")
	})
}

// Context is the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Version identifies the committed state a read transaction sees, when the
// engine can tell: two read transactions of one DB with the same version
// see the same data (bbolt: the id of the newest committed write, which
// every commit advances). ok is false for a write transaction and for
// engines that cannot tell.
func (tx *Tx) Version() (v uint64, ok bool) {
	if e, can := tx.t.(interface{ version() (uint64, bool) }); can {
		return e.version()
	}
	return 0, false
}

// Writable reports whether the transaction may write.
func (tx *Tx) Writable() bool { return tx.t.writable() }

// GetRaw returns a copy of the value at key, or ErrNotFound.
func (tx *Tx) GetRaw(name Bucket, key []byte) ([]byte, error) {
	if len(tx.heads) > 0 {
		if err := tx.settleHeads(name); err != nil {
			return nil, err
		}
	}
	return tx.t.get(name, key)
}

// PutRaw stores value at key.
func (tx *Tx) PutRaw(name Bucket, key, value []byte) error {
	if err := tx.beforePut(name, key, value); err != nil {
		return err
	}
	return tx.t.put(name, key, value)
}

// PutLater puts into bucket name the entries fn makes, each as PutRaw
// would. It may call fn at once or later, on another goroutine — in a bulk
// load, for a bucket written at FinishBulk that the load has not read, once
// the transaction has committed (its entries then cost the transaction's
// goroutine nothing): fn must read only what it captured, which must not
// change, and the keys and values it gives put must not change after
// (as PutRaw's). What the transaction itself later writes to or reads of the
// bucket sees fn's entries, in the order they were asked.
func (tx *Tx) PutLater(name Bucket, fn func(put func(k, v []byte))) error {
	if !tx.t.writable() {
		return fmt.Errorf("store: write to %s in a read-only transaction", name)
	}
	if l, ok := tx.t.(interface {
		putLater(Bucket, func(func(k, v []byte))) bool
	}); ok && l.putLater(name, fn) {
		return nil
	}
	var err error
	fn(func(k, v []byte) {
		if err == nil {
			err = tx.PutRaw(name, k, v)
		}
	})
	return err
}

// MaxValueSize is the largest value Latchkey stores, on either engine: far
// above any record (the largest are a few kilobytes), and what bounds the
// memory a check gives one page of a damaged file (pagewalk.go).
const MaxValueSize = 16 << 20

// beforePut refuses a put the transaction cannot take and forgets any
// cached chain head the key replaces.
func (tx *Tx) beforePut(name Bucket, key, value []byte) error {
	if !tx.t.writable() {
		return fmt.Errorf("store: write to %s in a read-only transaction", name)
	}
	if len(key) == 0 {
		return fmt.Errorf("store: empty key in %s", name)
	}
	if len(value) > MaxValueSize {
		return fmt.Errorf("store: a value of %d bytes in %s: larger than any Latchkey stores (%d, MaxValueSize)", len(value), name, MaxValueSize)
	}
	if len(tx.heads) > 0 {
		return tx.forgetHeads(name, key)
	}
	return nil
}

// PutAppend is PutRaw of a key the caller puts after every key of the
// bucket (a move of records in key order): on bbolt its pages are filled
// whole, not split in halves that wait for inserts that never come.
func (tx *Tx) PutAppend(name Bucket, key, value []byte) error {
	if err := tx.beforePut(name, key, value); err != nil {
		return err
	}
	return putAppend(tx, name, key, value)
}

// Delete removes key (absent keys are fine).
func (tx *Tx) Delete(name Bucket, key []byte) error {
	if !tx.t.writable() {
		return fmt.Errorf("store: delete from %s in a read-only transaction", name)
	}
	if len(tx.heads) > 0 {
		if err := tx.forgetHeads(name, key); err != nil {
			return err
		}
	}
	return tx.t.del(name, key)
}

// NextSeq returns the next number of the bucket's sequence (1, 2, ...).
func (tx *Tx) NextSeq(name Bucket) (uint64, error) {
	if !tx.t.writable() {
		return 0, fmt.Errorf("store: sequence of %s in a read-only transaction", name)
	}
	return tx.t.nextSeq(name)
}

// Scan visits keys of the bucket that start with prefix, from the first key at
// or after start (start nil means the beginning of the prefix), in order, until
// fn returns false or an error. Reverse visits from the last key downwards
// (start, if given, is the key to begin at or below). Keys order as bytes
// (shorter first on a common prefix) on every engine. k and v are valid only
// during fn.
func (tx *Tx) Scan(name Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	if len(tx.heads) > 0 {
		if err := tx.settleHeads(name); err != nil {
			return err
		}
	}
	return tx.t.scan(name, prefix, start, reverse, fn)
}

// Count returns the number of keys in the bucket.
func (tx *Tx) Count(name Bucket) (int, error) {
	if len(tx.heads) > 0 {
		if err := tx.settleHeads(name); err != nil {
			return 0, err
		}
	}
	return tx.t.count(name)
}

// DropBucket removes a bucket, its keys and its sequence (schema migrations);
// a bucket that is not there is fine.
func (tx *Tx) DropBucket(name Bucket) error {
	if !tx.t.writable() {
		return fmt.Errorf("store: drop %s in a read-only transaction", name)
	}
	if len(tx.heads) > 0 {
		if err := tx.forgetHeads(name, nil); err != nil {
			return err
		}
	}
	return tx.t.drop(name)
}

// Buckets lists the buckets that hold keys or a sequence.
func (tx *Tx) Buckets() ([]Bucket, error) {
	if err := tx.settleHeads(""); err != nil {
		return nil, err
	}
	return tx.t.buckets()
}

// Sequence is the bucket's sequence: the last number NextSeq gave (0 for none).
func (tx *Tx) Sequence(name Bucket) (uint64, error) { return tx.t.sequence(name) }
