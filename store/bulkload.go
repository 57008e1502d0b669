package store

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"os"
	"sync"

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
	pipe     *pipe // the writer of the other buckets, and their sequences
	finished bool
	// mu holds one bulk transaction from its start to the hand-over of its
	// deferred entries (after bbolt's commit), so pend is never shared.
	mu   sync.Mutex
	pend *pending // the deferred entries of the transaction in progress
	read [256]bool
	// byLen lists the indexes of the deferred buckets by the length of
	// their names (0: a name of no deferred bucket's length).
	byLen [bolt.MaxKeySize + 1][]byte
}

func newBulkLoad(db *bolt.DB, path string, deferred, replaced []Bucket) *bulkLoad {
	bl := &bulkLoad{deferred: map[Bucket]byte{}, sorter: newSorter(path + ".runs")}
	bl.pipe = newPipe(db, path, replaced, bl.sorter)
	bl.pend = newPending(maphash.MakeSeed(), &bl.read)
	for _, b := range deferred {
		if _, dup := bl.deferred[b]; !dup {
			bl.deferred[b] = byte(len(bl.names))
			if len(b) < len(bl.byLen) {
				bl.byLen[len(b)] = append(bl.byLen[len(b)], byte(len(bl.names)))
			}
			bl.names = append(bl.names, b)
		}
	}
	return bl
}

// index is the index of deferred bucket b: a look through the names of
// its length (most buckets written have a length no deferred one has),
// cheaper than hashing b for a map at every write.
func (bl *bulkLoad) index(b Bucket) (byte, bool) {
	if len(b) >= len(bl.byLen) {
		return 0, false
	}
	for _, i := range bl.byLen[len(b)] {
		if bl.names[i] == b {
			return i, true
		}
	}
	return 0, false
}

// bulkTx is a write transaction of a bulk load: puts fill pages, and the
// deferred buckets' writes wait in pend until the transaction commits.
type bulkTx struct {
	bl   *bulkLoad
	pend *pending
	pipe *pipe // the writer of the buckets bbolt is given at once
	buf  []byte
}

func (t *bulkTx) writable() bool  { return true }
func (t *bulkTx) announce(uint64) {}

// bolt waits until the writer stands idle and returns its transaction, to
// read through until the next write.
func (t *bulkTx) bolt() (boltTx, error) {
	btx, err := t.pipe.barrier()
	return boltTx{btx}, err
}

// lookup is the sort key of (b, key) in a buffer of the transaction's, for
// reading pending without allocating; ok false when b is not deferred.
func (t *bulkTx) lookup(b Bucket, key []byte) ([]byte, bool) {
	i, ok := t.bl.index(b)
	if !ok {
		return nil, false
	}
	if t.pend.laterIn[i] {
		t.pend.runLater(int(i))
	}
	t.buf = append(append(t.buf[:0], i), key...)
	return t.buf, true
}

func (t *bulkTx) get(b Bucket, key []byte) ([]byte, error) {
	sk, ok := t.lookup(b, key)
	if !ok {
		if v, deleted, ok := t.pipe.lookup(b, key); ok {
			if deleted {
				return nil, ErrNotFound
			}
			return bytes.Clone(v), nil
		}
		if t.pipe.empty(b) {
			return nil, ErrNotFound
		}
		bt, err := t.bolt()
		if err != nil {
			return nil, err
		}
		return bt.get(b, key)
	}
	if i, _ := t.pend.find(sk); i >= 0 && !t.pend.ents[i].gone {
		return append([]byte{}, t.pend.value(i)...), nil
	}
	return nil, ErrNotFound
}

func (t *bulkTx) put(b Bucket, key, value []byte) error {
	i, ok := t.bl.index(b)
	if !ok {
		return t.pipe.put(b, key, value, false)
	}
	if t.pend.laterIn[i] {
		t.pend.runLater(int(i))
	}
	if !t.pend.read[i] { // never read: appended, its sort key made in place
		t.pend.appendLoose(i, key, value)
		return nil
	}
	t.buf = append(append(t.buf[:0], i), key...)
	t.pend.put(t.buf, value)
	return nil
}

