package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"sync"
)

// The pages of a bulk load's deferred buckets, written straight into the
// file (bulkfinish.go). Their entries come out of the merge in key order
// into buckets that are empty, so the B+tree bbolt would make of them is
// known in advance: leaves filled in order, then the branch pages above
// them, level by level. Put through bbolt, every entry cost a search from
// the bucket's root and a place in a growing node, and every page a commit
// (about 10 s of CPU at a million users); written here, a page costs a
// copy. The layout is bbolt's own (the same one pagewalk.go reads and
// checks): a page header, its elements, then the keys and values; pages
// are appended past the file's high-water mark, each bucket's entry in
// the root tree is pointed at its new root, and a new meta page makes it
// all one transaction more than the file had. bbolt does not have the
// file open meanwhile.

// metaPageFlag marks a meta page.
const metaPageFlag = 0x04

// pageFlushBytes is how many bytes of pages a packer gathers before it
// writes them.
const pageFlushBytes = 4 << 20

// pageWriter hands out page ids past the file's high-water mark and writes
// the pages given them; two lanes share one.
type pageWriter struct {
	f    *os.File
	ps   int
	mu   sync.Mutex
	next uint64 // the next page id to hand out: the new high-water mark
}

// alloc hands out n consecutive page ids.
func (w *pageWriter) alloc(n int) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	id := w.next
	w.next += uint64(n)
	return id
}

// keyList is a list of keys in one arena, each with a page id.
type keyList struct {
	arena []byte
	ends  []int
	ids   []uint64
}

func (l *keyList) add(k []byte, id uint64) {
	l.arena = append(l.arena, k...)
	l.ends = append(l.ends, len(l.arena))
	l.ids = append(l.ids, id)
}

func (l *keyList) key(i int) []byte {
	start := 0
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.arena[start:l.ends[i]]
}

// pageEnt is an entry of the page being packed: its key and value (a
// leaf's) or child (a branch's).
type pageEnt struct {
	klen, vlen uint32
	child      uint64
}

// packer packs one level of a tree into pages, in key order.
type packer struct {
	w      *pageWriter
	flags  uint16 // leafPageFlag or branchPageFlag
	out    []byte // whole pages, not yet written
	starts []int  // where each page of out starts
	firsts keyList
	// done: every page written, with its first key (what the level above
	// points at).
	done keyList
	// the page being packed
	data []byte
	ents []pageEnt
	size int
}

func newPacker(w *pageWriter, flags uint16) *packer { return &packer{w: w, flags: flags} }

// add puts an entry after the last; a page is closed when the entry would
// not fit in it (an entry too large for any page gets a page of its own,
// with overflow pages, as bbolt gives it).
func (p *packer) add(k, v []byte, child uint64) error {
	need := elementSize + len(k) + len(v)
	if len(p.ents) > 0 && p.size+need > p.w.ps {
		if err := p.closePage(); err != nil {
			return err
		}
	}
	if len(p.ents) == 0 {
		p.size = pageHeaderSize
		p.firsts.add(k, 0)
	}
	p.ents = append(p.ents, pageEnt{klen: uint32(len(k)), vlen: uint32(len(v)), child: child})
	p.data = append(append(p.data, k...), v...)
	p.size += need
	return nil
}

// closePage writes the page being packed into out (its id comes at flush).
func (p *packer) closePage() error {
	le := binary.LittleEndian
	ps := p.w.ps
	n := (p.size + ps - 1) / ps
	start := len(p.out)
	if need := start + n*ps; need > cap(p.out) {
		grown := make([]byte, start, max(need, 2*cap(p.out), pageFlushBytes+ps))
		copy(grown, p.out)
		p.out = grown
	}
	p.out = p.out[:start+n*ps]
	pg := p.out[start:]
	clear(pg)
	le.PutUint16(pg[8:], p.flags)
	le.PutUint16(pg[10:], uint16(len(p.ents)))
	le.PutUint32(pg[12:], uint32(n-1))
	off, from := pageHeaderSize+len(p.ents)*elementSize, 0
	for i, e := range p.ents {
		at := pageHeaderSize + i*elementSize
		el := pg[at : at+elementSize]
		if p.flags == leafPageFlag {
			le.PutUint32(el[4:], uint32(off-at))
			le.PutUint32(el[8:], e.klen)
			le.PutUint32(el[12:], e.vlen)
		} else {
			le.PutUint32(el[0:], uint32(off-at))
			le.PutUint32(el[4:], e.klen)
			le.PutUint64(el[8:], e.child)
		}
		sz := int(e.klen + e.vlen)
		copy(pg[off:], p.data[from:from+sz])
		off, from = off+sz, from+sz
	}
	p.starts = append(p.starts, start)
	p.ents, p.data = p.ents[:0], p.data[:0]
	if len(p.out) >= pageFlushBytes {
		return p.flush()
	}
	return nil
}

