package store

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"slices"
	"sort"
)

// The merge of a bulk load's sorted runs (bulksort.go): the runs on disk
// and the memory, read in key order a lane at a time.

// source is one sorted stream of entries: a run file or the memory.
type source interface {
	next() (k, v []byte, ok bool, err error)
}

// memSource is the entries in memory, within ranges of their indexes.
type memSource struct {
	r      *runBuf
	ranges [][2]int64
	i      int
}

func (m *memSource) next() ([]byte, []byte, bool, error) {
	for len(m.ranges) > 0 && int64(m.i) >= m.ranges[0][1] {
		m.ranges = m.ranges[1:]
	}
	if len(m.ranges) == 0 {
		return nil, nil, false, nil
	}
	if int64(m.i) < m.ranges[0][0] {
		m.i = int(m.ranges[0][0])
	}
	e := m.r.ents[m.i]
	m.i++
	return m.r.key(e), m.r.value(e), true, nil
}

// runSource is a run file, within byte ranges of it (one bucket's entries
// each), read one range after the other.
type runSource struct {
	f        *os.File
	sections [][2]int64
	r        *bufio.Reader
	k, v     []byte
}

func (r *runSource) next() ([]byte, []byte, bool, error) {
	for r.r == nil {
		if len(r.sections) == 0 {
			return nil, nil, false, nil
		}
		sec := r.sections[0]
		r.sections = r.sections[1:]
		r.r = bufio.NewReaderSize(io.NewSectionReader(r.f, sec[0], sec[1]-sec[0]), 256<<10)
	}
	klen, err := binary.ReadUvarint(r.r)
	if errors.Is(err, io.EOF) {
		r.r = nil
		return r.next()
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

// merge sorts what is in memory and opens every run for the merge of the
// entries of the buckets (by index) in lane, in key order.
func (s *sorter) merge(lane []byte) (*mergeIter, error) {
	if err := s.finish(); err != nil {
		return nil, err
	}
	if !s.sorted {
		s.cur.sort()
		s.sorted = true
	}
	it := &mergeIter{}
	var srcs []source
	for i, name := range s.runs {
		f, err := os.Open(name)
		if err != nil {
			it.close()
			return nil, err
		}
		it.files = append(it.files, f)
		offs := s.offs[i]
		srcs = append(srcs, &runSource{f: f, sections: laneSections(lane, func(b int) int64 { return offs[b] })})
	}
	ents := s.cur.ents
	firstAt := func(b int) int64 {
		return int64(sort.Search(len(ents), func(i int) bool { return int(s.cur.arena[ents[i].off]) >= b }))
	}
	srcs = append(srcs, &memSource{r: &s.cur, ranges: laneSections(lane, firstAt)})
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

// laneSections are the ranges [start(b), start(b+1)) of the lane's
// buckets, in order, start giving where a bucket's entries begin.
func laneSections(lane []byte, start func(b int) int64) [][2]int64 {
	var out [][2]int64
	for _, b := range lane {
		if lo, hi := start(int(b)), start(int(b)+1); hi > lo {
			out = append(out, [2]int64{lo, hi})
		}
	}
	return out
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
