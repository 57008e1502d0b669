package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
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
	if err := w.tree(m.root, 0); err != nil {
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
	buf     []byte   // a page-sized buffer for leaf pages, reused
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

// tree checks the page id and everything below it.
func (w *pageWalker) tree(id uint64, depth int) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: tree deeper than %d", id, maxTreeDepth)
	}
	if id < 2 || id >= w.meta.highWater {
		return fmt.Errorf("page %d: outside the file's pages (2..%d)", id, w.meta.highWater)
	}
	if w.mark(id) {
		return fmt.Errorf("page %d: reached twice", id)
	}
	if w.reached%4096 == 1 {
		report(w.ctx, Progress{Phase: "walking pages", Step: StepPages, Done: int64(w.reached), Total: int64(w.meta.highWater), Unit: "pages"})
	}
	// One read for the page; a second only for the pages that overflow it.
	if uint64(len(w.buf)) < w.meta.pageSize {
		w.buf = make([]byte, w.meta.pageSize)
	}
	buf := w.buf[:w.meta.pageSize]
	if _, err := w.f.ReadAt(buf, int64(id*w.meta.pageSize)); err != nil {
		return fmt.Errorf("page %d: %v", id, err)
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
	} else if holdsTrees(buf) {
		// The pages below reuse w.buf: keep this one apart.
		buf = bytes.Clone(buf)
	}
	return w.page(id, buf, depth)
}

// holdsTrees reports whether a page leads to other pages: a branch page, or a
// leaf page holding a bucket.
func holdsTrees(buf []byte) bool {
	flags := binary.LittleEndian.Uint16(buf[8:])
	if flags != leafPageFlag {
		return true
	}
	count := int(binary.LittleEndian.Uint16(buf[10:]))
	for i := 0; i < count && pageHeaderSize+(i+1)*elementSize <= len(buf); i++ {
		if binary.LittleEndian.Uint32(buf[pageHeaderSize+i*elementSize:])&bucketLeafFlag != 0 {
			return true
		}
	}
	return false
}

// page checks one page held in buf (a page of the file, or an inline
// bucket's page inside a value).
func (w *pageWalker) page(id uint64, buf []byte, depth int) error {
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
			if err := w.tree(binary.LittleEndian.Uint64(el[8:]), depth+1); err != nil {
				return err
			}
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
			if err := w.tree(root, depth+1); err != nil {
				return err
			}
		} else if err := w.page(id, value[bucketHeaderLen:], depth+1); err != nil {
			return err
		}
	}
	return nil
}
