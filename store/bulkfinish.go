package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// The end of a bulk load (bulkload.go): the deferred buckets written in
// key order, in two lanes side by side.

// bulkTxBytes bounds one transaction of FinishBulk: large enough that
// commits are few, small enough that memory stays flat and that bbolt's
// searches of the node it appends to stay short. Each lane appends to one
// node of bbolt's, which grows by every entry until the commit splits it
// into pages; at 1 MB a transaction that node (tens of thousands of
// entries, its slice regrown and its searches missing the cache) cost more
// than the commits a quarter of it takes.
var bulkTxBytes = 256 << 10

// FinishBulk writes the deferred buckets of a bulk load (Options.Defer) in
// key order, each page filled, and ends the bulk load: later transactions
// write every bucket at once as usual. progress, if set, is told the bytes
// written so far and the total. An entry written twice is an error naming
// its bucket.
//
// The buckets are written in two lanes side by side, each on a core of its
// own: the bucket with the most entries (the users' search words) in one,
// the others in the other. Each lane has its own merge of the sorted runs
// (a goroutine a batch ahead of it) and writes only its own buckets, each
// opened before the lanes start: bbolt keeps a bucket's pages and nodes to
// the bucket, so two lanes never touch the same bbolt structure (the
// transaction's statistics are counted atomically), and the commit runs
// with both lanes stopped.
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
	if err := bl.pipe.close(); err != nil {
		return err
	}
	if err := bl.sorter.finish(); err != nil {
		return err
	}
	total := bl.sorter.bytes
	var lanes []*lane
	defer func() {
		for _, ln := range lanes {
			ln.stop()
		}
	}()
	for _, buckets := range bl.lanes() {
		it, err := bl.sorter.merge(buckets)
		if err != nil {
			return err
		}
		ln := &lane{it: it, batches: make(chan *mergeBatch, 4), quit: make(chan struct{}), fed: make(chan struct{})}
		for _, b := range buckets {
			ln.bytes += bl.sorter.sizes[b]
		}
		lanes = append(lanes, ln)
		go func() { defer close(ln.fed); it.feed(ln.batches, ln.quit) }()
		ln.batch = <-ln.batches
	}
	var done int64
	for {
		var active []*lane
		for _, ln := range lanes {
			if ln.batch != nil {
				active = append(active, ln)
			}
		}
		if len(active) == 0 {
			break
		}
		err := b.guard(func() error {
			return b.bolt.Update(func(btx *bolt.Tx) error {
				// Every bucket the lanes write is opened (made, the first
				// time) here, before they start.
				handles := make([]*bolt.Bucket, len(bl.names))
				for i, name := range bl.names {
					if bl.sorter.count[i] == 0 {
						continue
					}
					bb, err := btx.CreateBucketIfNotExists([]byte(name))
					if err != nil {
						return err
					}
					bb.FillPercent = 1
					handles[i] = bb
				}
				errs := make([]error, len(active))
				var wg sync.WaitGroup
				for i, ln := range active[1:] {
					wg.Add(1)
					go func() { defer wg.Done(); errs[i+1] = ln.fill(bl, handles, ln.share(active, total)) }()
				}
				errs[0] = active[0].fill(bl, handles, active[0].share(active, total))
				wg.Wait()
				return errors.Join(errs...)
			})
		})
		if err != nil {
			return err
		}
		for _, ln := range active {
			done += ln.size
		}
		if progress != nil {
			progress(done, total)
		}
	}
	for _, ln := range lanes {
		if err := ln.it.err; err != nil {
			return err
		}
	}
	b.bulk = nil
	return nil
}

// lanes splits the deferred buckets that have entries (by index) into the
// one with the most and the others, in index order.
func (bl *bulkLoad) lanes() [][]byte {
	var all []byte
	most := -1
	for i := range bl.names {
		if n := bl.sorter.count[i]; n > 0 {
			all = append(all, byte(i))
			if most < 0 || n > bl.sorter.count[most] {
				most = i
			}
		}
	}
	if len(all) <= 1 {
		return [][]byte{all}
	}
	rest := slices.DeleteFunc(slices.Clone(all), func(b byte) bool { return int(b) == most })
	return [][]byte{{byte(most)}, rest}
}

