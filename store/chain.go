package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Chain is an append-only log whose entries are hash-chained: each entry's
// hash covers its number, its payload and the previous entry's hash, and the
// hash of the newest entry is kept apart as the head. Editing, deleting or
// reordering any entry, or cutting entries off the end, breaks the chain, and
// VerifyChain names the first entry where it breaks (R29).
type Chain struct {
	Entries Bucket // seq -> Entry
	Meta    Bucket // holds the head under HeadKey
	// Tail, if set, holds the newest entries (seq -> Entry) until they
	// move to Entries a page's worth at a time (chaintail.go).
	Tail Bucket
}

// Entry is one link of a chain.
type Entry struct {
	Seq  uint64          `json:"seq"`
	Prev string          `json:"prev"`
	Hash string          `json:"hash"`
	Data json.RawMessage `json:"data"`
}

type chainHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

func (c Chain) headKey() []byte { return []byte("chain_head:" + string(c.Entries)) }

// genesis is the "previous hash" of the first entry.
var genesis = hex.EncodeToString(make([]byte, sha256.Size))

func entryHash(seq uint64, prev string, data []byte) string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], seq)
	h.Write([]byte(prev))
	h.Write(n[:])
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// entryHashHex is entryHash into dst, without allocating.
func entryHashHex(dst *[sha256.Size * 2]byte, seq uint64, prev, data []byte) []byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], seq)
	h.Write(prev)
	h.Write(n[:])
	h.Write(data)
	var sum [sha256.Size]byte
	hex.Encode(dst[:], h.Sum(sum[:0]))
	return dst[:]
}

// rawEntry is an entry as stored, its parts slices of the stored bytes.
type rawEntry struct {
	seq              uint64
	prev, hash, data []byte
}

// parseEntry reads an entry as Append stores it — {"seq":N,"prev":"…",
// "hash":"…","data":…} — in place; anything else is decoded as JSON.
func parseEntry(v []byte) (rawEntry, bool) {
	if e, ok := splitEntry(v); ok && isHex(e.prev) && isHex(e.hash) {
		return e, true
	}
	var full Entry
	if err := json.Unmarshal(v, &full); err != nil {
		return rawEntry{}, false
	}
	return rawEntry{seq: full.Seq, prev: []byte(full.Prev), hash: []byte(full.Hash), data: full.Data}, true
}

// splitEntry cuts an entry spelled as Append stores it into its parts, in
// place, leaving the hashes unread: 19 digits at most (no wrapping past
// 2^64) and no leading zero, as JSON reads a number; anything else is left
// to encoding/json, which every reader of the chain uses (R29).
func splitEntry(v []byte) (e rawEntry, ok bool) {
	rest, ok := bytes.CutPrefix(v, []byte(`{"seq":`))
	i := 0
	for ok && i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && i < 19 {
		e.seq = e.seq*10 + uint64(rest[i]-'0')
		i++
	}
	const hexLen = sha256.Size * 2
	if !ok || i == 0 || (rest[0] == '0' && i > 1) {
		return e, false
	}
	rest, ok = bytes.CutPrefix(rest[i:], []byte(`,"prev":"`))
	if !ok || len(rest) <= hexLen {
		return e, false
	}
	e.prev, rest = rest[:hexLen], rest[hexLen:]
	rest, ok = bytes.CutPrefix(rest, []byte(`","hash":"`))
	if !ok || len(rest) <= hexLen {
		return e, false
	}
	e.hash, rest = rest[:hexLen], rest[hexLen:]
	rest, ok = bytes.CutPrefix(rest, []byte(`","data":`))
	if !ok || len(rest) <= 1 || rest[len(rest)-1] != '}' {
		return e, false
	}
	e.data = rest[:len(rest)-1]
	return e, true
}

// JSONAppender is a payload that encodes itself: AppendJSON appends the very
// bytes json.Marshal would make of it, or says false (then json.Marshal
// is used).
type JSONAppender interface {
	AppendJSON(b []byte) ([]byte, bool)
}

