package store

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The end of a bulk load (bulkload.go): the deferred buckets written in
// key order, in two lanes side by side, straight into the file
// (bulkpages.go).

// FinishBulk writes the deferred buckets of a bulk load (Options.Defer) in
// key order, each page filled, and ends the bulk load: later transactions
// write every bucket at once as usual. progress, if set, is told the bytes
// written so far and the total. An entry written twice is an error naming
// its bucket.
//
// The deferred buckets are made (empty) through bbolt; then bbolt lets go
// of the file and their pages are written straight into it
// (bulkpages.go), in two lanes side by side, each on a core of its own:
// the bucket with the most entries (the users' search words) in one, the
// others in the other. Each lane has its own merge of the sorted runs (a
// goroutine a batch ahead of it) and packs its buckets' pages; the two
// share the page ids past the high-water mark. A new meta page commits it
// all, and bbolt opens the file again.
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
	err := b.guard(func() error {
		return b.bolt.Update(func(btx *bolt.Tx) error {
			for i, name := range bl.names {
				if bl.sorter.count[i] == 0 {
					continue
				}
				bb, err := btx.CreateBucketIfNotExists([]byte(name))
				if err != nil {
					return err
				}
				if k, _ := bb.Cursor().First(); k != nil || bb.Root() != 0 {
					return fmt.Errorf("store: bulk load: deferred bucket %s already holds entries", name)
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	// bbolt lets go of the file while its pages are written, and opens it
	// again after (the bulk load's release of mapped pages goes with it).
	if b.unmap != nil {
		b.unmap()
		b.unmap = nil
	}
	if err := b.bolt.Close(); err != nil {
		return err
	}
	err = bl.writeTrees(b.path, progress)
	reopened, oerr := bolt.Open(b.path, FileMode, b.reopen)
	if oerr != nil {
		return errors.Join(err, classifyOpenError(b.path, oerr))
	}
	b.bolt = reopened
	if err != nil {
		return err
	}
	b.bulk = nil
	return nil
}

// writeTrees writes the deferred buckets' trees into the file at path
// (closed to bbolt) and commits them with a new meta page.
func (bl *bulkLoad) writeTrees(path string, progress func(done, total int64)) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		return fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	w := &pageWriter{f: f, ps: int(m.pageSize), next: m.highWater}
	flush := &writeback{path: path}
	flush.start() // the pages the load's transactions wrote
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
		ln := &lane{it: it, batches: make(chan *mergeBatch, 4), free: make(chan *mergeBatch, 6), quit: make(chan struct{}), fed: make(chan struct{}),
			roots: map[string]uint64{}}
		lanes = append(lanes, ln)
		go func() { defer close(ln.fed); it.feed(ln.batches, ln.free, ln.quit) }()
	}
	var done atomic.Int64
	errs := make([]error, len(lanes))
	finished := make(chan struct{})
	var wg sync.WaitGroup
	for i, ln := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = ln.write(bl, w, &done); errs[i] != nil {
				for _, other := range lanes {
					other.quitOnce.Do(func() { close(other.quit) })
				}
			}
		}()
	}
	go func() { wg.Wait(); close(finished) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case <-finished:
			waiting = false
		case <-tick.C:
			flush.start() // the index pages written so far
		}
		if progress != nil {
			progress(done.Load(), total)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	roots := map[string]uint64{}
	for _, ln := range lanes {
		if err := ln.it.err; err != nil {
			return err
		}
		maps.Copy(roots, ln.roots)
	}
	if err := rebindBuckets(f, w.ps, m.root, roots); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	return writeMeta(f, m, w.next)
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

// lane writes its buckets' merged entries as pages.
type lane struct {
	it       *mergeIter
	batches  chan *mergeBatch
	free     chan *mergeBatch // batches written, for the merge to fill again
	quit     chan struct{}
	quitOnce sync.Once
	fed      chan struct{}
	roots    map[string]uint64 // bucket name -> its tree's root page
	stopping bool
}

// write packs every entry of the lane's buckets into pages, bucket after
// bucket, and notes each bucket's root; done counts the bytes written.
func (ln *lane) write(bl *bulkLoad, w *pageWriter, done *atomic.Int64) error {
	tb := newTreeBuilder(w)
	var last []byte
	cur := -1
	end := func() error {
		if cur < 0 {
			return nil
		}
		root, err := tb.root()
		if err != nil {
			return err
		}
		ln.roots[string(bl.names[cur])] = root
		tb.reset()
		return nil
	}
	for {
		var mb *mergeBatch
		select {
		case mb = <-ln.batches:
		case <-ln.quit:
			return nil // the other lane failed: its error is the one
		}
		if mb == nil {
			break
		}
		var size int64
		for i := range mb.ents {
			sk, v := mb.entry(i)
			if int(sk[0]) != cur {
				if err := end(); err != nil {
					return err
				}
				cur, last = int(sk[0]), last[:0]
			} else if string(last) == string(sk) {
				return fmt.Errorf("store: bulk load: %s key %q written twice", bl.names[sk[0]], sk[1:])
			}
			last = append(last[:0], sk...)
			k := sk[1:]
			switch {
			case len(k) == 0:
				return fmt.Errorf("store: put into %s: %w", bl.names[sk[0]], berrors.ErrKeyRequired)
			case len(k) > bolt.MaxKeySize:
				return fmt.Errorf("store: put into %s: %w", bl.names[sk[0]], berrors.ErrKeyTooLarge)
			case int64(len(v)) > MaxValueSize:
				return fmt.Errorf("store: put into %s: %w", bl.names[sk[0]], berrors.ErrValueTooLarge)
			}
			if err := tb.add(k, v); err != nil {
				return err
			}
			size += int64(len(sk) + len(v))
		}
		done.Add(size)
		select {
		case ln.free <- mb: // copied into pages: the merge may fill it again
		default:
		}
	}
	return end()
}

// stop ends the lane's merge (before the runs are closed).
func (ln *lane) stop() {
	if !ln.stopping {
		ln.stopping = true
		ln.quitOnce.Do(func() { close(ln.quit) })
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

// feed sends the merged entries in batches, then nil (at the end or on an
// error, in it.err); it gives up when stop closes. A batch is filled in the
// memory of one its receiver has handed back on free (the pages copy the
// entries), or in new memory while none is.
func (it *mergeIter) feed(out chan<- *mergeBatch, free <-chan *mergeBatch, stop <-chan struct{}) {
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
			select {
			case mb = <-free:
				mb.buf, mb.ents = mb.buf[:0], mb.ents[:0]
			default:
				mb = &mergeBatch{buf: make([]byte, 0, mergeBatchBytes)}
			}
			mb.buf = slices.Grow(mb.buf, len(k)+len(v))
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
