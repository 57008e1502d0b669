package store

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// sorter gathers the entries of a bulk load's deferred buckets and gives
// them back in key order: up to runBytes in memory, sorted and written to a
// run file beside the database whenever they pass it, all runs merged at the
// end. Memory stays bounded however large the load; the runs cost one write
// and one read of the deferred entries. The gathering, sorting and writing
// run in a goroutine of their own (the machine's second core): a committed
// transaction hands its entries over (take) and goes on.
type sorter struct {
	dir   string
	limit int // bytes kept in memory before a spill (runBytes)
	cur   runBuf
	runs  []string
	bytes int64 // keys and values added, in all
	// The worker: in brings it entries (or asks where it is), free hands
	// the transactions' buffers back, done closes when it ends with err.
	in   chan sortMsg
	free chan *pending
	done chan struct{}
	err  error
}

type sortMsg struct {
	p   *pending   // a committed transaction's entries, or nil
	ack chan error // if set, told the worker's error once p is in
}

// runBuf is a run in memory: its entries' bytes and the entries.
type runBuf struct {
	arena []byte
	ents  []sortEnt
}

// sortEnt is one entry in the arena; pre is its key's first 24 bytes (as
// three numbers: a word entry's word and id fit in them), so that most comparisons need no look at the arena: there
// each one would be a cache miss, which costs more than all the rest of a
// sort.
type sortEnt struct {
	pre        [3]uint64
	off        int
	klen, vlen uint32
}

// runBytes bounds the entries a sorter keeps in memory.
const runBytes = 32 << 20

func newSorter(dir string) *sorter { return &sorter{dir: dir, limit: runBytes} }

// prefixLen is how many of a key's first bytes a sortEnt holds.
const prefixLen = 24

func keyPrefix(k []byte) [3]uint64 {
	var b [prefixLen]byte
	copy(b[:], k)
	return [3]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16]), binary.BigEndian.Uint64(b[16:])}
}

// take hands a committed transaction's deferred entries to the worker and
// returns a buffer for the next transaction's.
func (s *sorter) take(p *pending) *pending {
	if s.in == nil {
		s.in, s.free, s.done = make(chan sortMsg, 2), make(chan *pending, 2), make(chan struct{})
		go s.work()
	}
	s.in <- sortMsg{p: p}
	select {
	case q := <-s.free:
		return q
	default:
		return newPending(p.seed, p.read)
	}
}

// sync waits until the worker has gathered everything handed to it and
// returns its error.
func (s *sorter) sync() error {
	if s.in == nil {
		return nil
	}
	ack := make(chan error)
	s.in <- sortMsg{ack: ack}
	return <-ack
}

// finish ends the worker and returns its error.
func (s *sorter) finish() error {
	if s.in != nil {
		close(s.in)
		<-s.done
		s.in = nil
	}
	return s.err
}

func (s *sorter) work() {
	defer close(s.done)
	var err error
	for m := range s.in {
		if m.p != nil {
			if err == nil {
				err = s.addAll(m.p)
			}
			select {
			case s.free <- m.p:
			default:
			}
		}
		if m.ack != nil {
			m.ack <- err
		}
	}
	s.err = err
}

// addAll adds a transaction's entries, in the order first written, but
// those it deleted.
func (s *sorter) addAll(p *pending) error {
	p.collapse()
	for i := range p.ents {
		if !p.ents[i].gone {
			if err := s.add(p.key(i), p.value(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *sorter) add(k, v []byte) error {
	r := &s.cur
	r.ents = append(r.ents, sortEnt{pre: keyPrefix(k), off: len(r.arena), klen: uint32(len(k)), vlen: uint32(len(v))})
	r.arena = append(append(r.arena, k...), v...)
	s.bytes += int64(len(k) + len(v))
	if len(r.arena) >= s.limit {
		return s.spill()
	}
	return nil
}

func (r *runBuf) key(e sortEnt) []byte { return r.arena[e.off : e.off+int(e.klen)] }
func (r *runBuf) value(e sortEnt) []byte {
	return r.arena[e.off+int(e.klen) : e.off+int(e.klen)+int(e.vlen)]
}

func (r *runBuf) sort() {
	// Equal keys (an entry written twice, which FinishBulk refuses) need
	// no stable order: they only have to come out side by side.
	slices.SortFunc(r.ents, func(a, b sortEnt) int {
		if c := cmp.Compare(a.pre[0], b.pre[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.pre[1], b.pre[1]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.pre[2], b.pre[2]); c != 0 {
			return c
		}
		if a.klen <= prefixLen && b.klen <= prefixLen {
			// Both keys are in their prefixes, padded with zeros: the
			// shorter one sorts first, as bytes.Compare has it.
			return cmp.Compare(a.klen, b.klen)
		}
		return bytes.Compare(r.key(a), r.key(b))
	})
}

// spill sorts the entries in memory and writes them to a new run file.
func (s *sorter) spill() error {
	if len(s.cur.ents) == 0 {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	name := filepath.Join(s.dir, fmt.Sprintf("run-%04d", len(s.runs)))
	s.runs = append(s.runs, name)
	if err := s.cur.write(name); err != nil {
		return err
	}
	s.cur.arena, s.cur.ents = s.cur.arena[:0], s.cur.ents[:0]
	return nil
}

// write sorts the run and writes it to a new file.
func (r *runBuf) write(name string) (err error) {
	r.sort()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, FileMode)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [binary.MaxVarintLen64]byte
	for _, e := range r.ents {
		w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(e.klen))])
		w.Write(r.key(e))
		w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(e.vlen))])
		if _, err := w.Write(r.value(e)); err != nil {
			return err
		}
	}
	return w.Flush()
}

