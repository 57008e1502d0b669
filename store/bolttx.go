package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// boltTx is a bbolt transaction seen through the port: each bucket is a
// top-level bbolt bucket, its sequence bbolt's bucket sequence.
type boltTx struct {
	btx *bolt.Tx
}

func (t boltTx) writable() bool { return t.btx.Writable() }

func (t boltTx) version() (uint64, bool) {
	if t.btx.Writable() {
		return 0, false
	}
	return uint64(t.btx.ID()), true
}

// bucket returns the bucket, creating it in a write transaction; nil for a
// bucket a read transaction has never seen written.
func (t boltTx) bucket(name Bucket) (*bolt.Bucket, error) {
	if b := t.btx.Bucket([]byte(name)); b != nil {
		return b, nil
	}
	if !t.btx.Writable() {
		return nil, nil
	}
	return t.btx.CreateBucket([]byte(name))
}

func (t boltTx) get(name Bucket, key []byte) ([]byte, error) {
	b := t.btx.Bucket([]byte(name))
	if b == nil {
		return nil, ErrNotFound
	}
	v := b.Get(key)
	if v == nil {
		return nil, ErrNotFound
	}
	return bytes.Clone(v), nil
}

func (t boltTx) put(name Bucket, key, value []byte) error {
	b, err := t.bucket(name)
	if err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	return b.Put(key, value)
}

// putAppend is put of a key after every key of the bucket (a chain's
// entries): its pages are filled whole, as a bulk load fills them, not split
// in halves that wait for inserts that never come.
func (t boltTx) putAppend(name Bucket, key, value []byte) error {
	b, err := t.bucket(name)
	if err != nil {
		return err
	}
	b.FillPercent = 1
	return b.Put(key, value)
}

func (t boltTx) del(name Bucket, key []byte) error {
	b := t.btx.Bucket([]byte(name))
	if b == nil {
		return nil
	}
	return b.Delete(key)
}

func (t boltTx) nextSeq(name Bucket) (uint64, error) {
	b, err := t.bucket(name)
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

func (t boltTx) sequence(name Bucket) (uint64, error) {
	b := t.btx.Bucket([]byte(name))
	if b == nil {
		return 0, nil
	}
	return b.Sequence(), nil
}

func (t boltTx) setSequence(name Bucket, n uint64) error {
	b, err := t.bucket(name)
	if err != nil {
		return err
	}
	return b.SetSequence(n)
}

func (t boltTx) count(name Bucket) (int, error) {
	b := t.btx.Bucket([]byte(name))
	if b == nil {
		return 0, nil
	}
	return b.Stats().KeyN, nil
}

func (t boltTx) buckets() ([]Bucket, error) {
	var out []Bucket
	err := t.btx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		out = append(out, Bucket(name))
		return nil
	})
	return out, err
}

func (t boltTx) scan(name Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	b := t.btx.Bucket([]byte(name))
	if b == nil {
		return nil
	}
	return scanBucket(b, prefix, start, reverse, fn)
}

// scanBucket visits the keys of b with prefix from start (nil: the
// prefix's first, or last when reverse) while fn says more.
func scanBucket(b *bolt.Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	return scanCursor(b.Cursor(), prefix, start, reverse, fn)
}

// scanCursor is scanBucket with a cursor of the bucket.
func scanCursor(c *bolt.Cursor, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	var k, v []byte
	switch {
	case !reverse && start != nil:
		k, v = c.Seek(start)
	case !reverse:
		k, v = c.Seek(prefix)
	default:
		k, v = seekLast(c, prefix, start)
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = step(c, reverse) {
		more, err := fn(k, v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func step(c *bolt.Cursor, reverse bool) ([]byte, []byte) {
	if reverse {
		return c.Prev()
	}
	return c.Next()
}

// seekLast positions c at the last key that is <= start (or, without start, the
// last key with prefix).
func seekLast(c *bolt.Cursor, prefix, start []byte) ([]byte, []byte) {
	if start == nil {
		if len(prefix) == 0 {
			return c.Last()
		}
		upper := prefixEnd(prefix)
		if upper == nil {
			return c.Last()
		}
		if k, _ := c.Seek(upper); k == nil {
			return c.Last()
		}
		return c.Prev()
	}
	k, v := c.Seek(start)
	if k == nil {
		return c.Last()
	}
	if !bytes.Equal(k, start) {
		return c.Prev()
	}
	return k, v
}

func (t boltTx) drop(name Bucket) error {
	if t.btx.Bucket([]byte(name)) == nil {
		return nil
	}
	return t.btx.DeleteBucket([]byte(name))
}

func (boltTx) announce(uint64) {}
