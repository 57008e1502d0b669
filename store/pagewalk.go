package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"slices"
)

// bbolt page layout: a 16-byte header (id, flags, count, overflow), then
// count 16-byte elements. Branch elements are (pos, ksize, child pgid); leaf
// elements are (flags, pos, ksize, vsize); pos counts from the element.
const (
	pageHeaderSize  = 16
	elementSize     = 16
	branchPageFlag  = 0x01
	leafPageFlag    = 0x02
	bucketLeafFlag  = 0x01
	bucketHeaderLen = 16
	maxTreeDepth    = 64
)

// walkPages checks the structure of every page reachable from the newest
// meta page, reading the file with plain reads, never through bbolt's memory
// map: a damaged offset here is an error, where inside bbolt it would be a
// fault in a goroutine nothing can recover. bbolt's own check, which also
// compares keys and accounts for free pages, runs only on a file that passes.
//
// It returns every page it reached, overflow pages included, in file order:
// the pages bbolt reads for the records (see touchPages).
func walkPages(ctx context.Context, path string) ([]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		return nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	w := &pageWalker{f: f, meta: m, seen: make([]uint64, (m.highWater+63)/64), ctx: ctx}
	if err := w.walk(m.root); err != nil {
		return nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	reached := make([]uint64, 0, w.reached)
	for i, word := range w.seen {
		for ; word != 0; word &= word - 1 {
			reached = append(reached, uint64(i)*64+uint64(bits.TrailingZeros64(word)))
		}
	}
	return reached, nil
}

type pageWalker struct {
	f       *os.File
	meta    metaPage
	seen    []uint64 // a bit for every page reached (a map cost a fifth of the walk)
	reached int      // pages reached, overflow pages included
	buf     []byte   // the pages of one read, reused
	next    []uint64 // the pages of the next level down, as found
	ctx     context.Context
}

// mark records page id as reached and reports whether it already was.
func (w *pageWalker) mark(id uint64) (again bool) {
	word, bit := id/64, uint64(1)<<(id%64)
	again = w.seen[word]&bit != 0
	w.seen[word] |= bit
	w.reached++
	return again
}

// walk checks the tree from root down, a level at a time: each level's
// pages are read in file order, a run of neighbouring pages in one read
// (a page at a time, in tree order, cost a system call each and most of
// the walk's time).
func (w *pageWalker) walk(root uint64) error {
	level := []uint64{root}
	for depth := 0; len(level) > 0; depth++ {
		if depth > maxTreeDepth {
			return fmt.Errorf("page %d: tree deeper than %d", level[0], maxTreeDepth)
		}
		slices.Sort(level)
		w.next = w.next[:0]
		for i := 0; i < len(level); {
			n := 1
			for i+n < len(level) && n < walkRun && level[i+n] == level[i]+uint64(n) {
				n++
			}
			if err := w.run(level[i : i+n]); err != nil {
				return err
			}
			i += n
		}
		level, w.next = w.next, level
	}
	return nil
}

// walkRun is the most pages one read of the walk takes.
const walkRun = 64

// run checks the pages ids, which follow one another in the file.
func (w *pageWalker) run(ids []uint64) error {
	for _, id := range ids {
		if id < 2 || id >= w.meta.highWater {
			return fmt.Errorf("page %d: outside the file's pages (2..%d)", id, w.meta.highWater)
		}
	}
	size := w.meta.pageSize
	need := uint64(len(ids)) * size
	if uint64(len(w.buf)) < need {
		w.buf = make([]byte, walkRun*size)
	}
	buf := w.buf[:need]
	if n, err := w.f.ReadAt(buf, int64(ids[0]*size)); err != nil {
		return fmt.Errorf("page %d: %v", ids[0]+uint64(n)/size, err)
	}
	for k, id := range ids {
		if err := w.visit(id, buf[uint64(k)*size:uint64(k+1)*size]); err != nil {
			return err
		}
	}
	return nil
}

// visit checks the page id, read into buf (its first page), and queues the
// pages below it.
func (w *pageWalker) visit(id uint64, buf []byte) error {
	if w.mark(id) {
		return fmt.Errorf("page %d: reached twice", id)
	}
	if w.reached%4096 == 1 {
		report(w.ctx, Progress{Phase: "walking pages", Step: StepPages, Done: int64(w.reached), Total: int64(w.meta.highWater), Unit: "pages"})
	}
	overflow := uint64(binary.LittleEndian.Uint32(buf[12:]))
	if binary.LittleEndian.Uint64(buf) != id {
		return fmt.Errorf("page %d: says it is page %d", id, binary.LittleEndian.Uint64(buf))
	}
	if id+overflow >= w.meta.highWater {
		return fmt.Errorf("page %d: overflows past the end", id)
	}
	for o := id + 1; o <= id+overflow; o++ {
		if w.mark(o) {
			return fmt.Errorf("page %d: overflows into page %d, reached before", id, o)
		}
	}
	if overflow > 0 {
		buf = make([]byte, (overflow+1)*w.meta.pageSize)
		if _, err := w.f.ReadAt(buf, int64(id*w.meta.pageSize)); err != nil {
			return fmt.Errorf("page %d: %v", id, err)
		}
	}
	return w.page(id, buf)
}

// page checks one page held in buf (a page of the file, or an inline
// bucket's page inside a value).
func (w *pageWalker) page(id uint64, buf []byte) error {
	if len(buf) < pageHeaderSize {
		return fmt.Errorf("page %d: shorter than its header", id)
	}
	flags := binary.LittleEndian.Uint16(buf[8:])
	count := uint64(binary.LittleEndian.Uint16(buf[10:]))
	if flags != branchPageFlag && flags != leafPageFlag {
		return fmt.Errorf("page %d: neither a branch nor a leaf (flags %#x)", id, flags)
	}
	if pageHeaderSize+count*elementSize > uint64(len(buf)) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	for i := range count {
		at := pageHeaderSize + i*elementSize
		el := buf[at : at+elementSize]
		if flags == branchPageFlag {
			pos, ksize := uint64(binary.LittleEndian.Uint32(el)), uint64(binary.LittleEndian.Uint32(el[4:]))
			if at+pos+ksize > uint64(len(buf)) {
				return fmt.Errorf("page %d: key %d out of bounds", id, i)
			}
			w.next = append(w.next, binary.LittleEndian.Uint64(el[8:]))
			continue
		}
		eflags := binary.LittleEndian.Uint32(el)
		pos, ksize := uint64(binary.LittleEndian.Uint32(el[4:])), uint64(binary.LittleEndian.Uint32(el[8:]))
		vsize := uint64(binary.LittleEndian.Uint32(el[12:]))
		end := at + pos + ksize + vsize
		if end > uint64(len(buf)) {
			return fmt.Errorf("page %d: element %d out of bounds", id, i)
		}
		if eflags&bucketLeafFlag == 0 {
			continue
		}
		value := buf[at+pos+ksize : end]
		if len(value) < bucketHeaderLen {
			return fmt.Errorf("page %d: bucket %d header cut short", id, i)
		}
		if root := binary.LittleEndian.Uint64(value); root != 0 {
			w.next = append(w.next, root)
		} else if err := w.page(id, value[bucketHeaderLen:]); err != nil {
			return err
		}
	}
	return nil
}
