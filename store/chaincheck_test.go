package store

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// chunkedVerify verifies c in chunks as a check does, all in tx; a chain
// the check would not cut (planned false) it verifies in one go, as the
// check does.
func chunkedVerify(tx *Tx, c Chain) (n uint64, planned bool, err error) {
	r, ok := planChainCheck(tx, c)
	if !ok {
		n, err = c.Verify(tx)
		return n, false, err
	}
	if err := r.work(tx); err != nil {
		return 0, true, err
	}
	n, err = r.join(tx)
	return n, true, err
}

// R29: a chain verified in chunks (by the check's two workers) reports what
// Verify reports, entry for entry — the same first break, with the same
// reason, or the same number of entries — whatever was done to it: an
// entry edited, removed or re-linked at a chunk's first entry, the one
// before it or inside a chunk; keys that are no entry's number below,
// between and after the entries; entries spelled otherwise; entries added
// or cut off at the end, in the tail or before it; the head changed. The
// check itself (both workers, as the console runs it) says the same.
func TestChainChunksAgreeWithVerify(t *testing.T) {
	wasChunks, wasMin := chainChunks, chainChunkMin
	defer func() { chainChunks, chainChunkMin = wasChunks, wasMin }()
	chainChunks, chainChunkMin = 5, 10
	// 300 entries in one transaction, then five more one at a time (the
	// newest wait in the tail; Entries holds 1-300): chunks start at 1, 61,
	// 121, 181 and 241 (the test checks).
	build := func(t *testing.T) *DB {
		db := openTemp(t)
		payloads := make([]string, 300)
		for i := range payloads {
			payloads[i] = fmt.Sprintf("event %d", i)
		}
		appendPayloads(t, db, payloads)
		for i := range 5 {
			appendPayloads(t, db, []string{fmt.Sprintf("late %d", i)})
		}
		return db
	}
	get := func(tx *Tx, seq uint64) (Bucket, Entry) {
		for _, b := range []Bucket{tailChain.Entries, tailChain.Tail} {
			if e, err := Get[Entry](tx, b, U64(seq)); err == nil {
				return b, e
			}
		}
		t.Fatalf("no entry %d", seq)
		return "", Entry{}
	}
	edit := func(seq uint64) func(tx *Tx) error {
		return func(tx *Tx) error {
			b, e := get(tx, seq)
			e.Data = []byte(`"edited"`)
			return tx.PutRaw(b, U64(seq), encodeEntry(e))
		}
	}
	relink := func(seq uint64, rehash bool) func(tx *Tx) error {
		return func(tx *Tx) error {
			b, e := get(tx, seq)
			e.Prev = entryHash(1, genesis, []byte(`"elsewhere"`))
			if rehash {
				e.Hash = entryHash(e.Seq, e.Prev, e.Data)
			}
			return tx.PutRaw(b, U64(seq), encodeEntry(e))
		}
	}
	remove := func(seq uint64) func(tx *Tx) error {
		return func(tx *Tx) error {
			b, _ := get(tx, seq)
			return tx.Delete(b, U64(seq))
		}
	}
	stray := func(key []byte) func(tx *Tx) error {
		return func(tx *Tx) error {
			_, e := get(tx, 5)
			return tx.PutRaw(tailChain.Entries, key, encodeEntry(e))
		}
	}
	respell := func(seq uint64) func(tx *Tx) error {
		return func(tx *Tx) error {
			b, e := get(tx, seq)
			raw := fmt.Sprintf(`{"hash":%q, "seq":%d, "data":%s, "prev":%q}`, e.Hash, e.Seq, e.Data, e.Prev)
			return tx.PutRaw(b, U64(seq), []byte(raw))
		}
	}
	cases := map[string]func(tx *Tx) error{
		"sound":                           func(*Tx) error { return nil },
		"a chunk's first entry edited":    edit(61),
		"the entry before a chunk edited": edit(60),
		"an entry inside a chunk edited":  edit(100),
		"the first entry edited":          edit(1),
		"an entry in the tail edited":     edit(303),
		"a chunk's first entry removed":   remove(121),
		"the entry before a chunk gone":   remove(120),
		"the last entry before the tail":  remove(300),
		"the newest entry removed":        remove(305),
		"a chunk's first entry re-linked": relink(181, true),
		"re-linked and not re-hashed":     relink(181, false),
		"an entry inside re-linked":       relink(200, true),
		"a key below entry 1":             stray(U64(0)),
		"a short key":                     stray([]byte{0}),
		"a key between two entries":       stray(append(U64(60), 'x')),
		"a key after a chunk's first":     stray(append(U64(61), 'x')),
		"a key after every entry":         stray([]byte("zz")),
		"an entry past the head":          stray(U64(301)),
		"a chunk's first entry respelled": respell(241),
		"an entry inside respelled":       respell(250),
		"the head says one more": func(tx *Tx) error {
			return tx.PutRaw(MetaBucket, tailChain.headKey(), encodeHead(chainHead{Seq: 306, Hash: genesis}))
		},
		"the head gone": func(tx *Tx) error { return tx.Delete(MetaBucket, tailChain.headKey()) },
		"the tail moved into Entries": func(tx *Tx) error {
			return tx.Scan(tailChain.Tail, nil, nil, false, func(k, v []byte) (bool, error) {
				return true, tx.PutRaw(tailChain.Entries, bytes.Clone(k), bytes.Clone(v))
			})
		},
	}
	if err := build(t).View(func(tx *Tx) error {
		r, ok := planChainCheck(tx, tailChain)
		if !ok || fmt.Sprint(r.starts) != "[1 61 121 181 241]" {
			return fmt.Errorf("chunks start at %v (cut: %v)", r.starts, ok)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			db := build(t)
			if err := db.Update(tamper); err != nil {
				t.Fatal(err)
			}
			var n1, n2 uint64
			var e1, e2 error
			var planned bool
			if err := db.View(func(tx *Tx) error {
				n1, e1 = tailChain.Verify(tx)
				n2, planned, e2 = chunkedVerify(tx, tailChain)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			// A last key that is no entry's number leaves the chain whole.
			if planned != (name != "a key after every entry") {
				t.Fatalf("cut into chunks: %v", planned)
			}
			same := func(a, b error) bool {
				var ca, cb *ChainError
				if errors.As(a, &ca) && errors.As(b, &cb) {
					return *ca == *cb
				}
				return a == nil && b == nil
			}
			if !same(e1, e2) || (e1 == nil && n1 != n2) {
				t.Fatalf("Verify: %d, %v; in chunks: %d, %v", n1, e1, n2, e2)
			}
			if name == "sound" && (e1 != nil || n1 != 305) {
				t.Fatalf("the sound chain: %d, %v", n1, e1)
			}
			if name != "sound" && name != "a chunk's first entry respelled" && name != "an entry inside respelled" && e1 == nil {
				t.Fatalf("Verify passed a chain whose %s", name)
			}
			if cerr := db.Check(tailChain); !same(cerr, e1) {
				t.Fatalf("Verify: %v; the check, on two workers: %v", e1, cerr)
			}
		})
	}
}
