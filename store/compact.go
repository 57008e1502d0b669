package store

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// compactTxBytes bounds one transaction of a compaction: large enough that
// commits are few, small enough that memory stays flat.
const compactTxBytes = 64 << 20

// CompactTo writes a compacted copy of a bbolt database to path (which must
// not exist), created owner-only: every bucket in key order, pages filled, no
// free pages, the freelist kept in the file. progress, if set, is told the
// bytes copied so far. A database that is not a bbolt file is refused.
func (db *DB) CompactTo(path string, progress func(copied int64)) (err error) {
	src, ok := db.eng.(*boltDB)
	if !ok {
		return fmt.Errorf("compaction is for bbolt files, not %s", db.Engine())
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	dst, err := bolt.Open(path, FileMode, &bolt.Options{Timeout: LockTimeout, NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return classifyOpenError(path, err)
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	var copied int64
	err = src.guard(func() error {
		return src.bolt.View(func(stx *bolt.Tx) error {
			return stx.ForEach(func(name []byte, sb *bolt.Bucket) error {
				return copyBucket(dst, name, sb, &copied, progress)
			})
		})
	})
	if err != nil {
		return err
	}
	return dst.Sync()
}

// copyBucket copies one top-level bucket in key order, in transactions of
// about compactTxBytes, each page filled before the next.
func copyBucket(dst *bolt.DB, name []byte, sb *bolt.Bucket, copied *int64, progress func(int64)) error {
	c := sb.Cursor()
	k, v := c.First()
	first := true
	for first || k != nil {
		err := dst.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			if first {
				if err := b.SetSequence(sb.Sequence()); err != nil {
					return err
				}
				first = false
			}
			b.FillPercent = 1.0
			var size int64
			for ; k != nil && size < compactTxBytes; k, v = c.Next() {
				if v == nil {
					return fmt.Errorf("store: nested bucket %q in %s", k, name)
				}
				if err := b.Put(k, v); err != nil {
					return err
				}
				size += int64(len(k) + len(v))
			}
			*copied += size
			return nil
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(*copied)
		}
	}
	return nil
}
