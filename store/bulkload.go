package store

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"runtime/debug"
	"slices"
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
}

func newBulkLoad(db *bolt.DB, path string, deferred []Bucket) *bulkLoad {
	bl := &bulkLoad{deferred: map[Bucket]byte{}, sorter: newSorter(path + ".runs"), pipe: newPipe(db, path)}
	bl.pend = newPending(maphash.MakeSeed(), &bl.read)
	for _, b := range deferred {
		if _, dup := bl.deferred[b]; !dup {
			bl.deferred[b] = byte(len(bl.names))
			bl.names = append(bl.names, b)
		}
	}
	return bl
}

// index is the index of deferred bucket b: a look through a handful of
// names, cheaper than hashing b for a map at every write.
func (bl *bulkLoad) index(b Bucket) (byte, bool) {
	for i, n := range bl.names {
		if n == b {
			return byte(i), true
		}
	}
	return 0, false
}

// pending holds the deferred buckets' writes of one transaction until it
// commits, in the order first written: keys and values in one arena, found
// again by a 64-bit hash of the sort key (a map of strings would allocate a
// string for every key and hash it again at every lookup). Its memory is
// reused from one transaction to the next.
//
// Only the entries of buckets the load has read (a get or a delete: say, a
// login looked up) are indexed as they are written; the others (the search
// words, written and never read back) are only appended, and the sorter's
// goroutine collapses any key such a transaction wrote twice (the last
// write wins), off the transaction's path.
type pending struct {
	seed  maphash.Seed
	read  *[256]bool // the deferred buckets (by index) the load has read
	arena []byte
	ents  []pendEnt
	index map[uint64]int32 // hash of a sort key -> its entry (the newest with that hash)
	loose int              // entries not indexed
	slots []collapseSlot   // collapse's table, kept for the next transaction
}

type pendEnt struct {
	koff, klen, voff, vlen uint32
	next                   int32 // the next entry whose key has the same hash, or -1
	gone                   bool  // deleted in this transaction, or written again
	loose                  bool  // not in the index
}

func newPending(seed maphash.Seed, read *[256]bool) *pending {
	return &pending{seed: seed, read: read, index: map[uint64]int32{}}
}

func (p *pending) reset() {
	p.arena, p.ents, p.loose = p.arena[:0], p.ents[:0], 0
	clear(p.index)
}

func (p *pending) key(i int) []byte {
	e := p.ents[i]
	return p.arena[e.koff : e.koff+e.klen]
}

func (p *pending) value(i int) []byte {
	e := p.ents[i]
	return p.arena[e.voff : e.voff+e.vlen]
}

// find is the entry of sort key sk, or -1, and sk's hash. Its bucket is
// indexed from now on.
func (p *pending) find(sk []byte) (int, uint64) {
	if !p.read[sk[0]] {
		p.read[sk[0]] = true
		p.indexLoose(sk[0])
	}
	h := maphash.Bytes(p.seed, sk)
	i, ok := p.index[h]
	for ok && i >= 0 {
		if bytes.Equal(p.key(int(i)), sk) {
			return int(i), h
		}
		i = p.ents[i].next
	}
	return -1, h
}

// indexLoose indexes the entries of bucket b written so far, the later of
// two with one key taking the place of the earlier.
func (p *pending) indexLoose(b byte) {
	for i := range p.ents {
		e := &p.ents[i]
		if !e.loose || p.arena[e.koff] != b {
			continue
		}
		e.loose = false
		p.loose--
		sk := p.key(i)
		h := maphash.Bytes(p.seed, sk)
		head, ok := p.index[h]
		if !ok {
			head = -1
		}
		for j := head; j >= 0; j = p.ents[j].next {
			if !p.ents[j].gone && bytes.Equal(p.key(int(j)), sk) {
				p.ents[j].gone = true // written again: this one counts
			}
		}
		e.next = head
		p.index[h] = int32(i)
	}
}

func (p *pending) put(sk, v []byte) {
	voff := uint32(len(p.arena))
	if !p.read[sk[0]] {
		p.arena = append(append(p.arena, sk...), v...)
		p.ents = append(p.ents, pendEnt{koff: voff, klen: uint32(len(sk)), voff: voff + uint32(len(sk)), vlen: uint32(len(v)), next: -1, loose: true})
		p.loose++
		return
	}
	i, h := p.find(sk)
	if i >= 0 {
		p.arena = append(p.arena, v...)
		e := &p.ents[i]
		e.voff, e.vlen, e.gone = voff, uint32(len(v)), false
		return
	}
	next, ok := p.index[h]
	if !ok {
		next = -1
	}
	p.arena = append(p.arena, sk...)
	p.arena = append(p.arena, v...)
	p.ents = append(p.ents, pendEnt{koff: voff, klen: uint32(len(sk)), voff: voff + uint32(len(sk)), vlen: uint32(len(v)), next: next})
	p.index[h] = int32(len(p.ents) - 1)
}

// collapse marks gone every loose entry whose key a later loose entry
// wrote again (the sorter's goroutine, before it takes the entries). The
// later entries are found in a table of the pending's own, kept from one
// transaction to the next (open addressing, at most half full): a map
// made afresh each transaction cost more than the rest of the gathering.
func (p *pending) collapse() {
	if p.loose == 0 {
		return
	}
	size := 16
	for size < 2*p.loose {
		size <<= 1
	}
	if cap(p.slots) < size {
		p.slots = make([]collapseSlot, size)
	}
	p.slots = p.slots[:size]
	clear(p.slots)
	mask := uint64(size - 1)
	for i := len(p.ents) - 1; i >= 0; i-- {
		e := &p.ents[i]
		if !e.loose {
			continue
		}
		sk := p.key(i)
		h := maphash.Bytes(p.seed, sk)
		for j := h & mask; ; j = (j + 1) & mask {
			sl := &p.slots[j]
			if sl.ent == 0 { // empty: the latest entry with this key
				sl.hash, sl.ent = h, int32(i)+1
				break
			}
			if sl.hash == h && bytes.Equal(p.key(int(sl.ent-1)), sk) {
				e.gone = true
				break
			}
		}
	}
}

// collapseSlot is a place in collapse's table: a key's hash and its
// entry's index plus one (0: empty).
type collapseSlot struct {
	hash uint64
	ent  int32
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
	sk, ok := t.lookup(b, key)
	if !ok {
		return t.pipe.put(b, key, value, false)
	}
	t.pend.put(sk, value)
	return nil
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
	t.bl.pend = t.bl.sorter.take(t.pend)
}

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

// abandonBulk removes what an unfinished bulk load left beside the file.
func (bl *bulkLoad) abandon() {
	if bl != nil && !bl.finished {
		_ = bl.pipe.close()
		bl.sorter.close()
	}
}

// removeRuns removes a directory of sorted runs.
func removeRuns(dir string) { _ = os.RemoveAll(dir) }
