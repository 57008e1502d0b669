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
