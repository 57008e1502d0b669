package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// bbolt page layout: a 16-byte header (id, flags, count, overflow), then
// count 16-byte elements. Branch elements are (pos, ksize, child pgid); leaf
// elements are (flags, pos, ksize, vsize); pos counts from the element.
const (
	pageHeaderSize   = 16
	elementSize      = 16
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01
	bucketHeaderLen  = 16
	maxTreeDepth     = 64
)

// walkPages checks the structure of every page reachable from the newest
// meta page, reading the file with plain reads, never through bbolt's memory
// map: a damaged offset here is an error, where inside bbolt it would be a
// fault in a goroutine nothing can recover. It also checks the order of
// every key, as bbolt's own check (Tx.Check) does: keys ascend in each
// page, and each page's keys lie between the keys that lead to it (see
// order); walked.freePages then accounts for every page of the file.
// Together they check what bbolt's check checks, from the bytes this walk
// reads anyway (bbolt's took a second of CPU at a million users, most of it
// a cursor over every key of every bucket in search of nested buckets).
//
// The walk keeps every page it reached, overflow pages included, in file
// order: the pages bbolt reads for the records (see touchPages).
func walkPages(ctx context.Context, path string) (*walked, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		return nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	w := &pageWalker{f: f, meta: m, seen: make([]uint64, (m.highWater+63)/64), ctx: ctx, pages: new(atomic.Int64)}
	if err := w.walk(m.root); err != nil {
		return nil, fmt.Errorf("database %s %w: %v", path, ErrCorrupt, err)
	}
	reached := make([]uint64, 0, w.reached)
	for i, word := range w.seen {
		for ; word != 0; word &= word - 1 {
			reached = append(reached, uint64(i)*64+uint64(bits.TrailingZeros64(word)))
		}
	}
	return &walked{path: path, meta: m, seen: w.seen, reached: reached}, nil
}

// walked is what a walk found: the pages its trees reach.
type walked struct {
	path    string
	meta    metaPage
	seen    []uint64 // a bit for every page the trees reach
	reached []uint64 // the same pages in file order
}

// freePages accounts for every page of the file as bbolt's check does
// (Tx.Check): the freelist page and its overflow reached by no tree, no
// page freed twice, no page both reached and free, and every page below
// the high-water mark reached or free. It reads the freelist the newest
// meta names from the file (a file written without one, which bbolt
// rebuilds from what the trees reach, has nothing to account).
func (wk *walked) freePages() error {
	if err := wk.accountFree(); err != nil {
		return fmt.Errorf("database %s %w: %v", wk.path, ErrCorrupt, err)
	}
	return nil
}

func (wk *walked) accountFree() error {
	m := wk.meta
	if m.freelist == pgidNoFreelist {
		return nil
	}
	reached := func(id uint64) bool { return wk.seen[id/64]&(1<<(id%64)) != 0 }
	fl := m.freelist
	if fl < 2 || fl >= m.highWater {
		return fmt.Errorf("freelist page %d: outside the file's pages (2..%d)", fl, m.highWater)
	}
	f, err := os.Open(wk.path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, pageHeaderSize)
	if _, err := f.ReadAt(head, int64(fl*m.pageSize)); err != nil {
		return fmt.Errorf("freelist page %d: %v", fl, err)
	}
	if got := binary.LittleEndian.Uint64(head); got != fl {
		return fmt.Errorf("freelist page %d: says it is page %d", fl, got)
	}
	if flags := binary.LittleEndian.Uint16(head[8:]); flags != freelistPageFlag {
		return fmt.Errorf("freelist page %d: not a freelist page (flags %#x)", fl, flags)
	}
	overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
	if fl+overflow >= m.highWater {
		return fmt.Errorf("freelist page %d: overflows past the end", fl)
	}
	// A freelist names each page of the file at most once: 8 bytes a page,
	// and the count, beyond the header.
	if most := (pageHeaderSize+8*(m.highWater+1))/m.pageSize + 1; overflow+1 > most {
		return fmt.Errorf("freelist page %d: spans %d pages, more than a list of every page of the file takes (%d)", fl, overflow+1, most)
	}
	for id := fl; id <= fl+overflow; id++ {
		if reached(id) {
			return fmt.Errorf("page %d: multiple references (the freelist's page, and reached by a tree)", id)
		}
	}
	buf := make([]byte, (overflow+1)*m.pageSize)
	if _, err := f.ReadAt(buf, int64(fl*m.pageSize)); err != nil {
		return fmt.Errorf("freelist page %d: %v", fl, err)
	}
	// As bbolt reads it: past 0xFFFF ids the count is the first element.
	start, count := uint64(pageHeaderSize), uint64(binary.LittleEndian.Uint16(buf[10:]))
	if count == 0xFFFF {
		count = binary.LittleEndian.Uint64(buf[pageHeaderSize:])
		start += 8
	}
	if count > (uint64(len(buf))-start)/8 {
		return fmt.Errorf("freelist page %d: %d free pages do not fit", fl, count)
	}
	freed := make([]uint64, len(wk.seen))
	beyond := map[uint64]bool{} // free ids past the high-water mark (bbolt keeps them too)
	for k := range count {
		id := binary.LittleEndian.Uint64(buf[start+8*k:])
		if id >= m.highWater {
			if beyond[id] {
				return fmt.Errorf("page %d: already freed", id)
			}
			beyond[id] = true
			continue
		}
		word, bit := id/64, uint64(1)<<(id%64)
		if freed[word]&bit != 0 {
			return fmt.Errorf("page %d: already freed", id)
		}
		freed[word] |= bit
		if reached(id) {
			return fmt.Errorf("page %d: reachable freed", id)
		}
	}
	for id := uint64(2); id < m.highWater; id++ {
		word, bit := id/64, uint64(1)<<(id%64)
		if (wk.seen[word]|freed[word])&bit == 0 && (id < fl || id > fl+overflow) {
			return fmt.Errorf("page %d: unreachable unfreed", id)
		}
	}
	return nil
}