// Append adds payload (JSON-encoded) as the next entry and returns its number.
func (c Chain) Append(tx *Tx, payload any) (uint64, error) {
	var data []byte
	if a, ok := payload.(JSONAppender); ok {
		tx.scratch, ok = a.AppendJSON(tx.scratch[:0])
		data = tx.scratch
		if !ok {
			data = nil
		}
	}
	if data == nil {
		var err error
		if data, err = json.Marshal(payload); err != nil {
			return 0, err
		}
	}
	head, err := tx.chainHead(c)
	if err != nil {
		return 0, err
	}
	if head == nil {
		return c.appendOdd(tx, data)
	}
	seq := head.seq + 1
	var hash [sha256.Size * 2]byte
	entryHashHex(&hash, seq, head.hash[:], data)
	// Both hashes are hex (made here, or checked as the head was read):
	// the entry is written by hand, as encodeEntry would.
	entry := appendEntry(seq, head.hash[:], hash[:], data)
	into, err := c.entryBucket(tx, head, len(entry))
	if err != nil {
		return 0, err
	}
	if err := putAppend(tx, into, U64(seq), entry); err != nil {
		return 0, err
	}
	// The head is written once, as the transaction ends (or before anything
	// reads or writes where it lives): settleHeads.
	head.seq, head.hash, head.dirty = seq, hash, true
	tx.t.announce(seq)
	return seq, nil
}

// txHead is a chain's head as a transaction last wrote or read it: Append
// reads it once a transaction, not at every entry.
type txHead struct {
	c     Chain
	seq   uint64
	hash  [sha256.Size * 2]byte
	dirty bool // appended to since the head was last written
	// The chain's tail (chaintail.go): tailUsed is the room its entries
	// take once tailKnown; direct says the rest of the transaction's
	// entries go straight to Entries.
	tailKnown, direct bool
	tailUsed          int
}

// settleHeads writes the heads appended to of the chains whose head lives
// in bucket name ("": every chain's).
func (tx *Tx) settleHeads(name Bucket) error {
	for i := range tx.heads {
		h := &tx.heads[i]
		if h.dirty && (name == "" || h.c.Meta == name) {
			if err := tx.t.put(h.c.Meta, h.c.headKey(), encodeHead(chainHead{Seq: h.seq, Hash: string(h.hash[:])})); err != nil {
				return err
			}
			h.dirty = false
		}
	}
	return nil
}

