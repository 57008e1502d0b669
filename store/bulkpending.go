package store

import (
	"bytes"
	"hash/maphash"
)

// The writes of a bulk load's deferred buckets, held for one transaction
// (bulkload.go).

// pending holds the deferred buckets' writes of one transaction until it
// commits, in the order first written: keys and values in one arena, found
// again by a 64-bit hash of the sort key (a map of strings would allocate a
// string for every key and hash it again at every lookup). Its memory is
// reused from one transaction to the next.
//
// Only the entries of buckets the load has read (a get or a delete: say, a
// login looked up) are indexed as they are written; the others (the search
// words, written and never read back) are only appended, and the sorter's
// goroutine collapses any key such a transaction wrote twice (the last
// write wins), off the transaction's path.
type pending struct {
	seed  maphash.Seed
	read  *[256]bool // the deferred buckets (by index) the load has read
	arena []byte
	ents  []pendEnt
	index map[uint64]int32 // hash of a sort key -> its entry (the newest with that hash)
	loose int              // entries not indexed
	slots []collapseSlot   // collapse's table, kept for the next transaction
	// later are the puts the transaction left to be made (Tx.PutLater),
	// in order; laterIn marks the buckets (by index) that have some.
	later   []laterPut
	laterIn [256]bool
}

// laterPut is a Tx.PutLater of bucket b: fn makes its entries.
type laterPut struct {
	b  byte
	fn func(put func(k, v []byte))
}

type pendEnt struct {
	koff, klen, voff, vlen uint32
	next                   int32 // the next entry whose key has the same hash, or -1
	gone                   bool  // deleted in this transaction, or written again
	loose                  bool  // not in the index
}

func newPending(seed maphash.Seed, read *[256]bool) *pending {
	return &pending{seed: seed, read: read, index: map[uint64]int32{}}
}

func (p *pending) reset() {
	p.arena, p.ents, p.loose = p.arena[:0], p.ents[:0], 0
	clear(p.index)
	clear(p.later)
	p.later, p.laterIn = p.later[:0], [256]bool{}
}

// runLater makes the later puts of bucket b (of every bucket: b < 0), in
// the order they were asked, as entries written now. A transaction's own
// write or read of a bucket makes its later puts first, so its entries
// keep the order they were written in; the sorter's goroutine makes the
// rest once the transaction has committed.
func (p *pending) runLater(b int) {
	kept := p.later[:0]
	for _, l := range p.later {
		if b >= 0 && int(l.b) != b {
			kept = append(kept, l)
			continue
		}
		l.fn(func(k, v []byte) { p.appendLoose(l.b, k, v) })
	}
	clear(p.later[len(kept):])
	p.later = kept
	if b < 0 {
		p.laterIn = [256]bool{}
	} else {
		p.laterIn[b] = false
	}
}

func (p *pending) key(i int) []byte {
	e := p.ents[i]
	return p.arena[e.koff : e.koff+e.klen]
}

func (p *pending) value(i int) []byte {
	e := p.ents[i]
	return p.arena[e.voff : e.voff+e.vlen]
}

// find is the entry of sort key sk, or -1, and sk's hash. Its bucket is
// indexed from now on.
func (p *pending) find(sk []byte) (int, uint64) {
	if !p.read[sk[0]] {
		p.read[sk[0]] = true
		p.indexLoose(sk[0])
	}
	h := maphash.Bytes(p.seed, sk)
	i, ok := p.index[h]
	for ok && i >= 0 {
		if bytes.Equal(p.key(int(i)), sk) {
			return int(i), h
		}
		i = p.ents[i].next
	}
	return -1, h
}

// indexLoose indexes the entries of bucket b written so far, the later of
// two with one key taking the place of the earlier.
func (p *pending) indexLoose(b byte) {
	for i := range p.ents {
		e := &p.ents[i]
		if !e.loose || p.arena[e.koff] != b {
			continue
		}
		e.loose = false
		p.loose--
		sk := p.key(i)
		h := maphash.Bytes(p.seed, sk)
		head, ok := p.index[h]
		if !ok {
			head = -1
		}
		for j := head; j >= 0; j = p.ents[j].next {
			if !p.ents[j].gone && bytes.Equal(p.key(int(j)), sk) {
				p.ents[j].gone = true // written again: this one counts
			}
		}
		e.next = head
		p.index[h] = int32(i)
	}
}

// appendLoose adds an entry of bucket b, one the load has not read, without
// indexing it: its sort key (b, then key) and value written straight into
// the arena.
func (p *pending) appendLoose(b byte, key, v []byte) {
	koff := uint32(len(p.arena))
	p.arena = append(append(append(p.arena, b), key...), v...)
	klen := uint32(1 + len(key))
	p.ents = append(p.ents, pendEnt{koff: koff, klen: klen, voff: koff + klen, vlen: uint32(len(v)), next: -1, loose: true})
	p.loose++
}

func (p *pending) put(sk, v []byte) {
	voff := uint32(len(p.arena))
	if !p.read[sk[0]] {
		p.arena = append(append(p.arena, sk...), v...)
		p.ents = append(p.ents, pendEnt{koff: voff, klen: uint32(len(sk)), voff: voff + uint32(len(sk)), vlen: uint32(len(v)), next: -1, loose: true})
		p.loose++
		return
	}
	i, h := p.find(sk)
	if i >= 0 {
		p.arena = append(p.arena, v...)
		e := &p.ents[i]
		e.voff, e.vlen, e.gone = voff, uint32(len(v)), false
		return
	}
	next, ok := p.index[h]
	if !ok {
		next = -1
	}
	p.arena = append(p.arena, sk...)
	p.arena = append(p.arena, v...)
	p.ents = append(p.ents, pendEnt{koff: voff, klen: uint32(len(sk)), voff: voff + uint32(len(sk)), vlen: uint32(len(v)), next: next})
	p.index[h] = int32(len(p.ents) - 1)
}

// collapse marks gone every loose entry whose key a later loose entry
// wrote again (the sorter's goroutine, before it takes the entries). The
// later entries are found in a table of the pending's own, kept from one
// transaction to the next (open addressing, at most half full): a map
// made afresh each transaction cost more than the rest of the gathering.
func (p *pending) collapse() {
	if p.loose == 0 {
		return
	}
	var mask uint64
	p.slots, mask = emptySlots(p.slots, p.loose)
	for i := len(p.ents) - 1; i >= 0; i-- {
		e := &p.ents[i]
		if !e.loose {
			continue
		}
		sk := p.key(i)
		h := maphash.Bytes(p.seed, sk)
		for j := h & mask; ; j = (j + 1) & mask {
			sl := &p.slots[j]
			if sl.ent == 0 { // empty: the latest entry with this key
				sl.hash, sl.ent = h, int32(i)+1
				break
			}
			if sl.hash == h && bytes.Equal(p.key(int(sl.ent-1)), sk) {
				e.gone = true
				break
			}
		}
	}
}

// emptySlots returns slots as an empty open-addressing table with room
// for n keys at most half full (a power of two, so mask picks a slot),
// reusing its memory.
func emptySlots(slots []collapseSlot, n int) ([]collapseSlot, uint64) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(slots) < size {
		slots = make([]collapseSlot, size)
	}
	slots = slots[:size]
	clear(slots)
	return slots, uint64(size - 1)
}

// collapseSlot is a place in collapse's table: a key's hash and its
// entry's index plus one (0: empty).
type collapseSlot struct {
	hash uint64
	ent  int32
}
