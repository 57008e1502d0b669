package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Check verifies the database and each chain given, and returns the first
// problem found, or nil: the engine's own structure first (a bbolt file page
// by page; PostgreSQL's tables), then every chain, from one consistent state
// that no writer changes while it is read.
func (db *DB) Check(chains ...Chain) error {
	return db.CheckContext(context.Background(), chains...)
}

// CheckContext is Check under ctx.
func (db *DB) CheckContext(ctx context.Context, chains ...Chain) error {
	return db.CheckWith(ctx, nil, chains...)
}

// CheckWith checks the engine's structure, verifies the chains, and then
// runs verify (if not nil) on the same consistent state: the caller's own
// invariants, such as running totals.
func (db *DB) CheckWith(ctx context.Context, verify func(*Tx) error, chains ...Chain) error {
	var rest []checkPass
	if verify != nil {
		rest = append(rest, func(ctx context.Context, t engineTx) error { return verify(&Tx{ctx: ctx, t: t}) })
	}
	if b, ok := db.eng.(*boltDB); ok {
		return b.checkFile(ctx, chains, rest)
	}
	passes := []checkPass{func(ctx context.Context, t engineTx) error {
		return verifyChains(&Tx{ctx: ctx, t: t}, chains)
	}}
	return db.eng.check(ctx, append(passes, rest...)...)
}

// checkPass is one pass of a check over one consistent state; it reports
// its progress under ctx.
type checkPass func(ctx context.Context, t engineTx) error

func verifyChains(tx *Tx, chains []Chain) error {
	for _, c := range chains {
		if _, err := c.Verify(tx); err != nil {
			return err
		}
	}
	return nil
}

// check runs passes as a check of the file's structure does (see
// checkFile): the first beside the others.
func (db *boltDB) check(ctx context.Context, passes ...checkPass) error {
	if len(passes) == 0 {
		return db.checkFile(ctx, nil, nil)
	}
	return db.checkFile(ctx, nil, passes[1:], passes[0])
}

// checkFile runs in one write transaction, so no writer commits while it
// reads (the page walk reads the newest committed state from disk); a file
// opened read-only has no writers and is checked in a read transaction.
//
// Safest first: every page walked with plain file reads (a damaged offset
// is an error, never a fault), the order of every key checked on the way
// and every page of the file accounted for (what bbolt's own check checks:
// see walkPages); then the chains and the caller's passes (rest) on both
// cores through bbolt's map, each goroutine under a guard of its own,
// where a fault becomes an error (see runChecks). (Every page the walk
// reached was read once through the map first, while bbolt's own check
// ran in a goroutine nothing could guard; no pass runs unguarded now, and
// that read faulted in the indexes no pass reads.) first, if given, runs
// where the chains do.
func (db *boltDB) checkFile(ctx context.Context, chains []Chain, rest []checkPass, first ...checkPass) error {
	run := db.bolt.Update
	if db.readOnly {
		run = db.bolt.View
	}
	// Every pass reads the whole file; keep its pages from piling up in
	// this process's memory as they are read.
	defer oneMoreProc()()
	defer db.keepMappedSmall()()
	return db.guard(func() error {
		return run(func(btx *bolt.Tx) error {
			walked, err := walkPages(ctx, db.path)
			if err != nil {
				return err
			}
			report(ctx, Progress{Phase: "accounting for free pages", Step: StepPageCheck})
			if err := walked.freePages(); err != nil {
				return err
			}
			return db.runChecks(ctx, btx, chains, rest, first)
		})
	})
}

