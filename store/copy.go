package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrNotEmpty is returned by Copy for a target that already holds data.
var ErrNotEmpty = errors.New("already holds data")

// CopyOptions tune Copy.
type CopyOptions struct {
	// Replace empties a target that holds data; without it such a target
	// is refused.
	Replace bool
	// Progress, if set, is called as records land: done of total.
	Progress func(done, total int)
	// Chains are verified on the target once everything has landed.
	Chains []Chain
	// Verify, if set, also runs on the target then, in the same check.
	Verify func(*Tx) error
}

// copyBatch is how many records land per write transaction of the target.
const copyBatch = 5000

// Copy copies every bucket of src, its records and its sequence, into dst
// (R44): from one read transaction of src, so from one committed state;
// into dst in batches, then counted and the chains verified on dst. A dst
// that holds data is refused unless opts.Replace.
func Copy(ctx context.Context, src, dst *DB, opts CopyOptions) error {
	return src.ViewContext(ctx, func(stx *Tx) error {
		names, err := stx.t.buckets()
		if err != nil {
			return err
		}
		total := 0
		counts := map[Bucket]int{}
		for _, b := range names {
			n, err := stx.t.count(b)
			if err != nil {
				return err
			}
			counts[b] = n
			total += n
		}
		if err := prepareTarget(ctx, dst, opts.Replace); err != nil {
			return err
		}
		done := 0
		report := func() {
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}
		report()
		for _, b := range names {
			seq, err := stx.t.sequence(b)
			if err != nil {
				return err
			}
			var batch [][2][]byte
			flush := func() error {
				if len(batch) == 0 {
					return nil
				}
				err := dst.UpdateContext(ctx, func(dtx *Tx) error {
					for _, kv := range batch {
						if err := dtx.t.put(b, kv[0], kv[1]); err != nil {
							return err
						}
					}
					return nil
				})
				done += len(batch)
				batch = batch[:0]
				report()
				return err
			}
			err = stx.Scan(b, nil, nil, false, func(k, v []byte) (bool, error) {
				batch = append(batch, [2][]byte{append([]byte(nil), k...), append([]byte(nil), v...)})
				if len(batch) >= copyBatch {
					return true, flush()
				}
				return true, nil
			})
			if err == nil {
				err = flush()
			}
			if err == nil {
				err = dst.UpdateContext(ctx, func(dtx *Tx) error { return dtx.t.setSequence(b, seq) })
			}
			if err != nil {
				return fmt.Errorf("copying %s to %s: %w", b, dst.Name(), err)
			}
		}
		return verifyCopy(ctx, dst, counts, opts)
	})
}

// prepareTarget refuses a target holding data, or empties it for Replace.
func prepareTarget(ctx context.Context, dst *DB, replace bool) error {
	return dst.UpdateContext(ctx, func(tx *Tx) error {
		names, err := tx.t.buckets()
		if err != nil {
			return err
		}
		for _, b := range names {
			n, err := tx.t.count(b)
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			if !replace {
				return fmt.Errorf("target %s %w (bucket %s has %d records): pass --replace to overwrite it", dst.Name(), ErrNotEmpty, b, n)
			}
		}
		for _, b := range names {
			if err := tx.t.drop(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// verifyCopy checks, from one consistent state of dst, that it holds as
// many records per bucket as the source did and that every chain verifies.
func verifyCopy(ctx context.Context, dst *DB, counts map[Bucket]int, opts CopyOptions) error {
	return dst.CheckWith(ctx, func(tx *Tx) error {
		for b, want := range counts {
			got, err := tx.Count(b)
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("copy to %s incomplete: %s holds %d records, the source %d", dst.Name(), b, got, want)
			}
		}
		if opts.Verify != nil {
			return opts.Verify(tx)
		}
		return nil
	}, opts.Chains...)
}

// backupToBolt writes a new bbolt file at path holding a copy of db.
func (db *DB) backupToBolt(path string, chains []Chain) (int64, error) {
	if _, err := os.Lstat(path); err == nil {
		return 0, fmt.Errorf("%s already exists: a backup is written to a new file", path)
	}
	b, err := openBolt(path, Options{NoSync: true})
	if err != nil {
		return 0, err
	}
	out := &DB{eng: b}
	err = Copy(context.Background(), db, out, CopyOptions{Chains: chains})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Empty reports whether the database holds no records at all (a new file,
// or a PostgreSQL schema nobody has written to).
func (db *DB) Empty() (bool, error) {
	empty := true
	err := db.View(func(tx *Tx) error {
		names, err := tx.t.buckets()
		if err != nil {
			return err
		}
		for _, b := range names {
			n, err := tx.t.count(b)
			if err != nil {
				return err
			}
			if n > 0 {
				empty = false
				return nil
			}
		}
		return nil
	})
	return empty, err
}

// Wipe removes every bucket, its records and its sequence, in one write
// transaction (an interrupted demo build on a shared database).
func (db *DB) Wipe() error { return prepareTarget(context.Background(), db, true) }
