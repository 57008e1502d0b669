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
// and one read of the deferred entries.
type sorter struct {
	dir   string
	limit int // bytes kept in memory before a spill (runBytes)
	arena []byte
	ents  []sortEnt
	runs  []string
	bytes int64 // keys and values added, in all
}

// sortEnt is one entry in the arena; pre is its key's first 16 bytes (as
// two numbers), so that most comparisons need no look at the arena: there
// each one would be a cache miss, which costs more than all the rest of a
// sort.
type sortEnt struct {
	pre        [2]uint64
	off        int
	klen, vlen uint32
}

// runBytes bounds the entries a sorter keeps in memory.
const runBytes = 48 << 20

func newSorter(dir string) *sorter { return &sorter{dir: dir, limit: runBytes} }

func prefix16(k []byte) [2]uint64 {
	var b [16]byte
	copy(b[:], k)
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (s *sorter) add(k, v []byte) error {
	s.ents = append(s.ents, sortEnt{pre: prefix16(k), off: len(s.arena), klen: uint32(len(k)), vlen: uint32(len(v))})
	s.arena = append(append(s.arena, k...), v...)
	s.bytes += int64(len(k) + len(v))
	if len(s.arena) >= s.limit {
		return s.spill()
	}
	return nil
}

func (s *sorter) key(e sortEnt) []byte { return s.arena[e.off : e.off+int(e.klen)] }
func (s *sorter) value(e sortEnt) []byte {
	return s.arena[e.off+int(e.klen) : e.off+int(e.klen)+int(e.vlen)]
}

func (s *sorter) sort() {
	// Equal keys (an entry written twice, which FinishBulk refuses) need
	// no stable order: they only have to come out side by side.
	slices.SortFunc(s.ents, func(a, b sortEnt) int {
		if c := cmp.Compare(a.pre[0], b.pre[0]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.pre[1], b.pre[1]); c != 0 {
			return c
		}
		if a.klen <= 16 && b.klen <= 16 {
			// Both keys are in their prefixes, padded with zeros: the
			// shorter one sorts first, as bytes.Compare has it.
			return cmp.Compare(a.klen, b.klen)
		}
		return bytes.Compare(s.key(a), s.key(b))
	})
}

// spill writes the entries in memory, sorted, to a new run file.
func (s *sorter) spill() (err error) {
	if len(s.ents) == 0 {
		return nil
	}
	s.sort()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	name := filepath.Join(s.dir, fmt.Sprintf("run-%04d", len(s.runs)))
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, FileMode)
	if err != nil {
		return err
	}
	s.runs = append(s.runs, name)
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [binary.MaxVarintLen64]byte
	for _, e := range s.ents {
		w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(e.klen))])
		w.Write(s.key(e))
		w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(e.vlen))])
		if _, err := w.Write(s.value(e)); err != nil {
			return err
		}
	}
	s.arena, s.ents = s.arena[:0], s.ents[:0]
	return w.Flush()
}

// close drops the runs.
func (s *sorter) close() {
	s.arena, s.ents = nil, nil
	removeRuns(s.dir)
}

// source is one sorted stream of entries: a run file or the memory.
type source interface {
	next() (k, v []byte, ok bool, err error)
}

type memSource struct {
	s *sorter
	i int
}

func (m *memSource) next() ([]byte, []byte, bool, error) {
	if m.i >= len(m.s.ents) {
		return nil, nil, false, nil
	}
	e := m.s.ents[m.i]
	m.i++
	return m.s.key(e), m.s.value(e), true, nil
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

// mergeIter yields every entry of every source in key order; key and value
// are valid until the next call of next.
type mergeIter struct {
	h          mergeHeap
	files      []*os.File
	key, value []byte
	err        error
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
	s.sort()
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
	srcs = append(srcs, &memSource{s: s})
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

// next moves to the next entry, false at the end or on an error (err).
func (it *mergeIter) next() bool {
	if it.err != nil || len(it.h) == 0 {
		return false
	}
	top := it.h[0]
	// The caller copies what it keeps, but a run's buffers are reused by
	// its next read: take this entry's bytes before advancing the source.
	it.key = append(it.key[:0], top.k...)
	it.value = append(it.value[:0], top.v...)
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