type pageWalker struct {
	f    *os.File
	meta metaPage
	// A bit for every page reached (a map cost a fifth of the walk), set
	// atomically: two walkers share it (see walk).
	seen     []uint64
	pages    *atomic.Int64 // pages reached by every walker, for progress
	reached  int           // pages this walker reached, overflow pages included
	buf      []byte        // the pages of one read, reused
	next     []walkItem    // the pages of the next level down, as found
	orderBuf []uint64      // a level's order in the file (fileOrder's buffer)
	keys     []byte        // every branch key read, for the bounds of the pages below
	ctx      context.Context
}

// walkItem is a page to visit and the bounds its keys must keep: at least
// lo, below hi (bbolt's minKeyClosed and maxKeyOpen).
type walkItem struct {
	id     uint64
	lo, hi keyRef
}

// keyRef is where a key is kept in pageWalker.keys (its length in four
// bytes, then the key); noBound is no bound (the root of a bucket's tree),
// which differs from an empty key.
type keyRef uint64

const noBound = ^keyRef(0)

// key is the key ref stands for (nil for no bound).
func (w *pageWalker) key(ref keyRef) []byte {
	if ref == noBound {
		return nil
	}
	n := uint64(binary.LittleEndian.Uint32(w.keys[ref:]))
	return w.keys[uint64(ref)+4 : uint64(ref)+4+n]
}

// keep copies key into w.keys.
func (w *pageWalker) keep(key []byte) keyRef {
	ref := keyRef(len(w.keys))
	w.keys = binary.LittleEndian.AppendUint32(w.keys, uint32(len(key)))
	w.keys = append(w.keys, key...)
	return ref
}

// mark records page id as reached and reports whether it already was.
func (w *pageWalker) mark(id uint64) (again bool) {
	bit := uint64(1) << (id % 64)
	again = atomic.OrUint64(&w.seen[id/64], bit)&bit != 0
	w.reached++
	if n := w.pages.Add(1); n%4096 == 1 {
		report(w.ctx, Progress{Phase: "walking pages", Step: StepPages, Done: n, Total: int64(w.meta.highWater), Unit: "pages"})
	}
	return again
}

// walk checks the tree from root down, a level at a time: each level's
// pages are read in file order, a run of neighbouring pages in one read
// (a page at a time, in tree order, cost a system call each and most of
// the walk's time). Once a level holds walkSplit pages, its first half in
// file order and its second are walked to the bottom side by side, by two
// walkers with buffers and keys of their own (the walk is the one part of
// a check that runs alone, and checking the order of every key made it
// twice as long): they share the bits of the pages reached, set
// atomically, so a page reached from both halves is still reached twice.
func (w *pageWalker) walk(root uint64) error {
	level, depth, err := w.levels([]walkItem{{id: root, lo: noBound, hi: noBound}}, 0, walkSplit)
	if err != nil || len(level) == 0 {
		return err
	}
	order, mask, err := w.fileOrder(level)
	if err != nil {
		return err
	}
	half := len(order) / 2
	var halves [2]*pageWalker
	var errs [2]error
	var wg sync.WaitGroup
	for k, part := range [2][]uint64{order[:half], order[half:]} {
		c := &pageWalker{f: w.f, meta: w.meta, seen: w.seen, pages: w.pages, ctx: w.ctx}
		items := make([]walkItem, len(part))
		for i, o := range part {
			it := level[o&mask]
			items[i] = walkItem{id: it.id, lo: c.keepRef(w, it.lo), hi: c.keepRef(w, it.hi)}
		}
		halves[k] = c
		wg.Go(func() { _, _, errs[k] = c.levels(items, depth, 0) })
	}
	wg.Wait()
	for _, c := range halves {
		w.reached += c.reached
	}
	return cmp.Or(errs[0], errs[1])
}

