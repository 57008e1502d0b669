package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
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
// each), read one range after the other. Entries are decoded in place from
// a buffer of its own (a bufio.Reader's byte-at-a-time varints and two
// copies an entry cost more than the merge's comparisons); the key and
// value it returns are valid until its next call.
type runSource struct {
	f        *os.File
	sections [][2]int64
	at, end  int64 // the part of the current section not yet read into buf
	buf      []byte
	pos      int // the next entry in buf
}

// runReadBytes is how much of a run a source reads at a time.
const runReadBytes = 256 << 10

func (r *runSource) next() ([]byte, []byte, bool, error) {
	for {
		if k, v, ok := r.decode(); ok {
			return k, v, true, nil
		}
		if r.at == r.end { // the section is read: its last entry is whole, or the run is damaged
			if r.pos != len(r.buf) {
				return nil, nil, false, errors.New("store: bulk load: a sorted run ends inside an entry")
			}
			if len(r.sections) == 0 {
				return nil, nil, false, nil
			}
			r.at, r.end = r.sections[0][0], r.sections[0][1]
			r.sections = r.sections[1:]
			r.buf, r.pos = r.buf[:0], 0
		}
		if err := r.fill(); err != nil {
			return nil, nil, false, err
		}
	}
}

// decode takes the entry at pos if buf holds all of it.
func (r *runSource) decode() (k, v []byte, ok bool) {
	b := r.buf[r.pos:]
	klen, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < klen {
		return nil, nil, false
	}
	k = b[n : n+int(klen)]
	b = b[n+int(klen):]
	vlen, m := binary.Uvarint(b)
	if m <= 0 || uint64(len(b)-m) < vlen {
		return nil, nil, false
	}
	v = b[m : m+int(vlen)]
	r.pos += n + int(klen) + m + int(vlen)
	return k, v, true
}

// fill moves what is left of buf to its start and reads more of the
// section after it (at least as much again, for an entry larger than
// runReadBytes).
func (r *runSource) fill() error {
	left := copy(r.buf[:cap(r.buf)], r.buf[r.pos:])
	want := max(runReadBytes, 2*left)
	if cap(r.buf) < left+want {
		grown := make([]byte, left, left+want)
		copy(grown, r.buf[:left])
		r.buf = grown
	}
	n := int(min(int64(want), r.end-r.at))
	r.buf = r.buf[:left+n]
	r.pos = 0
	if _, err := r.f.ReadAt(r.buf[left:], r.at); err != nil {
		return err
	}
	r.at += int64(n)
	return nil
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

// mergeHeap is a binary min-heap of the sources' heads, by key, then by
// source number (sifted by hand: container/heap's calls through an
// interface cost as much as the comparisons).
type mergeHeap []*mergeHead

func (h mergeHeap) less(i, j int) bool {
	if c := bytes.Compare(h[i].k, h[j].k); c != 0 {
		return c < 0
	}
	return h[i].n < h[j].n
}

// down moves the head at i down to its place.
func (h mergeHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		c := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			c = r
		}
		if !h.less(c, i) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

func (h mergeHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// merge sorts what is in memory and opens every run for the merge of the
// entries of the buckets (by index) in lane, in key order.
func (s *sorter) merge(lane []byte) (*mergeIter, error) {
	if err := s.finish(); err != nil {
		return nil, err
	}
	if !s.sorted {
		s.cur.sortIn(2) // nothing else runs: both cores
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
	it.h.init()
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
		it.h.down(0)
	default:
		last := len(it.h) - 1
		it.h[0] = it.h[last]
		it.h = it.h[:last]
		it.h.down(0)
	}
	return true
}

func (it *mergeIter) close() {
	for _, f := range it.files {
		_ = f.Close()
	}
}