// putLater leaves the puts fn makes into b to the sorter's goroutine (once
// the transaction commits) when b is a deferred bucket the load has not
// read; false: make them now.
func (t *bulkTx) putLater(b Bucket, fn func(put func(k, v []byte))) bool {
	i, ok := t.bl.index(b)
	if !ok || t.pend.read[i] {
		return false
	}
	t.pend.later = append(t.pend.later, laterPut{b: i, fn: fn})
	t.pend.laterIn[i] = true
	return true
}

func (t *bulkTx) del(b Bucket, key []byte) error {
	sk, ok := t.lookup(b, key)
	if !ok {
		return t.pipe.put(b, key, nil, true)
	}
	if i, _ := t.pend.find(sk); i >= 0 {
		t.pend.ents[i].gone = true
		return nil
	}
	return fmt.Errorf("store: bulk load: delete from %s of a key not written in this transaction (deferred until FinishBulk)", b)
}

func (t *bulkTx) scan(b Bucket, prefix, start []byte, reverse bool, fn func(k, v []byte) (bool, error)) error {
	if _, ok := t.bl.index(b); ok {
		return fmt.Errorf("store: bulk load: scan of %s, which is written at FinishBulk", b)
	}
	if t.pipe.empty(b) {
		return nil
	}
	bt, err := t.bolt()
	if err != nil {
		return err
	}
	return bt.scan(b, prefix, start, reverse, fn)
}

func (t *bulkTx) count(b Bucket) (int, error) {
	if _, ok := t.bl.index(b); ok {
		return 0, fmt.Errorf("store: bulk load: count of %s, which is written at FinishBulk", b)
	}
	if t.pipe.empty(b) {
		return 0, nil
	}
	bt, err := t.bolt()
	if err != nil {
		return 0, err
	}
	return bt.count(b)
}

func (t *bulkTx) drop(b Bucket) error {
	if _, ok := t.bl.index(b); ok {
		return fmt.Errorf("store: bulk load: drop of %s, which is written at FinishBulk", b)
	}
	bt, err := t.bolt()
	if err != nil {
		return err
	}
	delete(t.pipe.seqs, b) // the bucket's sequence goes with it
	return bt.drop(b)
}

func (t *bulkTx) nextSeq(b Bucket) (uint64, error) { return t.pipe.nextSeq(b) }

func (t *bulkTx) sequence(b Bucket) (uint64, error) {
	if n, ok := t.pipe.seqs[b]; ok {
		return n, nil
	}
	bt, err := t.bolt()
	if err != nil {
		return 0, err
	}
	return bt.sequence(b)
}

func (t *bulkTx) setSequence(b Bucket, n uint64) error {
	bt, err := t.bolt()
	if err != nil {
		return err
	}
	if err := bt.setSequence(b, n); err != nil {
		return err
	}
	t.pipe.seqs[b] = n
	return nil
}

func (t *bulkTx) buckets() ([]Bucket, error) {
	bt, err := t.bolt()
	if err != nil {
		return nil, err
	}
	return bt.buckets()
}

// committed hands the transaction's deferred entries to the sorter.
func (t *bulkTx) committed() {
	t.bl.pend = t.pipe.sortLater(t.pend)
}

// gathered waits until the sorter has every deferred entry of the
// transactions committed so far, and returns its error or the writer's.
func (bl *bulkLoad) gathered() error {
	if err := bl.pipe.sync(); err != nil {
		return err
	}
	return bl.sorter.err
}

// abandonBulk removes what an unfinished bulk load left beside the file.
func (bl *bulkLoad) abandon() {
	if bl != nil && !bl.finished {
		_ = bl.pipe.close() // the sorter is done with it
		bl.sorter.close()
	}
}

// removeRuns removes a directory of sorted runs.
func removeRuns(dir string) { _ = os.RemoveAll(dir) }
