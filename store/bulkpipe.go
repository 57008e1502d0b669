package store

import (
	"fmt"
	"maps"
	"runtime/debug"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// A bulk transaction's writes to the buckets bbolt is given at once (the
// records, the chain, the ordered indexes) are applied by a goroutine of its
// own, a batch behind the code that makes them: bbolt's search for where each
// key goes, on the machine's second core, while the next record is made.
// bbolt's transaction is never used by two goroutines at once: before the
// transaction's own code touches bbolt itself (a read, a scan, a count, the
// first use of a sequence, the commit) it waits until the writer has applied
// everything sent and stands idle (a barrier). Sequences are counted in the
// transaction once read and written back at its end, so handing out ids
// needs no barrier. A write that fails is reported at the next barrier, at
// the latest when the transaction ends, and fails it: nothing of it lands.

// pipeBatch is how many writes go to the writer at a time.
const pipeBatch = 256

type pipeOp struct {
	bucket     Bucket
	key, value []byte
	del        bool
}

// pipe is a bulk transaction's writer.
type pipe struct {
	btx  *bolt.Tx
	path string
	ops  []pipeOp
	work chan []pipeOp // batches; nil asks for the writer's state (a barrier)
	done chan error    // the answer to a barrier: the first error since the last
	// recent are the last batches sent, newest last: a read of a key
	// written lately is answered from them, without a barrier.
	recent [][]pipeOp
	// seqs are the sequences handed out here, written back at the end.
	seqs    map[Bucket]uint64
	running bool
}

func newPipe(btx *bolt.Tx, path string) *pipe {
	return &pipe{btx: btx, path: path, ops: make([]pipeOp, 0, pipeBatch)}
}

func (p *pipe) start() {
	p.work, p.done, p.running = make(chan []pipeOp, 8), make(chan error), true
	go p.write()
}

// write applies batches until work closes.
func (p *pipe) write() {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var err error
	var last *bolt.Bucket
	var lastName Bucket
	for batch := range p.work {
		if batch == nil {
			p.done <- err
			err = nil
			continue
		}
		if err == nil {
			err = p.apply(batch, &last, &lastName)
		}
	}
}

// apply writes one batch; a panic inside bbolt (a damaged page) becomes an
// error naming the file, as guard makes it.
func (p *pipe) apply(batch []pipeOp, last **bolt.Bucket, lastName *Bucket) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s %w: %v", p.path, ErrCorrupt, r)
		}
	}()
	for i := range batch {
		op := &batch[i]
		if *last == nil || op.bucket != *lastName {
			b := p.btx.Bucket([]byte(op.bucket))
			if b == nil && !op.del {
				if b, err = p.btx.CreateBucket([]byte(op.bucket)); err != nil {
					return err
				}
			}
			if b == nil {
				continue // a delete from a bucket never written
			}
			*last, *lastName = b, op.bucket
		}
		if op.del {
			err = (*last).Delete(op.key)
		} else {
			(*last).FillPercent = 1
			err = (*last).Put(op.key, op.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *pipe) put(b Bucket, key, value []byte, del bool) {
	if !p.running {
		p.start()
	}
	if value == nil && !del {
		value = []byte{}
	}
	p.ops = append(p.ops, pipeOp{bucket: b, key: key, value: value, del: del})
	if len(p.ops) == pipeBatch {
		p.send()
	}
}

// recentBatches is how many batches sent a read looks through.
const recentBatches = 8

func (p *pipe) send() {
	p.work <- p.ops
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
// idle, and returns the first of their errors.
func (p *pipe) barrier() error {
	if !p.running {
		return nil
	}
	if len(p.ops) > 0 {
		p.send()
	}
	p.work <- nil
	return <-p.done
}

// stop ends the writer (after a barrier) and writes the sequences back.
func (p *pipe) stop() error {
	err := p.barrier()
	if p.running {
		close(p.work)
		p.running = false
	}
	p.recent = nil // what comes next (a drop) may change what they say
	// In name order: a sequence may create its bucket, and the file is the
	// same whatever order the map gives.
	for _, name := range slices.Sorted(maps.Keys(p.seqs)) {
		if err != nil {
			break
		}
		err = boltTx{p.btx}.setSequence(name, p.seqs[name])
	}
	p.seqs = nil
	return err
}

// nextSeq hands out the bucket's next number, reading the sequence once.
func (p *pipe) nextSeq(name Bucket) (uint64, error) {
	n, ok := p.seqs[name]
	if !ok {
		if err := p.barrier(); err != nil {
			return 0, err
		}
		var err error
		if n, err = (boltTx{p.btx}).sequence(name); err != nil {
			return 0, err
		}
		if p.seqs == nil {
			p.seqs = map[Bucket]uint64{}
		}
	}
	p.seqs[name] = n + 1
	return n + 1, nil
}