// lane writes its buckets' merged entries, a transaction's share at a time.
type lane struct {
	it       *mergeIter
	batches  chan *mergeBatch
	quit     chan struct{}
	fed      chan struct{}
	batch    *mergeBatch // the batch being written, nil once all are
	pos      int
	last     []byte
	size     int64 // bytes written in the last fill
	bytes    int64 // bytes of all its buckets' entries
	stopping bool
}

// share is the bytes the lane writes in a transaction of FinishBulk with
// the lanes active: bulkTxBytes split by the lanes' sizes, so that the
// lanes end together. (Split evenly, the lane with fewer bytes ended with
// a part of the other's left to write alone, its core idle.)
func (ln *lane) share(active []*lane, total int64) int64 {
	if len(active) == 1 || total <= 0 {
		return int64(bulkTxBytes)
	}
	return max(4096, int64(bulkTxBytes)*ln.bytes/total)
}

// fill writes entries into their buckets (handles, by index) until limit
// bytes or the end; a panic inside bbolt becomes an error naming the file.
// bbolt keeps the slices it is given until the commit: they are the
// batches' own, never reused.
func (ln *lane) fill(bl *bulkLoad, handles []*bolt.Bucket, limit int64) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", bl.pipe.path, ErrCorrupt, r)
		}
	}()
	ln.size = 0
	for ln.batch != nil && ln.size < limit {
		if ln.pos == len(ln.batch.ents) {
			ln.batch, ln.pos = <-ln.batches, 0
			continue
		}
		sk, v := ln.batch.entry(ln.pos)
		ln.pos++
		if ln.last != nil && string(ln.last) == string(sk) {
			return fmt.Errorf("store: bulk load: %s key %q written twice", bl.names[sk[0]], sk[1:])
		}
		ln.last = append(ln.last[:0], sk...)
		if err := handles[sk[0]].Put(sk[1:], v); err != nil {
			return err
		}
		ln.size += int64(len(sk) + len(v))
	}
	return nil
}

// stop ends the lane's merge (before the runs are closed).
func (ln *lane) stop() {
	if !ln.stopping {
		ln.stopping = true
		close(ln.quit)
		<-ln.fed
		ln.it.close()
	}
}

// mergeBatch is a run of merged entries: their bytes and where each starts.
type mergeBatch struct {
	buf  []byte
	ents []batchEnt
}

type batchEnt struct{ off, klen, vlen uint32 }

func (mb *mergeBatch) entry(i int) (k, v []byte) {
	e := mb.ents[i]
	k = mb.buf[e.off : e.off+e.klen : e.off+e.klen]
	v = mb.buf[e.off+e.klen : e.off+e.klen+e.vlen : e.off+e.klen+e.vlen]
	return k, v
}

// mergeBatchBytes is the size of a batch of merged entries.
const mergeBatchBytes = 1 << 20

// feed sends the merged entries in batches, each in memory of its own, then
// nil (at the end or on an error, in it.err); it gives up when stop closes.
func (it *mergeIter) feed(out chan<- *mergeBatch, stop <-chan struct{}) {
	send := func(mb *mergeBatch) bool {
		select {
		case out <- mb:
			return true
		case <-stop:
			return false
		}
	}
	mb := &mergeBatch{buf: make([]byte, 0, mergeBatchBytes)}
	stopped := false
	add := func(k, v []byte) {
		if len(mb.buf)+len(k)+len(v) > cap(mb.buf) && len(mb.ents) > 0 {
			if stopped = !send(mb); stopped {
				return
			}
			mb = &mergeBatch{buf: make([]byte, 0, max(mergeBatchBytes, len(k)+len(v)))}
		}
		mb.ents = append(mb.ents, batchEnt{off: uint32(len(mb.buf)), klen: uint32(len(k)), vlen: uint32(len(v))})
		mb.buf = append(append(mb.buf, k...), v...)
	}
	for !stopped && it.next(add) {
	}
	if stopped {
		return
	}
	if len(mb.ents) > 0 && !send(mb) {
		return
	}
	send(nil)
}
