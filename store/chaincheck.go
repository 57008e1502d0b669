package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// A check verifies a long chain in chunks of consecutive entries, which the
// check's two workers take in turn (each in a read transaction of its own):
// the chain's hashing is most of a check, and one core did it all while the
// other finished the totals and waited. Each entry's hash covers its own
// stored bytes and the previous hash as stored, so a chunk verifies its
// entries alone; what ties the chunks together — a chunk's first entry
// naming the hash of the entry before it — is checked as they are joined.
// The join reports what Verify reports, entry for entry: the first break
// in the order of the chain, with the same reason (TestChainChunksAgree).

// chainChunks is how many chunks a chain is cut into, and chainChunkMin the
// fewest entries a chain has before it is (shorter ones are verified in one
// go); variables for the tests.
var (
	chainChunks   = 16
	chainChunkMin = uint64(1 << 14)
)

// chainCheck is one chain's verification in chunks.
type chainCheck struct {
	c      Chain
	ctx    context.Context // where progress goes, whichever worker reports
	starts []uint64        // chunk k verifies entries starts[k] up to starts[k+1]; the last, the rest and the tail
	chunks []chunkResult
	next   atomic.Int64    // the next chunk to take
	taken  *sync.WaitGroup // done once for every chunk, by whoever took it
	done   atomic.Int64    // entries verified, for progress
	total  uint64          // entries the head says there are, for progress
}

// chunkResult is what a chunk found.
type chunkResult struct {
	// The chunk's first entry when its number was right: the previous
	// hash it names (checked at the join, as Verify checks it before the
	// entry's own hash), and whether its own hash failed.
	haveFirst    bool
	firstPrev    []byte
	firstHashBad bool
	last         []byte      // the hash of its last entry
	next         uint64      // the number after its last entry
	err          *ChainError // the first break after its first entry
}

// planChainCheck cuts c into chunks by entry number, or says no (ok false)
// when the chain is short or its last key is not an entry number, and
// Verify should verify it in one go.
func planChainCheck(tx *Tx, c Chain) (*chainCheck, bool) {
	var last []byte
	err := tx.Scan(c.Entries, nil, nil, true, func(k, _ []byte) (bool, error) {
		last = bytes.Clone(k)
		return false, nil
	})
	if err != nil || len(last) != 8 {
		return nil, false
	}
	n := ParseU64(last)
	if n < chainChunkMin || chainChunks < 2 {
		return nil, false
	}
	r := &chainCheck{c: c, ctx: tx.ctx, chunks: make([]chunkResult, chainChunks)}
	for k := range uint64(chainChunks) {
		r.starts = append(r.starts, 1+k*n/uint64(chainChunks))
	}
	head, _ := Get[chainHead](tx, c.Meta, c.headKey())
	r.total = head.Seq
	return r, true
}

// work verifies chunks until none is left to take. A break in the chain is
// kept for join; what it returns is any other error (a read that failed).
func (r *chainCheck) work(tx *Tx) error {
	for {
		k := int(r.next.Add(1) - 1)
		if k >= len(r.starts) {
			return nil
		}
		err := func() error {
			if r.taken != nil {
				defer r.taken.Done() // even through a fault, or the check would wait for it
			}
			return r.chunk(tx, k)
		}()
		if err != nil {
			return err
		}
	}
}

// chunk verifies chunk k: as Verify does, but for the link of its first
// entry to the entry before it, which join checks.
func (r *chainCheck) chunk(tx *Tx, k int) error {
	res := &r.chunks[k]
	want, until := r.starts[k], uint64(0)
	var start, stop []byte
	if k > 0 {
		start = U64(want) // the first chunk starts at the bucket's start: a key below entry 1 breaks it
	}
	if k+1 < len(r.starts) {
		until = r.starts[k+1]
		stop = U64(until)
	}
	prev := make([]byte, 0, sha256.Size*2)
	var sum [sha256.Size * 2]byte
	if k == 0 {
		prev = append(prev, genesis...)
	}
	first, counted := true, uint64(0)
	tell := func() {
		d := r.done.Add(int64(counted))
		counted = 0
		report(r.ctx, Progress{Phase: "verifying the audit chain", Step: StepChain, Done: d, Total: int64(r.total), Unit: "events"})
	}
	visit := func(key, v []byte) (bool, error) {
		if stop != nil && bytes.Compare(key, stop) >= 0 {
			return false, nil
		}
		if counted++; counted == 16384 {
			tell()
		}
		e, ok := parseEntry(v)
		if !ok {
			res.err = &ChainError{Seq: want, Reason: "entry cannot be decoded"}
			return false, nil
		}
		if ParseU64(key) != want || e.seq != want {
			res.err = &ChainError{Seq: want, Reason: "entry missing or out of order"}
			return false, nil
		}
		hashOK := bytes.Equal(entryHashHex(&sum, e.seq, e.prev, e.data), e.hash)
		switch {
		case first && k > 0:
			res.haveFirst, res.firstPrev, res.firstHashBad = true, bytes.Clone(e.prev), !hashOK
		case !bytes.Equal(e.prev, prev):
			res.err = &ChainError{Seq: want, Reason: "previous-hash link does not match"}
			return false, nil
		case !hashOK:
			res.err = &ChainError{Seq: want, Reason: "content does not match its hash (edited)"}
			return false, nil
		}
		first = false
		prev = append(prev[:0], e.hash...)
		want++
		return true, nil
	}
	buckets := []Bucket{r.c.Entries}
	if until == 0 && r.c.Tail != "" {
		buckets = append(buckets, r.c.Tail) // the last chunk goes on into the tail, as Verify does
	}
	for i, b := range buckets {
		from := start
		if i > 0 {
			from = nil
		}
		if err := tx.Scan(b, nil, from, false, visit); err != nil {
			return err
		}
		if res.err != nil {
			break
		}
	}
	tell()
	if res.err == nil && until != 0 && want != until {
		// The chunk's entries ended before the next chunk's first: the
		// entry it wanted is missing.
		res.err = &ChainError{Seq: want, Reason: "entry missing or out of order"}
	}
	res.last, res.next = prev, want
	if first && k > 0 && res.err == nil {
		res.err = &ChainError{Seq: want, Reason: "entry missing or out of order"}
	}
	return nil
}

// join puts the chunks together in the chain's order and returns what
// Verify returns: the number of entries, or the first break.
func (r *chainCheck) join(tx *Tx) (uint64, error) {
	for k := range r.chunks {
		res := &r.chunks[k]
		if res.haveFirst {
			if !bytes.Equal(res.firstPrev, r.chunks[k-1].last) {
				return 0, &ChainError{Seq: r.starts[k], Reason: "previous-hash link does not match"}
			}
			if res.firstHashBad {
				return 0, &ChainError{Seq: r.starts[k], Reason: "content does not match its hash (edited)"}
			}
		}
		if res.err != nil {
			return 0, res.err
		}
	}
	end := r.chunks[len(r.chunks)-1]
	n := end.next - 1
	head, herr := Get[chainHead](tx, r.c.Meta, r.c.headKey())
	if herr != nil && !errors.Is(herr, ErrNotFound) {
		return n, herr
	}
	if head.Seq != n || (n > 0 && head.Hash != string(end.last)) {
		return n, &ChainError{Seq: n + 1, Reason: fmt.Sprintf("head says %d events, file holds %d (events cut off or added)", head.Seq, n)}
	}
	return n, nil
}
