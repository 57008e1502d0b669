package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// R29: Verify reads entries in place; what it reads is what JSON decoding
// reads, and a stored entry reshaped by hand (fields reordered, a field
// added) is read as JSON or caught, never passed over.
func TestParseEntryAgreesWithJSON(t *testing.T) {
	e := Entry{Seq: 42, Prev: genesis, Data: json.RawMessage(`{"actor":"dana","n":1,"s":"<&>"}`)}
	e.Hash = entryHash(e.Seq, e.Prev, e.Data)
	stored, _ := json.Marshal(e)
	var want Entry
	if err := json.Unmarshal(stored, &want); err != nil {
		t.Fatal(err)
	}
	got, ok := parseEntry(stored)
	if !ok || got.seq != want.Seq || string(got.prev) != want.Prev || string(got.hash) != want.Hash || string(got.data) != string(want.Data) {
		t.Fatalf("fast read %+v, JSON read %+v", got, want)
	}
	reordered := []byte(`{"hash":"` + e.Hash + `","seq":42,"prev":"` + genesis + `","data":{"actor":"dana","n":1,"s":"\u003c\u0026\u003e"}}`)
	if got, ok := parseEntry(reordered); !ok || got.seq != 42 || string(got.hash) != e.Hash {
		t.Fatalf("reordered entry: %+v %v", got, ok)
	}
	if _, ok := parseEntry([]byte(`{"seq":1,"prev":"x"`)); ok {
		t.Fatal("a cut entry was read")
	}
}

func TestChainCatchesAddedField(t *testing.T) {
	db := openTemp(t)
	appendN(t, db, 6)
	err := db.Update(func(tx *Tx) error {
		raw, err := tx.GetRaw(testChain.Entries, U64(3))
		if err != nil {
			return err
		}
		return tx.PutRaw(testChain.Entries, U64(3), append(raw[:len(raw)-1], []byte(`,"x":1}`)...))
	})
	if err != nil {
		t.Fatal(err)
	}
	var ce *ChainError
	if err := db.Check(testChain); !errors.As(err, &ce) || ce.Seq != 3 {
		t.Fatalf("want chain broken at 3, got %v", err)
	}
}

// R29: an entry whose number is spelled as JSON does not allow it (a
// leading zero, or past 2^64 so that it wraps to the same number) is not
// passed by the check while every reader of the chain fails on it.
func TestChainCatchesNumberSpelledOtherwise(t *testing.T) {
	for name, seq := range map[string]string{
		"leading zero": "03",
		"wrapped":      "18446744073709551619", // 2^64 + 3
	} {
		t.Run(name, func(t *testing.T) {
			db := openTemp(t)
			appendN(t, db, 6)
			err := db.Update(func(tx *Tx) error {
				raw, err := tx.GetRaw(testChain.Entries, U64(3))
				if err != nil {
					return err
				}
				edited := strings.Replace(string(raw), `{"seq":3,`, `{"seq":`+seq+`,`, 1)
				if edited == string(raw) {
					t.Fatalf("entry 3 is not stored as %s", raw)
				}
				return tx.PutRaw(testChain.Entries, U64(3), []byte(edited))
			})
			if err != nil {
				t.Fatal(err)
			}
			var readErr error
			_ = db.View(func(tx *Tx) error { _, readErr = testChain.Get(tx, 3); return nil })
			var ce *ChainError
			if err := db.Check(testChain); readErr != nil && (!errors.As(err, &ce) || ce.Seq != 3) {
				t.Fatalf("readers fail on entry 3 (%v), the check says %v", readErr, err)
			}
		})
	}
}

// R29: what the check reads of an entry in place (parseEntry) is what every
// reader of the chain reads through encoding/json: the same number and
// links, or readers that fail on it. The payload may be read otherwise (a
// second "data" member): the check hashes the bytes it read, so it passes
// such an entry only if those bytes are the payload the hash was made of,
// and an entry whose payload is not JSON at all is made only by rewriting
// the chain from there on (a checkpoint catches it).
func FuzzParseEntry(f *testing.F) {
	e := Entry{Seq: 42, Prev: genesis, Data: json.RawMessage(`{"actor":"dana","n":1,"s":"<&>"}`)}
	e.Hash = entryHash(e.Seq, e.Prev, e.Data)
	stored, _ := json.Marshal(e)
	f.Add(stored)
	f.Add(appendEntry(7, []byte(genesis), []byte(e.Hash), []byte(`"x"`)))
	f.Add([]byte(strings.Replace(string(stored), `"seq":42`, `"seq":042`, 1)))
	f.Add([]byte(strings.Replace(string(stored), `"seq":42`, `"seq":18446744073709551658`, 1)))
	f.Add([]byte(strings.Replace(string(stored), `"data":`, `"data":1,"data":`, 1)))
	f.Add([]byte(strings.Replace(string(stored), `"seq":42`, `"seq":42,"seq":43`, 1)))
	f.Fuzz(func(t *testing.T, v []byte) {
		got, ok := parseEntry(v)
		if !ok {
			return
		}
		var full Entry
		if err := json.Unmarshal(v, &full); err != nil {
			if json.Valid(got.data) {
				t.Fatalf("%q: the check reads %+v, readers fail: %v", v, got, err)
			}
			return
		}
		if got.seq != full.Seq || string(got.prev) != full.Prev || string(got.hash) != full.Hash {
			t.Fatalf("%q: the check reads seq %d prev %s hash %s, readers %+v", v, got.seq, got.prev, got.hash, full)
		}
	})
}

// R29: the table isHex reads takes exactly the lower-case hex digits: a
// hash with any other byte in it (a quote, an escape, upper case) is left
// to encoding/json by the in-place read, wherever the byte stands.
func TestIsHexTakesOnlyLowerCaseHexDigits(t *testing.T) {
	for c := range 256 {
		want := (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
		for _, at := range []int{0, 31, 63} {
			s := []byte(genesis)
			s[at] = byte(c)
			if got := isHex(s); got != want {
				t.Fatalf("byte %#x at %d: isHex %v, want %v", c, at, got, want)
			}
		}
	}
	if !isHex("") || !isHex(genesis) {
		t.Fatal("an empty string and the genesis hash are hex")
	}
}
