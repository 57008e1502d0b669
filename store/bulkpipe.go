package store

import (
	"fmt"
	"hash/maphash"
	"maps"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A bulk load's writes to the buckets bbolt is given at once (the records,
// the chain, the ordered indexes) are applied by a goroutine of its own, a
// few batches behind the code that makes them: bbolt's search for where each
// key goes, on the machine's second core, while the next record is made. The
// goroutine (the writer) lives as long as the bulk load and owns its bbolt
// write transactions: it begins one when a bulk transaction first needs it
// and commits it when the bulk transaction ends, while the code goes on to
// make the next one (bbolt's commit, one pwrite per page, off the path that
// makes the records). Once a transaction is committed, the writer also hands
// its deferred entries to the sorter (bulksort.go): one goroutine beside the
// code, not two. With a writer and a sorter of their own, both often ran at
// once and took both cores from the code making the records, which is the
// build's critical path (traces at 3,000 practices on the shared machine:
// it waited for a core 19% of its running time; with the one goroutine,
// 8-9%). The writer's queue is deep enough that it catches up after a
// sorted run's spill without holding the code up.
//
// bbolt is never used by two goroutines at once: before the transaction's own
// code touches bbolt itself (a read, a scan, a count, the first use of a
// sequence) it waits until the writer has applied everything sent and stands
// idle (a barrier), and reads through the writer's transaction until it
// sends more. Sequences are counted in the pipe once read and written back at
// each commit, so handing out ids needs no barrier. What bbolt would refuse
// of a write (a key too long) is refused as it is made, and fails the
// transaction that made it: nothing of it lands. The end of a transaction
// is not waited for: if the writer then fails (a damaged page, a full disk
// at the commit), the load is broken — every bulk transaction that ends
// once the writer has gone on past the failure, every barrier, every read
// and FinishBulk fail with its error — and a bulk load is kept whole or not
// at all.

// pipeBatch is how many writes go to the writer at a time.
const pipeBatch = 256

// pipeDepth is how many batches may wait for the writer: enough for the
// code to go on making the next transactions while the writer commits and
// the sorter spills a run (about a third of a second): some 12 of the
// demo's transactions. Full, they hold some tens of MB (the build's peak
// RSS stayed at 694-705 MB).
const pipeDepth = 2048

type pipeOp struct {
	bucket     Bucket
	key, value []byte
	del        bool
}

type pipeMsgKind uint8

const (
	msgBatch    pipeMsgKind = iota
	msgBarrier              // apply what came before, begin a transaction, answer
	msgSync                 // apply and commit what came before, answer (no transaction left open)
	msgCommit               // write the sequences back and commit
	msgRollback             // roll the transaction back, answer
	msgSort                 // hand a committed transaction's deferred entries to the sorter
)

type pipeMsg struct {
	kind  pipeMsgKind
	ops   []pipeOp
	seqs  map[Bucket]uint64 // msgCommit: the sequences changed since the last commit
	reply chan pipeReply    // msgSync
	pend  *pending          // msgSort
}

type pipeReply struct {
	btx *bolt.Tx // msgBarrier: the open transaction
	err error
}

// pipe is a bulk load's writer and the state the load's transactions keep
// between them (the sequences, the batches lately sent).
type pipe struct {
	db   *bolt.DB
	path string
	ops  []pipeOp
	work chan pipeMsg
	done chan pipeReply // answers to msgBarrier and msgRollback
	// btx is the writer's open transaction as the last barrier answered;
	// read through only until the next send.
	btx *bolt.Tx
	// recent are the last batches sent, newest last: a read of a key
	// written lately is answered from them, without a barrier.
	recent [][]pipeOp
	// seqs are the sequences handed out (or read) in the load; committed
	// as the last commit wrote them back.
	seqs, committed map[Bucket]uint64
	// nonEmpty holds the buckets that may hold keys: those with keys when
	// the load began and every one written since (lastPut, the last one
	// written, saves a look-up at each write). A scan of any other is
	// answered at once, without a barrier (the service's sweep of due
	// locks at the start of every transaction would otherwise wait for the
	// last commit).
	nonEmpty map[Bucket]bool
	lastPut  Bucket
	// sorter gathers the deferred entries of the committed transactions
	// (msgSort), on the writer's goroutine; free hands their buffers back.
	sorter *sorter
	free   chan *pending
	// held holds, for each bucket named in Options.Replaced that was
	// empty when the load began, the keys the writer has put into it and
	// not deleted since: every key the bucket holds. A delete of any
	// other key is left out (it would find nothing: the fullness index's
	// key changes with each user a practice gains, and most of its keys
	// are put and deleted within one batch, never reaching bbolt). Only
	// the writer touches it; a rolled-back transaction ends it (what that
	// transaction deleted is back).
	held   map[Bucket]map[string]struct{}
	mu     sync.Mutex // over closed, against a sync from another goroutine
	closed bool
	ended  chan struct{}         // closes when the writer has ended
	endErr error                 // the writer's last word (a failed commit)
	failed atomic.Pointer[error] // set once the load is broken
}

func newPipe(db *bolt.DB, path string, replaced []Bucket, s *sorter) *pipe {
	p := &pipe{db: db, path: path, ops: make([]pipeOp, 0, pipeBatch), sorter: s, free: make(chan *pending, 8),
		work: make(chan pipeMsg, pipeDepth), done: make(chan pipeReply), ended: make(chan struct{}),
		seqs: map[Bucket]uint64{}, committed: map[Bucket]uint64{}, nonEmpty: map[Bucket]bool{},
		held: map[Bucket]map[string]struct{}{}}
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if k, _ := b.Cursor().First(); k != nil {
				p.nonEmpty[Bucket(name)] = true
			}
			return nil
		})
	})
	for _, b := range replaced {
		if !p.nonEmpty[b] {
			p.held[b] = map[string]struct{}{}
		}
	}
	go p.write()
	return p
}