// runChecks verifies the chains in the check's transaction and runs the
// other passes beside it on the second core, in a read transaction of its
// own (which sees the state the check's transaction sees: that one writes
// nothing, and holds the writer lock, or the file is read-only; two
// goroutines never share one bbolt transaction: a writable one caches
// buckets in a map as they are opened) under a guard of its own; once the
// other passes are done, that goroutine takes chunks of the long chains
// too (chaincheck.go): the chains' hashing was most of a check, and the
// other core waited for it. What the other passes report is held back
// until every chain is verified, so a bar shows the phases in order.
func (db *boltDB) runChecks(ctx context.Context, btx *bolt.Tx, chains []Chain, rest, first []checkPass) error {
	tx := &Tx{ctx: ctx, t: boltTx{btx}}
	runs := make([]*chainCheck, len(chains))
	var chunks sync.WaitGroup
	for i, c := range chains {
		if r, ok := planChainCheck(tx, c); ok {
			runs[i] = r
			chunks.Add(len(r.starts))
			r.taken = &chunks
		}
	}
	held := holdProgress(ctx)
	beside := make(chan error, 1)
	go func() {
		beside <- db.guard(func() error {
			return db.bolt.View(func(btx *bolt.Tx) error {
				for _, pass := range rest {
					if err := pass(held.ctx, boltTx{btx}); err != nil {
						return err
					}
				}
				helper := &Tx{ctx: ctx, t: boltTx{btx}}
				for _, r := range runs {
					if r != nil {
						if err := r.work(helper); err != nil {
							return err
						}
					}
				}
				return nil
			})
		})
	}()
	// Each chain in turn, a break in an earlier one first.
	broken := make([]error, len(chains))
	err := func() error {
		for _, pass := range first {
			if err := pass(ctx, boltTx{btx}); err != nil {
				return err
			}
		}
		for i, c := range chains {
			if runs[i] == nil {
				_, broken[i] = c.Verify(tx)
				continue
			}
			if err := runs[i].work(tx); err != nil {
				return err
			}
		}
		chunks.Wait() // the chunks the other goroutine took
		for i, r := range runs {
			if r != nil {
				_, broken[i] = r.join(tx)
			}
			if broken[i] != nil {
				return broken[i]
			}
		}
		return nil
	}()
	held.release()
	if berr := <-beside; err == nil {
		err = berr
	}
	return err
}

// keepResident is how much of a file's mapping a long pass may keep
// resident before it is released.
const keepResident = 64 << 20

// oneMoreProc gives the Go scheduler one more processor while a check
// runs: its passes keep every core busy, and the goroutine that hands the
// mapped pages back (keepMappedSmall) waited behind them for a processor
// while they mapped hundreds of megabytes (a check peaked at 508 MB; with
// one more, 224-286 MB and no slower). Checks that overlap share it.
func oneMoreProc() (restore func()) {
	extraProc.Lock()
	defer extraProc.Unlock()
	if extraProc.checks++; extraProc.checks == 1 {
		extraProc.was = runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(extraProc.was + 1)
	}
	return func() {
		extraProc.Lock()
		defer extraProc.Unlock()
		if extraProc.checks--; extraProc.checks == 0 {
			runtime.GOMAXPROCS(extraProc.was)
		}
	}
}

var extraProc struct {
	sync.Mutex
	checks, was int
}

// Backup writes a consistent copy of a bbolt database to w while others
// keep using it (a read transaction sees one committed state).
func (db *DB) Backup(w io.Writer) (int64, error) {
	b, ok := db.eng.(*boltDB)
	if !ok {
		return 0, fmt.Errorf("database %s: a stream backup is for bbolt files; write a file with BackupFile", db.Name())
	}
	var n int64
	err := b.guard(func() error {
		return b.bolt.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

// BackupFile writes a consistent copy to path, a new bbolt file created
// owner-only. A bbolt database is copied page for page; any other engine is
// copied record by record into a new bbolt file (one read transaction, so
// one committed state), which opens anywhere with --db path.
//
// chains, if given, are verified on the copy of another engine.
func (db *DB) BackupFile(path string, chains ...Chain) (int64, error) {
	if _, ok := db.eng.(*boltDB); !ok {
		return db.backupToBolt(path, chains)
	}
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
