package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ErrNotFound is returned by Get when the key is absent.
var ErrNotFound = errors.New("not found")

// Bucket names a top-level bucket. Buckets are created on first write, so a
// read of a bucket that was never written reads as empty.
type Bucket string

func (tx *Tx) bucket(name Bucket) (*bolt.Bucket, error) {
	if b := tx.btx.Bucket([]byte(name)); b != nil {
		return b, nil
	}
	if !tx.btx.Writable() {
		return nil, nil
	}
	return tx.btx.CreateBucket([]byte(name))
}

// U64 encodes n as an 8-byte big-endian key, so keys sort as numbers.
func U64(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// ParseU64 decodes a key made by U64.
func ParseU64(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[:8])
}

// Key joins parts into one composite key (for indexes).
func Key(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// NextSeq returns the next number of the bucket's sequence (1, 2, ...).
func (tx *Tx) NextSeq(name Bucket) (uint64, error) {
	b, err := tx.bucket(name)
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

// GetRaw returns a copy of the value at key, or ErrNotFound.
func (tx *Tx) GetRaw(name Bucket, key []byte) ([]byte, error) {
	b, err := tx.bucket(name)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, ErrNotFound
	}
	v := b.Get(key)
	if v == nil {
		return nil, ErrNotFound
	}
	return bytes.Clone(v), nil
}

// PutRaw stores value at key.
func (tx *Tx) PutRaw(name Bucket, key, value []byte) error {
	b, err := tx.bucket(name)
	if err != nil {
		return err
	}
	if b == nil {
		return fmt.Errorf("store: write to %s in a read-only transaction", name)
	}
	return b.Put(key, value)
}

// Delete removes key (absent keys are fine).
func (tx *Tx) Delete(name Bucket, key []byte) error {
	b, err := tx.bucket(name)
	if err != nil || b == nil {
		return err
	}
	return b.Delete(key)
}

// Get decodes the JSON record at key into a T.
func Get[T any](tx *Tx, name Bucket, key []byte) (T, error) {
	var v T
	raw, err := tx.GetRaw(name, key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("store: record %s/%x: %w", name, key, err)
	}
	return v, nil
}

// Put stores v as JSON at key.
func Put[T any](tx *Tx, name Bucket, key []byte, v T) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.PutRaw(name, key, raw)
}

// Scan visits keys of the bucket that start with prefix, from the first key at
// or after start (start nil means the beginning of the prefix), in order, until
// fn returns false or an error. Reverse visits from the last key downwards
// (start, if given, is the key to begin at or below).
func (tx *Tx) Scan(name Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	b := tx.btx.Bucket([]byte(name))
	if b == nil {
		return nil
	}
	c := b.Cursor()
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

// prefixEnd is the smallest key greater than every key with prefix, or nil.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Count returns the number of keys in the bucket.
func (tx *Tx) Count(name Bucket) int {
	b := tx.btx.Bucket([]byte(name))
	if b == nil {
		return 0
	}
	return b.Stats().KeyN
}