// flush gives the pages in out their ids and writes them.
func (p *packer) flush() error {
	if len(p.out) == 0 {
		return nil
	}
	ps := p.w.ps
	base := p.w.alloc(len(p.out) / ps)
	for i, s := range p.starts {
		id := base + uint64(s/ps)
		binary.LittleEndian.PutUint64(p.out[s:], id)
		p.done.add(p.firsts.key(i), id)
	}
	p.firsts = keyList{arena: p.firsts.arena[:0], ends: p.firsts.ends[:0], ids: p.firsts.ids[:0]}
	_, err := p.w.f.WriteAt(p.out, int64(base)*int64(ps))
	p.out, p.starts = p.out[:0], p.starts[:0]
	return err
}

// finish writes what is left of the level.
func (p *packer) finish() error {
	if len(p.ents) > 0 {
		if err := p.closePage(); err != nil {
			return err
		}
	}
	return p.flush()
}

// treeBuilder writes one bucket's tree: its leaves as the entries come, then
// the branches above them.
type treeBuilder struct {
	leaves *packer
	count  int64
}

func newTreeBuilder(w *pageWriter) *treeBuilder {
	return &treeBuilder{leaves: newPacker(w, leafPageFlag)}
}

// reset starts another bucket, keeping the buffers.
func (t *treeBuilder) reset() {
	p := t.leaves
	p.done = keyList{arena: p.done.arena[:0], ends: p.done.ends[:0], ids: p.done.ids[:0]}
	t.count = 0
}

func (t *treeBuilder) add(k, v []byte) error {
	t.count++
	return t.leaves.add(k, v, 0)
}

// root writes the rest of the tree and returns its root page.
func (t *treeBuilder) root() (uint64, error) {
	if err := t.leaves.finish(); err != nil {
		return 0, err
	}
	level := t.leaves.done
	for len(level.ids) > 1 {
		bp := newPacker(t.leaves.w, branchPageFlag)
		for i := range level.ids {
			if err := bp.add(level.key(i), nil, level.ids[i]); err != nil {
				return 0, err
			}
		}
		if err := bp.finish(); err != nil {
			return 0, err
		}
		level = bp.done
	}
	if len(level.ids) == 0 {
		return 0, errors.New("store: bulk load: a bucket with no pages")
	}
	return level.ids[0], nil
}