// walkSplit is how many pages a level holds before the walk goes on in two
// halves.
var walkSplit = 256

// keepRef copies the key ref stands for in from's keys into w's.
func (w *pageWalker) keepRef(from *pageWalker, ref keyRef) keyRef {
	if ref == noBound {
		return noBound
	}
	return w.keep(from.key(ref))
}

// levels walks level and the levels below it, from depth, and returns
// early, with the level it reached, once a level holds at least stop pages
// (0: never).
func (w *pageWalker) levels(level []walkItem, depth, stop int) ([]walkItem, int, error) {
	for ; len(level) > 0; depth++ {
		if stop > 0 && len(level) >= stop {
			return level, depth, nil
		}
		if depth > maxTreeDepth {
			return nil, depth, fmt.Errorf("page %d: tree deeper than %d", level[0].id, maxTreeDepth)
		}
		order, mask, err := w.fileOrder(level)
		if err != nil {
			return nil, depth, err
		}
		w.next = w.next[:0]
		for i := 0; i < len(order); {
			first := level[order[i]&mask].id
			n := 1
			for i+n < len(order) && n < walkRun && level[order[i+n]&mask].id == first+uint64(n) {
				n++
			}
			if err := w.run(level, order[i:i+n], mask); err != nil {
				return nil, depth, err
			}
			i += n
		}
		level, w.next = w.next, level
	}
	return nil, depth, nil
}

// fileOrder is the order of a level's pages in the file: each page's place
// in level (order[k]&mask), sorted by id. Each id is sorted with its place
// packed below it: sorting uint64s is several times faster than sorting
// the items, which carry their bounds, and the items are not moved. A page
// outside the file is refused here (its id would not pack).
func (w *pageWalker) fileOrder(level []walkItem) (order []uint64, mask uint64, err error) {
	for _, it := range level {
		if it.id < 2 || it.id >= w.meta.highWater {
			return nil, 0, fmt.Errorf("page %d: outside the file's pages (2..%d)", it.id, w.meta.highWater)
		}
	}
	order = w.orderBuf[:0]
	shift := bits.Len(uint(len(level)))
	if bits.Len64(w.meta.highWater)+shift > 64 { // past 2^32 pages: sort the items
		slices.SortFunc(level, func(a, b walkItem) int { return cmp.Compare(a.id, b.id) })
		for i := range level {
			order = append(order, uint64(i))
		}
		w.orderBuf = order
		return order, ^uint64(0), nil
	}
	for i, it := range level {
		order = append(order, it.id<<shift|uint64(i))
	}
	slices.Sort(order)
	w.orderBuf = order
	return order, 1<<shift - 1, nil
}

// walkRun is the most pages one read of the walk takes.
const walkRun = 64

// run checks the pages level[order[k]&mask], which follow one another in
// the file.
func (w *pageWalker) run(level []walkItem, order []uint64, mask uint64) error {
	first := level[order[0]&mask].id
	size := w.meta.pageSize
	need := uint64(len(order)) * size
	if uint64(len(w.buf)) < need {
		w.buf = make([]byte, walkRun*size)
	}
	buf := w.buf[:need]
	if n, err := w.f.ReadAt(buf, int64(first*size)); err != nil {
		return fmt.Errorf("page %d: %v", first+uint64(n)/size, err)
	}
	for k, o := range order {
		if err := w.visit(level[o&mask], buf[uint64(k)*size:uint64(k+1)*size]); err != nil {
			return err
		}
	}
	return nil
}

// maxPageSpan is the most pages one page of a file Latchkey wrote spans:
// bbolt keeps at least two elements on a page it splits, so two of the
// largest key and value, beside the header (the bulk load gives a large
// entry a page of its own).
func maxPageSpan(pageSize uint64) uint64 {
	const maxKeySize = 32768 // bbolt's MaxKeySize
	return (pageHeaderSize+2*(elementSize+maxKeySize+MaxValueSize))/pageSize + 1
}

