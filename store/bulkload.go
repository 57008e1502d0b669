package store

import (
	"errors"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// A bulk load fills a brand-new bbolt file fast (a demo build). Two things
// make random inserts into a big B+tree cost most of a build: each commit
// rewrites every leaf page it touched, and an index whose keys arrive in no
// order (words, logins) touches most of its leaves at every commit. So
// during a bulk load:
//
//   - every page is filled before the next (FillPercent 1): the buckets whose
//     keys arrive in order (records and sequence numbers) grow at their end,
//     and a commit rewrites only the pages at that end;
//   - the buckets named in Options.Defer are not written at all until
//     FinishBulk: their entries are gathered, sorted (spilled to sorted runs
//     beside the file when they pass a bound) and then written in key order,
//     each bucket once, pages full.
//
// The code that writes a deferred bucket is the same code as ever; only when
// its entries reach the file changes. A read of a deferred bucket sees the
// entries its own transaction wrote and nothing earlier (they are not in the
// file yet); a delete of an entry an earlier transaction wrote, or a scan, is
// refused rather than answered wrongly. FinishBulk refuses an entry written
// twice by two transactions (say, a login taken twice), which the
// incremental path would have refused at the second write.

// bulkLoad is a bulk load in progress on a bbolt file.
type bulkLoad struct {
	deferred map[Bucket]byte // bucket -> its index in names
	names    []Bucket
	sorter   *sorter
	finished bool
}

func newBulkLoad(path string, deferred []Bucket) *bulkLoad {
	bl := &bulkLoad{deferred: map[Bucket]byte{}, sorter: newSorter(path + ".runs")}
	for _, b := range deferred {
		if _, dup := bl.deferred[b]; !dup {
			bl.deferred[b] = byte(len(bl.names))
			bl.names = append(bl.names, b)
		}
	}
	return bl
}

// bulkTx is a write transaction of a bulk load: puts fill pages, and the
// deferred buckets' writes wait in pending until the transaction commits.
type bulkTx struct {
	boltTx
	bl      *bulkLoad
	pending map[string][]byte // sort key (bucket index, key) -> value; nil value: deleted in this transaction
	order   []string          // sort keys in the order first written
	buf     []byte
}

// lookup is the sort key of (b, key) in a buffer of the transaction's, for
// reading pending without allocating; ok false when b is not deferred.
func (t *bulkTx) lookup(b Bucket, key []byte) ([]byte, bool) {
	i, ok := t.bl.deferred[b]
	if !ok {
		return nil, false
	}
	t.buf = append(append(t.buf[:0], i), key...)
	return t.buf, true
}

func (t *bulkTx) get(b Bucket, key []byte) ([]byte, error) {
	sk, ok := t.lookup(b, key)
	if !ok {
		return t.boltTx.get(b, key)
	}
	if v, ok := t.pending[string(sk)]; ok && v != nil {
		return append([]byte{}, v...), nil
	}
	return nil, ErrNotFound
}

func (t *bulkTx) put(b Bucket, key, value []byte) error {
	buf, ok := t.lookup(b, key)
	if !ok {
		bb, err := t.bucket(b)
		if err != nil {
			return err
		}
		bb.FillPercent = 1
		if value == nil {
			value = []byte{}
		}
		return bb.Put(key, value)
	}
	if t.pending == nil {
		t.pending = map[string][]byte{}
	}
	v := append([]byte{}, value...)
	if _, seen := t.pending[string(buf)]; seen {
		t.pending[string(buf)] = v
		return nil
	}
	sk := string(buf)
	t.order = append(t.order, sk)
	t.pending[sk] = v
	return nil
}

func (t *bulkTx) del(b Bucket, key []byte) error {
	sk, ok := t.lookup(b, key)
	if !ok {
		return t.boltTx.del(b, key)
	}
	if _, mine := t.pending[string(sk)]; mine {
		t.pending[string(sk)] = nil
		return nil
	}
	return fmt.Errorf("store: bulk load: delete from %s of a key not written in this transaction (deferred until FinishBulk)", b)
}

func (t *bulkTx) scan(b Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	if _, ok := t.bl.deferred[b]; ok {
		return fmt.Errorf("store: bulk load: scan of %s, which is written at FinishBulk", b)
	}
	return t.boltTx.scan(b, prefix, start, reverse, fn)
}

func (t *bulkTx) count(b Bucket) (int, error) {
	if _, ok := t.bl.deferred[b]; ok {
		return 0, fmt.Errorf("store: bulk load: count of %s, which is written at FinishBulk", b)
	}
	return t.boltTx.count(b)
}

func (t *bulkTx) drop(b Bucket) error {
	if _, ok := t.bl.deferred[b]; ok {
		return fmt.Errorf("store: bulk load: drop of %s, which is written at FinishBulk", b)
	}
	return t.boltTx.drop(b)
}

// committed hands the transaction's deferred entries to the sorter.
func (t *bulkTx) committed() error {
	for _, sk := range t.order {
		if v := t.pending[sk]; v != nil {
			if err := t.bl.sorter.add([]byte(sk), v); err != nil {
				return err
			}
		}
	}
	return nil
}

// bulkTxBytes bounds one transaction of FinishBulk: large enough that
// commits are few, small enough that memory stays flat and that bbolt's
// searches of the node it appends to stay short.
var bulkTxBytes = 8 << 20

// FinishBulk writes the deferred buckets of a bulk load (Options.Defer) in
// key order, each page filled, and ends the bulk load: later transactions
// write every bucket at once as usual. progress, if set, is told the bytes
// written so far and the total. An entry written twice is an error naming
// its bucket.
func (db *DB) FinishBulk(progress func(done, total int64)) error {
	b, ok := db.eng.(*boltDB)
	if !ok || b.bulk == nil {
		return errors.New("store: FinishBulk without a bulk load")
	}
	bl := b.bulk
	if bl.finished {
		return errors.New("store: FinishBulk called twice")
	}
	bl.finished = true
	defer bl.sorter.close()
	it, err := bl.sorter.merge()
	if err != nil {
		return err
	}
	defer it.close()
	total := bl.sorter.bytes
	var done int64
	more := it.next()
	var last []byte
	for more {
		err := b.guard(func() error {
			return b.bolt.Update(func(btx *bolt.Tx) error {
				// bbolt keeps the slices it is given until the commit: the
				// transaction's entries are copied into chunks of its own.
				var chunk []byte
				keep := func(p []byte) []byte {
					if cap(chunk)-len(chunk) < len(p) {
						chunk = make([]byte, 0, max(1<<20, len(p)))
					}
					chunk = append(chunk, p...)
					return chunk[len(chunk)-len(p) : len(chunk) : len(chunk)]
				}
				var size int64
				var cur *bolt.Bucket
				curIdx := -1
				for ; more && size < int64(bulkTxBytes); more = it.next() {
					sk, v := it.key, it.value
					if last != nil && string(last) == string(sk) {
						return fmt.Errorf("store: bulk load: %s key %q written twice", bl.names[sk[0]], sk[1:])
					}
					last = append(last[:0], sk...)
					if int(sk[0]) != curIdx {
						curIdx = int(sk[0])
						bb, err := btx.CreateBucketIfNotExists([]byte(bl.names[curIdx]))
						if err != nil {
							return err
						}
						bb.FillPercent = 1
						cur = bb
					}
					if err := cur.Put(keep(sk[1:]), keep(v)); err != nil {
						return err
					}
					size += int64(len(sk) + len(v))
				}
				done += size
				return nil
			})
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(done, total)
		}
	}
	if err := it.err; err != nil {
		return err
	}
	b.bulk = nil
	return nil
}

// abandonBulk removes what an unfinished bulk load left beside the file.
func (bl *bulkLoad) abandon() {
	if bl != nil && !bl.finished {
		bl.sorter.close()
	}
}

// removeRuns removes a directory of sorted runs.
func removeRuns(dir string) { _ = os.RemoveAll(dir) }
