package store

import (
	"bytes"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// boltReadTx is a read-only bbolt transaction that opens each bucket once.
// bbolt keeps the buckets a writable transaction opens, but a read-only one
// seeks the root page and allocates the bucket again at every Bucket call,
// and every Get allocates a cursor: a search that looks up a thousand docs
// by id (issue 14 item 2) spent about a third of each lookup on the two.
// Here a bucket is opened once per transaction, and gets go through one
// cursor per bucket, which bbolt reuses (its seek resets the cursor's
// stack). The mutex keeps both right should two goroutines share the
// transaction.
type boltReadTx struct {
	boltTx
	mu   sync.Mutex
	open []openBucket // few: a search reads five buckets or so
}

type openBucket struct {
	name   Bucket
	b      *bolt.Bucket   // nil: not in the file
	cursor *bolt.Cursor   // for gets only (a scan's callback may get)
	idle   []*bolt.Cursor // for scans, none in use (a scan's callback may scan)
}

// opened returns the bucket's entry, opening it the first time. Call with
// t.mu held.
func (t *boltReadTx) opened(name Bucket) *openBucket {
	for i := range t.open {
		if t.open[i].name == name {
			return &t.open[i]
		}
	}
	ob := openBucket{name: name, b: t.btx.Bucket([]byte(name))}
	if ob.b != nil {
		ob.cursor = ob.b.Cursor()
	}
	t.open = append(t.open, ob)
	return &t.open[len(t.open)-1]
}

func (t *boltReadTx) get(name Bucket, key []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ob := t.opened(name)
	if ob.b == nil {
		return nil, ErrNotFound
	}
	// As bbolt's Get: the key itself, not a nested bucket (Seek gives a
	// bucket's key a nil value).
	k, v := ob.cursor.Seek(key)
	if v == nil || !bytes.Equal(k, key) {
		return nil, ErrNotFound
	}
	return bytes.Clone(v), nil
}

func (t *boltReadTx) scan(name Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	t.mu.Lock()
	ob := t.opened(name)
	if ob.b == nil {
		t.mu.Unlock()
		return nil
	}
	var c *bolt.Cursor
	if n := len(ob.idle); n > 0 {
		c, ob.idle = ob.idle[n-1], ob.idle[:n-1]
	} else {
		c = ob.b.Cursor()
	}
	t.mu.Unlock()
	err := scanCursor(c, prefix, start, reverse, fn)
	t.mu.Lock()
	ob = t.opened(name) // the slice may have grown meanwhile
	ob.idle = append(ob.idle, c)
	t.mu.Unlock()
	return err
}

func (t *boltReadTx) sequence(name Bucket) (uint64, error) {
	t.mu.Lock()
	b := t.opened(name).b
	t.mu.Unlock()
	if b == nil {
		return 0, nil
	}
	return b.Sequence(), nil
}