// write applies what it is sent until work closes. err is the open
// transaction's first error, broken a commit's (which ends the load).
func (p *pipe) write() {
	defer close(p.ended)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var (
		btx         *bolt.Tx
		err, broken error
		last        *bolt.Bucket
		lastName    Bucket
		open        = map[Bucket]*bolt.Bucket{} // btx's buckets opened so far
		dd          = dedup{seed: maphash.MakeSeed()}
	)
	begin := func() {
		if btx == nil && broken == nil {
			var berr error
			if btx, berr = p.db.Begin(true); berr != nil {
				btx, broken = nil, fmt.Errorf("database %s: bulk load: %w", p.path, berr)
			}
			last = nil
			clear(open)
		}
	}
	end := func(commit bool, seqs map[Bucket]uint64) {
		if commit && broken == nil && (btx != nil || len(seqs) > 0) {
			begin()
			if btx != nil {
				broken = p.commit(btx, seqs)
			}
		} else if btx != nil {
			_ = btx.Rollback()
		}
		btx, last = nil, nil
		clear(open)
	}
	for m := range p.work {
		if broken != nil && p.failed.Load() == nil {
			e := broken
			p.failed.Store(&e) // the code making transactions looks here at each end
		}
		switch m.kind {
		case msgBatch:
			if err == nil && broken == nil {
				if begin(); btx != nil {
					err = p.apply(btx, m.ops, dd.superseded(m.ops), open, &last, &lastName)
				}
			}
		case msgBarrier:
			if err == nil {
				begin()
			}
			// The code may change buckets through btx until its next send
			// (a drop): open them afresh after.
			last = nil
			clear(open)
			p.done <- pipeReply{btx: btx, err: firstErr(broken, err)}
		case msgSync:
			m.reply <- pipeReply{err: broken}
		case msgCommit:
			if err != nil { // a write failed (a damaged page): the load is broken
				broken, err = err, nil
			}
			end(true, m.seqs)
		case msgSort:
			p.sorter.gather(m.pend)
			select {
			case p.free <- m.pend:
			default:
			}
		case msgRollback:
			end(false, nil)
			err = nil
			clear(p.held) // what the transaction deleted is back: deletes go to bbolt from now on
			p.done <- pipeReply{err: broken}
		}
	}
	end(false, nil)
	p.endErr = broken
	if broken != nil {
		e := broken
		p.failed.Store(&e)
	}
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// dedup finds the writes of a batch that a later write of the batch to
// the same key supersedes: only the last write of a key decides what the
// key holds, so the others need not reach bbolt. (A transaction that adds
// a practice's users writes its record and its place in the fullness index
// at each one: about two writes of three a user, left out.) The latest
// write of each key is found in a table of its own, kept from one batch
// to the next (open addressing, at most half full): a map cost more than
// the rest of the look.
type dedup struct {
	slots []collapseSlot // hash of bucket and key, and the latest write with it plus one
	seed  maphash.Seed
	skip  []uint8
}

// What superseded says of a write.
const (
	applyWrite = iota
	skipWrite  // superseded
	onlyBucket // a put superseded by a delete: the bucket is made, as the put would have
)

func (d *dedup) superseded(batch []pipeOp) []uint8 {
	var mask uint64
	d.slots, mask = emptySlots(d.slots, len(batch))
	d.skip = append(d.skip[:0], make([]uint8, len(batch))...)
	var lastBucket Bucket
	var bucketHash uint64
	for i := len(batch) - 1; i >= 0; i-- {
		op := &batch[i]
		// The key's hash, mixed with its bucket's (found again only when
		// the bucket changes: a batch's writes mostly run in one bucket).
		if i == len(batch)-1 || op.bucket != lastBucket {
			lastBucket, bucketHash = op.bucket, maphash.String(d.seed, string(op.bucket))
		}
		sum := maphash.Bytes(d.seed, op.key) ^ bucketHash*0x9e3779b97f4a7c15
		for j := sum & mask; ; j = (j + 1) & mask {
			sl := &d.slots[j]
			if sl.ent == 0 { // the latest write of this key
				sl.hash, sl.ent = sum, int32(i)+1
				break
			}
			if later := &batch[sl.ent-1]; sl.hash == sum && later.bucket == op.bucket && string(later.key) == string(op.key) {
				d.skip[i] = skipWrite
				if !op.del && later.del {
					d.skip[i] = onlyBucket
				}
				break
			}
		}
	}
	return d.skip
}

// apply writes one batch but the writes skip marks; a panic inside bbolt (a
// damaged page) becomes an error naming the file, as guard makes it. open
// keeps the transaction's buckets by name: a batch's writes go to a few
// buckets in turn (a user's record, the chain, the practice...), and
// bbolt's Tx.Bucket takes the name as a new []byte at every switch.
func (p *pipe) apply(btx *bolt.Tx, batch []pipeOp, skip []uint8, open map[Bucket]*bolt.Bucket, last **bolt.Bucket, lastName *Bucket) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", p.path, ErrCorrupt, r)
		}
	}()
	var held map[string]struct{} // p.held of *lastName, once found (found)
	found := false
	for i := range batch {
		if skip[i] == skipWrite {
			continue
		}
		op := &batch[i]
		if *last == nil || op.bucket != *lastName || !found {
			b := open[op.bucket]
			if b == nil {
				b = btx.Bucket([]byte(op.bucket))
				if b == nil && !op.del {
					if b, err = btx.CreateBucket([]byte(op.bucket)); err != nil {
						return err
					}
				}
				if b != nil {
					open[op.bucket] = b
				}
			}
			if b == nil {
				found = false
				continue // a delete from a bucket never written
			}
			*last, *lastName = b, op.bucket
			held, found = p.held[op.bucket], true
		}
		if skip[i] == onlyBucket {
			continue
		}
		if op.del {
			if held != nil {
				if _, ok := held[string(op.key)]; !ok {
					continue // never put: nothing to delete
				}
				delete(held, string(op.key))
			}
			err = (*last).Delete(op.key)
		} else {
			if held != nil {
				held[string(op.key)] = struct{}{}
			}
			(*last).FillPercent = 1
			err = (*last).Put(op.key, op.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// commit writes the sequences back (in name order: a sequence may create
// its bucket, and the file is the same whatever order the map gives) and
// commits.
func (p *pipe) commit(btx *bolt.Tx, seqs map[Bucket]uint64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", p.path, ErrCorrupt, r)
		}
		if err != nil {
			_ = btx.Rollback()
		}
	}()
	for _, name := range slices.Sorted(maps.Keys(seqs)) {
		if err := (boltTx{btx}).setSequence(name, seqs[name]); err != nil {
			return err
		}
	}
	return btx.Commit()
}

// put sends a write to the writer. What bbolt would refuse of a put (an
// empty key or bucket name, a key or value too long) is refused here, so
// that it fails the transaction that made it.
func (p *pipe) put(b Bucket, key, value []byte, del bool) error {
	if value == nil && !del {
		value = []byte{}
	}
	if !del {
		switch {
		case len(key) == 0:
			return fmt.Errorf("store: put into %s: %w", b, berrors.ErrKeyRequired)
		case len(key) > bolt.MaxKeySize:
			return fmt.Errorf("store: put into %s: %w", b, berrors.ErrKeyTooLarge)
		case int64(len(value)) > MaxValueSize:
			return fmt.Errorf("store: put into %s: %w", b, berrors.ErrValueTooLarge)
		case len(b) == 0 || len(b) > bolt.MaxKeySize:
			return fmt.Errorf("store: put into bucket %q: %w", b, berrors.ErrBucketNameRequired)
		}
	}
	if b != p.lastPut {
		p.lastPut = b
		if !p.nonEmpty[b] { // a look-up costs less than a write
			p.nonEmpty[b] = true
		}
	}
	p.ops = append(p.ops, pipeOp{bucket: b, key: key, value: value, del: del})
	if len(p.ops) == pipeBatch {
		p.send()
	}
	return nil
}

// sortLater hands a committed transaction's deferred entries to the sorter,
// through the writer (after the transaction's writes), and returns a buffer
// for the next transaction's.
func (p *pipe) sortLater(pend *pending) *pending {
	p.work <- pipeMsg{kind: msgSort, pend: pend}
	select {
	case q := <-p.free:
		return q
	default:
		return newPending(pend.seed, pend.read)
	}
}

// recentBatches is how many batches sent a read looks through.
const recentBatches = 8

func (p *pipe) send() {
	p.btx = nil // the writer is busy again
	p.work <- pipeMsg{kind: msgBatch, ops: p.ops}
	if len(p.recent) == recentBatches {
		copy(p.recent, p.recent[1:])
		p.recent = p.recent[:recentBatches-1]
	}
	p.recent = append(p.recent, p.ops)
	p.ops = make([]pipeOp, 0, pipeBatch)
}

// lookup finds the newest write of (b, key) among those not yet applied or
// lately sent (which neither side changes any more): its value, or deleted.
func (p *pipe) lookup(b Bucket, key []byte) (value []byte, deleted, ok bool) {
	find := func(ops []pipeOp) (int, bool) {
		for i := len(ops) - 1; i >= 0; i-- {
			if string(ops[i].key) == string(key) && ops[i].bucket == b {
				return i, true
			}
		}
		return 0, false
	}
	if i, ok := find(p.ops); ok {
		return p.ops[i].value, p.ops[i].del, true
	}
	for j := len(p.recent) - 1; j >= 0; j-- {
		if i, ok := find(p.recent[j]); ok {
			return p.recent[j][i].value, p.recent[j][i].del, true
		}
	}
	return nil, false, false
}

// barrier waits until the writer has applied every write sent and stands
// idle in an open transaction (tx, for reading until the next send), and
// returns the first of their errors.
func (p *pipe) barrier() (*bolt.Tx, error) {
	if p.btx != nil && len(p.ops) == 0 {
		return p.btx, nil // idle since the last one
	}
	if len(p.ops) > 0 {
		p.send()
	}
	p.work <- pipeMsg{kind: msgBarrier}
	r := <-p.done
	p.btx = r.btx
	if r.err != nil {
		p.btx = nil
	}
	return p.btx, r.err
}

// end ends a bulk transaction: with err nil it is committed once the
// writer has applied it, without waiting; otherwise it is rolled back and
// the sequences it handed out are handed out again.
func (p *pipe) end(err error) error {
	p.btx = nil
	if f := p.failed.Load(); err == nil && f != nil {
		err = *f // an earlier transaction broke the load: this one fails too
	}
	if err != nil {
		p.ops, p.recent = p.ops[:0], nil
		p.work <- pipeMsg{kind: msgRollback}
		<-p.done
		p.seqs = maps.Clone(p.committed)
		return err
	}
	if len(p.ops) > 0 {
		p.send()
	}
	var changed map[Bucket]uint64
	for name, n := range p.seqs {
		if c, ok := p.committed[name]; !ok || c != n {
			if changed == nil {
				changed = map[Bucket]uint64{}
			}
			changed[name] = n
			p.committed[name] = n
		}
	}
	p.work <- pipeMsg{kind: msgCommit, seqs: changed}
	return nil
}

// sync waits until every transaction ended so far is committed, and
// returns the error of a commit that failed. Any goroutine may call it.
func (p *pipe) sync() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.ended
		return p.endErr
	}
	reply := make(chan pipeReply, 1)
	p.work <- pipeMsg{kind: msgSync, reply: reply}
	p.mu.Unlock()
	return (<-reply).err
}

// close ends the writer once it has committed every transaction ended (an
// open one, never ended, is rolled back) and returns a failed commit's
// error.
func (p *pipe) close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.work)
	}
	p.mu.Unlock()
	<-p.ended
	return p.endErr
}

// empty reports whether bucket b holds no key (without a barrier).
func (p *pipe) empty(b Bucket) bool { return !p.nonEmpty[b] }

// nextSeq hands out the bucket's next number, reading the sequence once.
func (p *pipe) nextSeq(name Bucket) (uint64, error) {
	n, ok := p.seqs[name]
	if !ok {
		btx, err := p.barrier()
		if err != nil {
			return 0, err
		}
		if n, err = (boltTx{btx}).sequence(name); err != nil {
			return 0, err
		}
		p.committed[name] = n
	}
	p.seqs[name] = n + 1
	return n + 1, nil
}
