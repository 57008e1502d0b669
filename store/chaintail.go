package store

import (
	"bytes"
	"errors"
)

// A chain's tail (Chain.Tail) holds its newest entries, a page's worth at
// most, until they move to Entries together. Appending to a big bucket
// rewrites its rightmost leaf and every branch above it (four pages of a
// bbolt file at a million entries) at every commit; appending to a tail
// that fits one leaf rewrites that leaf only (and nothing while it holds a
// single small entry, which bbolt keeps inline in its parent), and the
// path of Entries is rewritten once for every few entries, as the tail
// moves. Every tail entry is newer than every entry of Entries, so the
// chain in order is Entries, then Tail.
//
// Only a bbolt file fills a tail (boltTx): on PostgreSQL a row costs the
// same wherever it is kept, and a bulk load writes its pages in order
// anyway. Readers read both on every engine (a copy carries a tail across),
// and an engine that does not fill one empties what it finds before it
// appends.

// tailMax bounds the bytes of a tail's entries, counting each entry's key
// and bbolt's element header: they fit one 4 KB leaf page.
const tailMax = 4000

// tailCost is what an entry of value length n takes in a tail's page.
func tailCost(n int) int { return n + 8 + 16 }

// entryBucket is the bucket the next entry, size bytes, goes to, moving
// the tail into Entries first when it would no longer fit.
func (c Chain) entryBucket(tx *Tx, h *txHead, size int) (Bucket, error) {
	if c.Tail == "" {
		return c.Entries, nil
	}
	if !h.tailKnown {
		used, err := c.tailUsed(tx)
		if err != nil {
			return "", err
		}
		_, fills := tx.t.(boltTx)
		h.tailKnown, h.tailUsed, h.direct = true, used, !fills
	}
	if cost := tailCost(size); !h.direct && h.tailUsed+cost <= tailMax {
		h.tailUsed += cost
		return c.Tail, nil
	}
	// Once a transaction has moved the tail, it appends the rest of its
	// entries to Entries: a transaction of many (a demo's batch) writes
	// each entry once.
	if h.tailUsed > 0 {
		if err := c.moveTail(tx); err != nil {
			return "", err
		}
		h.tailUsed = 0
	}
	h.direct = true
	return c.Entries, nil
}

// tailUsed is the room the tail's entries take (0 for none).
func (c Chain) tailUsed(tx *Tx) (int, error) {
	used := 0
	err := tx.t.scan(c.Tail, nil, nil, false, func(_, v []byte) (bool, error) {
		used += tailCost(len(v))
		return true, nil
	})
	return used, err
}

// moveTail moves every entry of the tail to Entries.
func (c Chain) moveTail(tx *Tx) error {
	var keys, values [][]byte
	err := tx.t.scan(c.Tail, nil, nil, false, func(k, v []byte) (bool, error) {
		keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
		return true, nil
	})
	if err != nil {
		return err
	}
	for i := range keys {
		if err := putAppend(tx, c.Entries, keys[i], values[i]); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		return nil
	}
	return tx.t.drop(c.Tail)
}

// putAppend puts a key that comes after every key of the bucket: pages
// filled whole where the engine can (boltTx.putAppend).
func putAppend(tx *Tx, b Bucket, key, value []byte) error {
	if a, ok := tx.t.(interface {
		putAppend(Bucket, []byte, []byte) error
	}); ok {
		return a.putAppend(b, key, value)
	}
	return tx.t.put(b, key, value)
}

// buckets are the chain's buckets in the order a scan visits them.
func (c Chain) buckets(reverse bool) []Bucket {
	switch {
	case c.Tail == "":
		return []Bucket{c.Entries}
	case reverse:
		return []Bucket{c.Tail, c.Entries}
	}
	return []Bucket{c.Entries, c.Tail}
}

// errChainStop ends a scan of a chain's buckets early.
var errChainStop = errors.New("chain scan stopped")

// scanEntries scans the chain's buckets in order, from start (see Tx.Scan),
// until fn returns false.
func (c Chain) scanEntries(tx *Tx, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	for _, b := range c.buckets(reverse) {
		err := tx.Scan(b, nil, start, reverse, func(k, v []byte) (bool, error) {
			more, err := fn(k, v)
			if err == nil && !more {
				err = errChainStop
			}
			return more, err
		})
		if errors.Is(err, errChainStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
