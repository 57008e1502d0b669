package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
)

// sorter gathers the entries of a bulk load's deferred buckets and gives
// them back in key order: up to runBytes in memory, sorted and written to a
// run file beside the database whenever they pass it, all runs merged at the
// end. Memory stays bounded however large the load; the runs cost one write
// and one read of the deferred entries. The gathering, sorting and writing
// run on the bulk load's writer goroutine (the machine's second core): a
// committed transaction hands its entries over (pipe.sortLater) and goes on.
type sorter struct {
	dir    string
	limit  int // bytes kept in memory before a spill (runBytes)
	cur    runBuf
	sorted bool // cur is sorted for the merge (merge may be asked for each lane)
	runs   []string
	offs   []*[257]int64 // per run: where each bucket's entries start (by its index, the keys' first byte)
	bytes  int64         // keys and values added, in all
	count  [256]int64    // entries added per bucket
	sizes  [256]int64    // bytes (keys and values) added per bucket
	// err is the gathering's first error (set by the writer's goroutine,
	// read once it has ended or synced).
	err error
}

// runBuf is a run in memory: its entries' bytes and the entries.
type runBuf struct {
	arena []byte
	ents  []sortEnt
	// for sort: the groups' ends, and the entries' second place
	counts []uint32
	tmp    []sortEnt
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

// gather adds a committed transaction's deferred entries (on the bulk
// load's writer goroutine, bulkpipe.go); after a failure it adds no more,
// and err says why.
func (s *sorter) gather(p *pending) {
	if s.err == nil {
		s.err = s.addAll(p)
	}
}

// finish returns the error of the gathering, once the writer has ended.
func (s *sorter) finish() error { return s.err }

// addAll adds a transaction's entries, in the order first written, but
// those it deleted.
func (s *sorter) addAll(p *pending) error {
	p.runLater(-1)
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
	s.count[k[0]]++
	s.sizes[k[0]] += int64(len(k) + len(v))
	if len(r.arena) >= s.limit {
		return s.spill()
	}
	return nil
}

func (r *runBuf) key(e sortEnt) []byte { return r.arena[e.off : e.off+int(e.klen)] }
func (r *runBuf) value(e sortEnt) []byte {
	return r.arena[e.off+int(e.klen) : e.off+int(e.klen)+int(e.vlen)]
}

// radixBits: a run is first spread by its keys' first bytes (the bucket's
// index and the next two bytes: 19 bits while there are fewer than 8
// deferred buckets) into groups, each then sorted alone. A group fits in
// the processor's cache where the whole run does not, and each is a
// fraction of the run: the comparisons that remain are fewer and cheaper.
const radixBits = 19

func (r *runBuf) sort() { r.sortIn(1) }

// sortIn sorts the run in up to ways goroutines side by side, each over
// groups holding about as many entries: FinishBulk sorts the run still in
// memory while nothing else runs (a spill sorts in one, beside the code
// making records).
func (r *runBuf) sortIn(ways int) {
	if len(r.ents) < 1<<14 || !r.spread() {
		r.sortEnts(r.ents)
		return
	}
	if ways <= 1 {
		r.radixGroups(0, len(r.counts), 0)
		return
	}
	var wg sync.WaitGroup
	from, start := 0, uint32(0)
	for w := 1; w <= ways; w++ {
		to := len(r.counts)
		if w < ways {
			// The groups up to the w-th share of the entries.
			to = sort.Search(len(r.counts), func(g int) bool { return int(r.counts[g]) >= w*len(r.ents)/ways })
		}
		wg.Add(1)
		go func(from, to int, start uint32) {
			defer wg.Done()
			r.radixGroups(from, to, start)
		}(from, to, start)
		if to > 0 {
			start = r.counts[to-1]
		}
		from = to
	}
	wg.Wait()
}

// radixGroups sorts the groups [from, to) that spread made, the first of
// them starting at entry start.
func (r *runBuf) radixGroups(from, to int, start uint32) {
	for _, end := range r.counts[from:to] {
		if end-start > 1 {
			r.radix(r.ents[start:end], r.tmp[start:end], 3)
		}
		start = end
	}
}

// radixMin is the smallest group radix spreads further by a byte; smaller
// ones are sorted by comparison.
const radixMin = 64

// radix sorts ents (whose keys' first depth bytes are the same) by their
// byte at depth, then each group of those alike there by the next, as long
// as the bytes are in the prefixes (a key shorter than depth has a zero
// there, and sorts first in its group as bytes.Compare has it: the groups
// are finished by comparison). tmp is room for as many entries.
func (r *runBuf) radix(ents, tmp []sortEnt, depth int) {
	for len(ents) >= radixMin && depth < prefixLen {
		shift := 56 - 8*(depth&7)
		word := depth >> 3
		var counts [256]int
		for i := range ents {
			counts[byte(ents[i].pre[word]>>shift)]++
		}
		if counts[byte(ents[0].pre[word]>>shift)] == len(ents) {
			depth++ // all alike here: on to the next byte
			continue
		}
		var starts [256]int
		sum := 0
		for b, c := range counts {
			starts[b] = sum
			sum += c
		}
		next := starts
		for _, e := range ents {
			b := byte(e.pre[word] >> shift)
			tmp[next[b]] = e
			next[b]++
		}
		copy(ents, tmp)
		for b, c := range counts {
			if c > 1 {
				lo := starts[b]
				r.radix(ents[lo:lo+c], tmp[lo:lo+c], depth+1)
			}
		}
		return
	}
	if len(ents) > 1 {
		r.sortEnts(ents)
	}
}

// spread orders the entries by their keys' first radixBits bits (a
// counting sort) and leaves in counts where each group ends; false (and
// nothing moved) if a key's first bits do not fit.
func (r *runBuf) spread() bool {
	if r.counts == nil {
		r.counts = make([]uint32, 1<<radixBits)
	}
	clear(r.counts)
	for i := range r.ents {
		g := r.ents[i].pre[0] >> (64 - 24)
		if g >= 1<<radixBits {
			return false
		}
		r.counts[g]++
	}
	var sum uint32
	for g, c := range r.counts {
		r.counts[g] = sum
		sum += c
	}
	r.tmp = slices.Grow(r.tmp[:0], len(r.ents))[:len(r.ents)]
	for _, e := range r.ents {
		g := e.pre[0] >> (64 - 24)
		r.tmp[r.counts[g]] = e
		r.counts[g]++
	}
	r.ents, r.tmp = r.tmp, r.ents
	return true
}

func (r *runBuf) sortEnts(ents []sortEnt) {
	// Equal keys (an entry written twice, which FinishBulk refuses) need
	// no stable order: they only have to come out side by side.
	slices.SortFunc(ents, func(a, b sortEnt) int {
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
	offs, err := s.cur.write(name)
	if err != nil {
		return err
	}
	s.offs = append(s.offs, offs)
	s.cur.arena, s.cur.ents = s.cur.arena[:0], s.cur.ents[:0]
	return nil
}

// write sorts the run and writes it to a new file, and says where each
// bucket's entries start in it.
func (r *runBuf) write(name string) (offs *[257]int64, err error) {
	r.sort()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, FileMode)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	offs = new([257]int64)
	// Each entry is encoded straight into one buffer (a length, the key, a
	// length, the value), written a megabyte at a time: four small writes
	// through a bufio.Writer an entry cost more than the encoding.
	buf := make([]byte, 0, runWriteBytes+2*binary.MaxVarintLen64+1024)
	var at int64
	next := 0 // the first bucket whose start is not yet known
	for _, e := range r.ents {
		for b := int(r.arena[e.off]); next <= b; next++ {
			offs[next] = at + int64(len(buf))
		}
		buf = binary.AppendUvarint(buf, uint64(e.klen))
		buf = append(buf, r.key(e)...)
		buf = binary.AppendUvarint(buf, uint64(e.vlen))
		buf = append(buf, r.value(e)...)
		if len(buf) >= runWriteBytes {
			if _, err := f.Write(buf); err != nil {
				return nil, err
			}
			at += int64(len(buf))
			buf = buf[:0]
		}
	}
	if _, err := f.Write(buf); err != nil {
		return nil, err
	}
	at += int64(len(buf))
	for ; next <= 256; next++ {
		offs[next] = at
	}
	return offs, nil
}

// runWriteBytes is how much of a run is written at a time.
const runWriteBytes = 1 << 20

// close drops the runs.
func (s *sorter) close() {
	s.cur = runBuf{}
	removeRuns(s.dir)
}