// chainHead is c's head, remembered for the rest of the transaction; nil
// (and no error) when the stored head's hash is not the hex Append writes.
func (tx *Tx) chainHead(c Chain) (*txHead, error) {
	for i := range tx.heads {
		if tx.heads[i].c == c {
			return &tx.heads[i], nil
		}
	}
	if !tx.t.writable() {
		return nil, fmt.Errorf("store: write to %s in a read-only transaction", c.Entries)
	}
	head, err := c.head(tx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	h := txHead{c: c, seq: head.Seq}
	switch {
	case head.Seq == 0:
		copy(h.hash[:], genesis)
	case len(head.Hash) == len(h.hash) && isHex(head.Hash):
		copy(h.hash[:], head.Hash)
	default:
		return nil, nil // not as Append writes it: appendOdd
	}
	tx.heads = append(tx.heads, h)
	return &tx.heads[len(tx.heads)-1], nil
}

// forgetHeads drops the heads remembered for the chains whose head a write
// to (name, key) may change (key nil: the whole bucket).
func (tx *Tx) forgetHeads(name Bucket, key []byte) error {
	for _, h := range tx.heads {
		if h.c.Meta == name && (key == nil || string(key) == string(h.c.headKey())) {
			err := tx.settleHeads("")
			tx.heads = nil
			return err
		}
	}
	return nil
}

// appendOdd appends after a head whose hash is not hex (a damaged or edited
// file, which Verify reports): the entry chains to what the head says.
func (c Chain) appendOdd(tx *Tx, data []byte) (uint64, error) {
	head, err := c.head(tx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	e := Entry{Seq: head.Seq + 1, Prev: head.Hash, Data: data}
	e.Hash = entryHash(e.Seq, e.Prev, e.Data)
	if c.Tail != "" {
		if err := c.moveTail(tx); err != nil { // Entries, then Tail: in order
			return 0, err
		}
	}
	if err := tx.PutRaw(c.Entries, U64(e.Seq), encodeEntry(e)); err != nil {
		return 0, err
	}
	if err := tx.PutRaw(c.Meta, c.headKey(), encodeHead(chainHead{Seq: e.Seq, Hash: e.Hash})); err != nil {
		return 0, err
	}
	tx.t.announce(e.Seq)
	return e.Seq, nil
}

// appendEntry is encodeEntry of an entry whose hashes are hex.
func appendEntry(seq uint64, prev, hash, data []byte) []byte {
	b := make([]byte, 0, 32+len(prev)+len(hash)+len(data)+20)
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, `,"prev":"`...)
	b = append(b, prev...)
	b = append(b, `","hash":"`...)
	b = append(b, hash...)
	b = append(b, `","data":`...)
	b = append(b, data...)
	return append(b, '}')
}

// Entries and heads are written on every append: they are encoded by hand,
// the very bytes encoding/json makes of them (their strings are hex, which
// JSON writes as it is, and Data is already compact JSON from json.Marshal),
// without its reflection. Anything else goes through encoding/json.

// isHex reports whether s is lower-case hex digits, as a hash is written
// (so it holds no quote or escape). A check reads two hashes of every
// entry: a table and no branch per byte (a byte's two range tests cost
// the chain's verification about a second at 1.4M entries).
func isHex[T string | []byte](s T) bool {
	var bad byte
	for i := range len(s) {
		bad |= notHex[s[i]]
	}
	return bad == 0
}

// notHex is 1 for every byte that is not a lower-case hex digit.
var notHex = func() (t [256]byte) {
	for c := range t {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			t[c] = 1
		}
	}
	return t
}()

// encodeEntry encodes an entry whose Data came from json.Marshal.
func encodeEntry(e Entry) []byte {
	if !isHex(e.Prev) || !isHex(e.Hash) {
		raw, _ := json.Marshal(e)
		return raw
	}
	return appendEntry(e.Seq, []byte(e.Prev), []byte(e.Hash), e.Data)
}

func encodeHead(h chainHead) []byte {
	if !isHex(h.Hash) {
		raw, _ := json.Marshal(h)
		return raw
	}
	b := make([]byte, 0, 24+len(h.Hash))
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, h.Seq, 10)
	b = append(b, `,"hash":"`...)
	b = append(b, h.Hash...)
	return append(b, `"}`...)
}

// head reads the chain's head: in place when it is as encodeHead writes it.
func (c Chain) head(tx *Tx) (chainHead, error) {
	raw, err := tx.GetRaw(c.Meta, c.headKey())
	if err != nil {
		return chainHead{}, err
	}
	var h chainHead
	rest, ok := bytes.CutPrefix(raw, []byte(`{"seq":`))
	i := 0
	for ok && i < len(rest) && i < 19 && rest[i] >= '0' && rest[i] <= '9' {
		h.Seq = h.Seq*10 + uint64(rest[i]-'0')
		i++
	}
	if ok && i > 0 {
		if rest, ok = bytes.CutPrefix(rest[i:], []byte(`,"hash":"`)); ok {
			if hash, ok := bytes.CutSuffix(rest, []byte(`"}`)); ok && isHex(string(hash)) {
				h.Hash = string(hash)
				return h, nil
			}
		}
	}
	h = chainHead{}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, fmt.Errorf("store: chain head %s: %w", c.Entries, err)
	}
	return h, nil
}

