package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The chain's entries and head are encoded by hand on every append: the
// bytes must be exactly what encoding/json makes of them, or an old reader
// and the hash over them would disagree (R29).
func TestChainEncodingIsEncodingJSONs(t *testing.T) {
	payloads := []any{
		map[string]any{"actor": "dana", "detail": "<script>&amp; \u2028 \u2029 \n\t\"quoted\" Łukasiewicz Núñez 日本"},
		[]int{1, 2, 3},
		"plain",
		struct {
			A string `json:"a,omitempty"`
			B uint64 `json:"b"`
		}{B: 1 << 63},
	}
	for i, p := range payloads {
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		e := Entry{Seq: uint64(i) * 1_000_003, Prev: genesis, Data: data}
		e.Hash = entryHash(e.Seq, e.Prev, e.Data)
		want, _ := json.Marshal(e)
		if got := encodeEntry(e); !bytes.Equal(got, want) {
			t.Errorf("entry %d: %s, encoding/json %s", i, got, want)
		}
		h := chainHead{Seq: e.Seq, Hash: e.Hash}
		want, _ = json.Marshal(h)
		if got := encodeHead(h); !bytes.Equal(got, want) {
			t.Errorf("head %d: %s, encoding/json %s", i, got, want)
		}
		// A hash that is not lower-case hex goes through encoding/json.
		odd := Entry{Seq: 1, Prev: `a"b`, Hash: "\\", Data: data}
		want, _ = json.Marshal(odd)
		if got := encodeEntry(odd); !bytes.Equal(got, want) {
			t.Errorf("odd entry %d: %s, encoding/json %s", i, got, want)
		}
	}
}

// The head is read back whether it was written by hand or by encoding/json
// in another layout.
func TestChainHeadReadsEitherLayout(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "head.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := Chain{Entries: "log", Meta: MetaBucket}
	for _, raw := range []string{`{"seq":42,"hash":"00ff"}`, `{"hash":"00ff","seq":42}`, `{ "seq": 42, "hash": "00ff" }`} {
		var got chainHead
		err := db.Update(func(tx *Tx) error {
			if err := tx.PutRaw(c.Meta, c.headKey(), []byte(raw)); err != nil {
				return err
			}
			got, err = c.head(tx)
			return err
		})
		if err != nil || got != (chainHead{Seq: 42, Hash: "00ff"}) {
			t.Errorf("%s read as %+v, %v", raw, got, err)
		}
	}
}

// R29: a chain's head is written once as the transaction ends, but the
// transaction itself (its length, a read of the head, a scan of where it
// lives) always sees the head of the entries it appended, and so does the
// next transaction.
func TestChainHeadWrittenOnceSeenAtOnce(t *testing.T) {
	db := openTemp(t)
	err := db.Update(func(tx *Tx) error {
		for i := range 3 {
			if _, err := testChain.Append(tx, map[string]int{"i": i}); err != nil {
				return err
			}
			if n := testChain.Len(tx); n != uint64(i+1) {
				return fmt.Errorf("length %d after %d appends", n, i+1)
			}
		}
		seen := 0
		err := tx.Scan(testChain.Meta, nil, nil, false, func(k, v []byte) (bool, error) {
			if string(k) == string(testChain.headKey()) && strings.HasPrefix(string(v), `{"seq":3,`) {
				seen++
			}
			return true, nil
		})
		if err == nil && seen != 1 {
			err = fmt.Errorf("a scan saw the head of 3 entries %d times", seen)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error {
		if _, err := testChain.Append(tx, "four"); err != nil {
			return err
		}
		n, err := testChain.Verify(tx)
		if err == nil && n != 4 {
			err = fmt.Errorf("verified %d entries, want 4", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