// close drops the runs.
func (s *sorter) close() {
	_ = s.finish()
	s.cur = runBuf{}
	removeRuns(s.dir)
}

// source is one sorted stream of entries: a run file or the memory.
type source interface {
	next() (k, v []byte, ok bool, err error)
}

type memSource struct {
	r *runBuf
	i int
}

func (m *memSource) next() ([]byte, []byte, bool, error) {
	if m.i >= len(m.r.ents) {
		return nil, nil, false, nil
	}
	e := m.r.ents[m.i]
	m.i++
	return m.r.key(e), m.r.value(e), true, nil
}

type runSource struct {
	f    *os.File
	r    *bufio.Reader
	k, v []byte
}

func (r *runSource) next() ([]byte, []byte, bool, error) {
	klen, err := binary.ReadUvarint(r.r)
	if errors.Is(err, io.EOF) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	r.k = slices.Grow(r.k[:0], int(klen))[:klen]
	if _, err := io.ReadFull(r.r, r.k); err != nil {
		return nil, nil, false, err
	}
	vlen, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, nil, false, err
	}
	r.v = slices.Grow(r.v[:0], int(vlen))[:vlen]
	if _, err := io.ReadFull(r.r, r.v); err != nil {
		return nil, nil, false, err
	}
	return r.k, r.v, true, nil
}

// mergeIter yields every entry of every source in key order.
type mergeIter struct {
	h     mergeHeap
	files []*os.File
	err   error
}

type mergeHead struct {
	src  source
	k, v []byte
	n    int // the source's number: equal keys come out in the order added
}

type mergeHeap []*mergeHead

func (h mergeHeap) Len() int { return len(h) }
func (h mergeHeap) Less(i, j int) bool {
	if c := bytes.Compare(h[i].k, h[j].k); c != 0 {
		return c < 0
	}
	return h[i].n < h[j].n
}
func (h mergeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)   { *h = append(*h, x.(*mergeHead)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// merge sorts what is in memory and opens every run for the merge.
func (s *sorter) merge() (*mergeIter, error) {
	if err := s.finish(); err != nil {
		return nil, err
	}
	s.cur.sort()
	it := &mergeIter{}
	var srcs []source
	for _, name := range s.runs {
		f, err := os.Open(name)
		if err != nil {
			it.close()
			return nil, err
		}
		it.files = append(it.files, f)
		srcs = append(srcs, &runSource{f: f, r: bufio.NewReaderSize(f, 256<<10)})
	}
	srcs = append(srcs, &memSource{r: &s.cur})
	for n, src := range srcs {
		k, v, ok, err := src.next()
		if err != nil {
			it.close()
			return nil, err
		}
		if ok {
			it.h = append(it.h, &mergeHead{src: src, k: k, v: v, n: n})
		}
	}
	heap.Init(&it.h)
	return it, nil
}

// next hands the next entry to emit, whose arguments are valid only during
// the call; false at the end or on an error (err).
func (it *mergeIter) next(emit func(k, v []byte)) bool {
	if it.err != nil || len(it.h) == 0 {
		return false
	}
	top := it.h[0]
	// A run's buffers are reused by its next read: the entry is handed
	// over before the source advances.
	emit(top.k, top.v)
	k, v, ok, err := top.src.next()
	switch {
	case err != nil:
		it.err = err
		return false
	case ok:
		top.k, top.v = k, v
		heap.Fix(&it.h, 0)
	default:
		heap.Pop(&it.h)
	}
	return true
}

func (it *mergeIter) close() {
	for _, f := range it.files {
		_ = f.Close()
	}
}