// Len is the number of entries appended so far.
func (c Chain) Len(tx *Tx) uint64 {
	head, _ := Get[chainHead](tx, c.Meta, c.headKey())
	return head.Seq
}

// Get returns entry seq.
func (c Chain) Get(tx *Tx, seq uint64) (Entry, error) {
	e, err := Get[Entry](tx, c.Entries, U64(seq))
	if errors.Is(err, ErrNotFound) && c.Tail != "" {
		return Get[Entry](tx, c.Tail, U64(seq))
	}
	return e, err
}

// Scan visits entries newest first (reverse) or oldest first, starting at
// from (0 means the newest / the oldest), until fn returns false.
func (c Chain) Scan(tx *Tx, from uint64, reverse bool, fn func(Entry) (bool, error)) error {
	var start []byte
	if from != 0 {
		start = U64(from)
	}
	return c.scanEntries(tx, start, reverse, func(_, v []byte) (bool, error) {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return false, err
		}
		return fn(e)
	})
}

// ScanData visits every entry oldest first with its number and its payload
// read in place (valid only during fn; see parseEntry), until fn returns
// false: for a check that reads what the entries say without decoding the
// rest of each. An entry that is not one is an error naming it.
func (c Chain) ScanData(tx *Tx, fn func(seq uint64, data []byte) (bool, error)) error {
	return c.scanEntries(tx, nil, false, func(k, v []byte) (bool, error) {
		// The hashes are the chain check's to read, not this scan's.
		e, ok := splitEntry(v)
		if !ok {
			e, ok = parseEntry(v)
		}
		if !ok || len(k) != 8 || e.seq != ParseU64(k) {
			return false, &ChainError{Seq: ParseU64(k), Reason: "not an entry of the chain"}
		}
		return fn(e.seq, e.data)
	})
}

// ChainError names the first entry at which a chain does not verify.
type ChainError struct {
	Seq    uint64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// Verify recomputes the whole chain and returns the number of entries, or a
// *ChainError naming the first entry that does not match. Entries are read
// in place (parseEntry), without decoding their payloads: the cost is the
// hashing.
func (c Chain) Verify(tx *Tx) (uint64, error) {
	want := uint64(1)
	prev := []byte(genesis)
	var sum [sha256.Size * 2]byte
	// Progress against the number of events the head says there are.
	total, _ := Get[chainHead](tx, c.Meta, c.headKey())
	tell := func() {
		tx.Report(Progress{Phase: "verifying the audit chain", Step: StepChain, Done: int64(want - 1), Total: int64(total.Seq), Unit: "events"})
	}
	tell()
	err := c.scanEntries(tx, nil, false, func(k, v []byte) (bool, error) {
		if want%16384 == 0 {
			tell()
		}
		e, ok := parseEntry(v)
		if !ok {
			return false, &ChainError{Seq: want, Reason: "entry cannot be decoded"}
		}
		switch {
		case ParseU64(k) != want || e.seq != want:
			return false, &ChainError{Seq: want, Reason: "entry missing or out of order"}
		case !bytes.Equal(e.prev, prev):
			return false, &ChainError{Seq: want, Reason: "previous-hash link does not match"}
		case !bytes.Equal(entryHashHex(&sum, e.seq, e.prev, e.data), e.hash):
			return false, &ChainError{Seq: want, Reason: "content does not match its hash (edited)"}
		}
		prev = append(prev[:0], e.hash...)
		want++
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	n := want - 1
	head, herr := Get[chainHead](tx, c.Meta, c.headKey())
	if herr != nil && !errors.Is(herr, ErrNotFound) {
		return n, herr
	}
	if head.Seq != n || (n > 0 && head.Hash != string(prev)) {
		return n, &ChainError{Seq: n + 1, Reason: fmt.Sprintf("head says %d events, file holds %d (events cut off or added)", head.Seq, n)}
	}
	return n, nil
}