// visit checks the page it.id, read into buf (its first page), and queues
// the pages below it.
func (w *pageWalker) visit(it walkItem, buf []byte) error {
	id := it.id
	if w.mark(id) {
		return fmt.Errorf("page %d: reached twice", id)
	}
	overflow := uint64(binary.LittleEndian.Uint32(buf[12:]))
	if binary.LittleEndian.Uint64(buf) != id {
		return fmt.Errorf("page %d: says it is page %d", id, binary.LittleEndian.Uint64(buf))
	}
	if id+overflow >= w.meta.highWater {
		return fmt.Errorf("page %d: overflows past the end", id)
	}
	if most := maxPageSpan(w.meta.pageSize); overflow+1 > most {
		// Read whole, a damaged count could ask for gigabytes.
		return fmt.Errorf("page %d: spans %d pages, more than any page Latchkey writes (%d)", id, overflow+1, most)
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
	return w.page(id, buf, it.lo, it.hi, true)
}

// page checks one page held in buf (a page of the file, or an inline
// bucket's page inside a value) and, if ordered, the order of its keys
// within lo and hi (bbolt's check leaves an inline bucket's keys alone).
func (w *pageWalker) page(id uint64, buf []byte, lo, hi keyRef, ordered bool) error {
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
	var prev []byte
	for i := range count {
		at := pageHeaderSize + i*elementSize
		el := buf[at : at+elementSize]
		if flags == branchPageFlag {
			pos, ksize := uint64(binary.LittleEndian.Uint32(el)), uint64(binary.LittleEndian.Uint32(el[4:]))
			if at+pos+ksize > uint64(len(buf)) {
				return fmt.Errorf("page %d: key %d out of bounds", id, i)
			}
			key := buf[at+pos : at+pos+ksize]
			if err := w.order(id, i, count, key, prev, lo, hi); err != nil {
				return err
			}
			prev = key
			// The child's keys lie from this key up to the next one (or
			// this page's own bound, for the last): set as the next is read.
			ref := w.keep(key)
			if i > 0 {
				w.next[len(w.next)-1].hi = ref
			}
			w.next = append(w.next, walkItem{id: binary.LittleEndian.Uint64(el[8:]), lo: ref, hi: hi})
			continue
		}
		eflags := binary.LittleEndian.Uint32(el)
		pos, ksize := uint64(binary.LittleEndian.Uint32(el[4:])), uint64(binary.LittleEndian.Uint32(el[8:]))
		vsize := uint64(binary.LittleEndian.Uint32(el[12:]))
		end := at + pos + ksize + vsize
		if end > uint64(len(buf)) {
			return fmt.Errorf("page %d: element %d out of bounds", id, i)
		}
		if ordered {
			key := buf[at+pos : at+pos+ksize]
			if err := w.order(id, i, count, key, prev, lo, hi); err != nil {
				return err
			}
			prev = key
		}
		if eflags&bucketLeafFlag == 0 {
			continue
		}
		value := buf[at+pos+ksize : end]
		if len(value) < bucketHeaderLen {
			return fmt.Errorf("page %d: bucket %d header cut short", id, i)
		}
		if root := binary.LittleEndian.Uint64(value); root != 0 {
			w.next = append(w.next, walkItem{id: root, lo: noBound, hi: noBound})
		} else if err := w.page(id, value[bucketHeaderLen:], noBound, noBound, false); err != nil {
			return err
		}
	}
	return nil
}

// order checks key i of the count keys of page id as bbolt's check does
// (recursivelyCheckPageKeyOrder): the first key at least the key that led
// to the page (lo), each key above the one before, every key below the
// parent's next key (hi) — which, the keys ascending, the last one
// answers for all. bbolt compares a branch page's key with the greatest
// key below the one before rather than with that key itself: the greatest
// key below is itself bounded by this key (it is checked below hi there),
// so a file it fails fails here too.
func (w *pageWalker) order(id, i, count uint64, key, prev []byte, lo, hi keyRef) error {
	if i == 0 {
		if lo != noBound && bytes.Compare(w.key(lo), key) > 0 {
			return fmt.Errorf("page %d: first key %x is below the key that leads to the page, %x", id, key, w.key(lo))
		}
	} else if bytes.Compare(prev, key) >= 0 {
		return fmt.Errorf("page %d: key %d (%x) is not above the key before it (%x)", id, i, key, prev)
	}
	if i == count-1 && hi != noBound && bytes.Compare(key, w.key(hi)) >= 0 {
		return fmt.Errorf("page %d: key %d (%x) is not below the key after the page's, %x", id, i, key, w.key(hi))
	}
	return nil
}