// readPage reads page id (with its overflow pages) of a file of page size ps.
func readPage(f *os.File, ps int, id uint64) ([]byte, error) {
	head := make([]byte, ps)
	if _, err := f.ReadAt(head, int64(id)*int64(ps)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	if binary.LittleEndian.Uint64(head) != id {
		return nil, fmt.Errorf("page %d names itself %d", id, binary.LittleEndian.Uint64(head))
	}
	over := int(binary.LittleEndian.Uint32(head[12:]))
	if over == 0 {
		return head, nil
	}
	pg := make([]byte, (1+over)*ps)
	if _, err := f.ReadAt(pg, int64(id)*int64(ps)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return pg, nil
}

// rebindBuckets points the entries of the root tree (from page root) of the
// buckets named in roots at their new root pages. Each must be an empty
// inline bucket (as CreateBucket makes it): its entry's value (header and
// empty inline page) shrinks to the header, so the leaf holding it is
// rewritten in place.
func rebindBuckets(f *os.File, ps int, root uint64, roots map[string]uint64) error {
	found := 0
	var walk func(id uint64, depth int) error
	walk = func(id uint64, depth int) error {
		if depth > maxTreeDepth {
			return errors.New("store: bulk load: the root tree is too deep")
		}
		pg, err := readPage(f, ps, id)
		if err != nil {
			return err
		}
		le := binary.LittleEndian
		flags, count := le.Uint16(pg[8:]), int(le.Uint16(pg[10:]))
		if pageHeaderSize+count*elementSize > len(pg) {
			return fmt.Errorf("page %d: %d elements do not fit", id, count)
		}
		if flags == branchPageFlag {
			for i := range count {
				if err := walk(le.Uint64(pg[pageHeaderSize+i*elementSize+8:]), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if flags != leafPageFlag {
			return fmt.Errorf("page %d of the root tree is neither branch nor leaf", id)
		}
		type kv struct {
			flags uint32
			k, v  []byte
		}
		ents := make([]kv, count)
		changed := false
		for i := range count {
			at := pageHeaderSize + i*elementSize
			el := pg[at:]
			pos, ks, vs := int(le.Uint32(el[4:])), int(le.Uint32(el[8:])), int(le.Uint32(el[12:]))
			if at+pos+ks+vs > len(pg) {
				return fmt.Errorf("page %d: element %d runs past the page", id, i)
			}
			e := kv{flags: le.Uint32(el), k: pg[at+pos : at+pos+ks], v: pg[at+pos+ks : at+pos+ks+vs]}
			if r, ok := roots[string(e.k)]; ok && e.flags&bucketLeafFlag != 0 {
				// An empty inline bucket: header (root 0, sequence), then
				// an inline page of no elements.
				if len(e.v) < bucketHeaderLen+pageHeaderSize || le.Uint64(e.v) != 0 ||
					le.Uint16(e.v[bucketHeaderLen+10:]) != 0 {
					return fmt.Errorf("store: bulk load: bucket %s is not empty", e.k)
				}
				nv := make([]byte, bucketHeaderLen)
				le.PutUint64(nv, r)
				copy(nv[8:], e.v[8:16])
				e.v = nv
				changed = true
				found++
			}
			ents[i] = e
		}
		if !changed {
			return nil
		}
		out := make([]byte, len(pg))
		copy(out, pg[:pageHeaderSize])
		off := pageHeaderSize + count*elementSize
		for i, e := range ents {
			at := pageHeaderSize + i*elementSize
			le.PutUint32(out[at:], e.flags)
			le.PutUint32(out[at+4:], uint32(off-at))
			le.PutUint32(out[at+8:], uint32(len(e.k)))
			le.PutUint32(out[at+12:], uint32(len(e.v)))
			off += copy(out[off:], e.k)
			off += copy(out[off:], e.v)
		}
		_, err = f.WriteAt(out, int64(id)*int64(ps))
		return err
	}
	if err := walk(root, 0); err != nil {
		return err
	}
	if found != len(roots) {
		return fmt.Errorf("store: bulk load: %d of %d deferred buckets found in the root tree", found, len(roots))
	}
	return nil
}

// writeMeta commits what was written: a meta page one transaction newer
// than m (the file's newest), with the new high-water mark, in the other
// slot (bbolt writes transaction t's meta to page t%2).
func writeMeta(f *os.File, m metaPage, highWater uint64) error {
	ps := int64(m.pageSize)
	b := make([]byte, metaLen)
	if _, err := f.ReadAt(b, int64(m.txid%2)*ps); err != nil {
		return err
	}
	if cur, ok := parseMeta(b); !ok || cur.txid != m.txid {
		return errors.New("store: bulk load: the newest meta page is not where bbolt writes it")
	}
	le := binary.LittleEndian
	txid := m.txid + 1
	le.PutUint64(b[0:], txid%2)
	le.PutUint16(b[8:], metaPageFlag)
	le.PutUint64(b[metaOffPgid:], highWater)
	le.PutUint64(b[metaOffTxid:], txid)
	h := fnv.New64a()
	h.Write(b[metaOffMagic:metaOffChecksum])
	le.PutUint64(b[metaOffChecksum:], h.Sum64())
	_, err := f.WriteAt(b, int64(txid%2)*ps)
	return err
}
