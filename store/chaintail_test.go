package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var tailChain = Chain{Entries: "log", Meta: MetaBucket, Tail: "log_tail"}

// tailState reads where the chain keeps its entries: the seqs in Entries
// and in the tail, and the room the tail's entries take.
func tailState(t *testing.T, db *DB) (entries, tail []uint64, used int) {
	t.Helper()
	err := db.View(func(tx *Tx) error {
		if err := tx.Scan(tailChain.Entries, nil, nil, false, func(k, _ []byte) (bool, error) {
			entries = append(entries, ParseU64(k))
			return true, nil
		}); err != nil {
			return err
		}
		return tx.Scan(tailChain.Tail, nil, nil, false, func(k, v []byte) (bool, error) {
			tail = append(tail, ParseU64(k))
			used += tailCost(len(v))
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries, tail, used
}

// appendPayloads appends each payload in one transaction.
func appendPayloads(t *testing.T, db *DB, payloads []string) {
	t.Helper()
	if err := db.Update(func(tx *Tx) error {
		for _, p := range payloads {
			if _, err := tailChain.Append(tx, p); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// R29: a chain whose newest entries wait in a tail is the same chain: every
// commit leaves it verifying, in order, with every entry found by number and
// by scans either way from anywhere; a bbolt file keeps a page's worth at
// most in the tail, older entries in Entries, every one of them older than
// the tail's; PostgreSQL keeps none there.
func TestChainTail(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		bolt := db.Engine() == Bolt
		rng := rand.New(rand.NewPCG(1, 2))
		var all []string
		tailSeen := false
		for round := range 90 {
			n := 1
			if round%13 == 0 {
				n = 2 + rng.IntN(30) // a batch, as a demo's build or a sweep writes
			}
			var batch []string
			for range n {
				p := strings.Repeat("x", rng.IntN(900))
				if rng.IntN(40) == 0 {
					p = strings.Repeat("y", 5000) // more than a tail holds
				}
				batch = append(batch, p)
			}
			appendPayloads(t, db, batch)
			all = append(all, batch...)
			entries, tail, used := tailState(t, db)
			if got := slices.Concat(entries, tail); len(got) != len(all) || (len(got) > 0 && (got[0] != 1 || got[len(got)-1] != uint64(len(all)))) || !slices.IsSorted(got) {
				t.Fatalf("round %d: entries %v then tail %v for %d appended", round, entries, tail, len(all))
			}
			switch {
			case !bolt && len(tail) > 0:
				t.Fatalf("PostgreSQL filled a tail: %v", tail)
			case used > tailMax:
				t.Fatalf("round %d: the tail takes %d bytes, more than a page", round, used)
			}
			tailSeen = tailSeen || len(tail) > 0
			if err := db.Check(tailChain); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if bolt && !tailSeen {
			t.Fatal("a bbolt file never used the tail")
		}
		err := db.View(func(tx *Tx) error {
			for _, seq := range []uint64{1, 2, uint64(len(all)) / 2, uint64(len(all)) - 1, uint64(len(all))} {
				e, err := tailChain.Get(tx, seq)
				if err != nil || e.Seq != seq || string(e.Data) != `"`+all[seq-1]+`"` {
					t.Errorf("entry %d: %v", seq, err)
				}
			}
			for _, from := range []uint64{0, 1, 7, uint64(len(all)) - 2, uint64(len(all))} {
				for _, reverse := range []bool{false, true} {
					var got []uint64
					if err := tailChain.Scan(tx, from, reverse, func(e Entry) (bool, error) {
						got = append(got, e.Seq)
						return len(got) < 40, nil
					}); err != nil {
						return err
					}
					var want []uint64
					for s := uint64(1); s <= uint64(len(all)); s++ {
						if from == 0 || (!reverse && s >= from) || (reverse && s <= from) {
							want = append(want, s)
						}
					}
					if reverse {
						slices.Reverse(want)
					}
					if want = want[:min(40, len(want))]; !slices.Equal(got, want) {
						t.Errorf("scan from %d (reverse %v): %v, want %v", from, reverse, got, want)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// R29: an entry edited, or the newest cut off, while it waits in the tail
// is found by the check like any other.
func TestChainTailTampering(t *testing.T) {
	for name, tamper := range map[string]func(tx *Tx, last uint64) error{
		"edit": func(tx *Tx, last uint64) error {
			raw, err := tx.GetRaw(tailChain.Tail, U64(last))
			if err != nil {
				return err
			}
			return tx.PutRaw(tailChain.Tail, U64(last), []byte(strings.Replace(string(raw), "z", "Z", 1)))
		},
		"cut": func(tx *Tx, last uint64) error { return tx.Delete(tailChain.Tail, U64(last)) },
	} {
		t.Run(name, func(t *testing.T) {
			db := openTemp(t)
			appendPayloads(t, db, []string{"a", "b", "c"})
			appendPayloads(t, db, []string{"z"})
			appendPayloads(t, db, []string{"z"})
			if _, tail, _ := tailState(t, db); !slices.Contains(tail, 5) {
				t.Fatalf("tail %v: the newest is not there", tail)
			}
			if err := db.Update(func(tx *Tx) error { return tamper(tx, 5) }); err != nil {
				t.Fatal(err)
			}
			var ce *ChainError
			if err := db.Check(tailChain); !errors.As(err, &ce) || ce.Seq != 5 {
				t.Fatalf("want the chain broken at 5, got %v", err)
			}
		})
	}
}

// R44: a copy carries a tail across engines; an engine that does not keep
// one empties it into Entries before it appends, so the chain stays in
// order.
func TestChainTailCopied(t *testing.T) {
	for _, to := range engines(t) {
		t.Run("bbolt-to-"+to.name, func(t *testing.T) {
			src, dst := openTemp(t), to.open(t)
			appendPayloads(t, src, []string{"a", "b"})
			appendPayloads(t, src, []string{"c"})
			appendPayloads(t, src, []string{"d"})
			if _, tail, _ := tailState(t, src); len(tail) == 0 {
				t.Fatal("nothing in the source's tail")
			}
			if err := Copy(context.Background(), src, dst, CopyOptions{Chains: []Chain{tailChain}}); err != nil {
				t.Fatal(err)
			}
			appendPayloads(t, dst, []string{"e"})
			entries, tail, _ := tailState(t, dst)
			if got := slices.Concat(entries, tail); !slices.Equal(got, []uint64{1, 2, 3, 4, 5}) {
				t.Fatalf("entries %v then tail %v", entries, tail)
			}
			if err := dst.Check(tailChain); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// R29: entries moved between Entries and the tail, or in both at once, or
// taken from the tail's middle, are found by the check: the chain is read
// as Entries then tail, and every number must come once, in order.
func TestChainTailEntriesMovedOrDuplicated(t *testing.T) {
	move := func(tx *Tx, seq uint64, from, to Bucket) error {
		raw, err := tx.GetRaw(from, U64(seq))
		if err != nil {
			return err
		}
		if err := tx.PutRaw(to, U64(seq), raw); err != nil {
			return err
		}
		return tx.Delete(from, U64(seq))
	}
	for name, tamper := range map[string]func(tx *Tx) error{
		"older entry into the tail": func(tx *Tx) error { return move(tx, 2, tailChain.Entries, tailChain.Tail) },
		"tail entry into Entries":   func(tx *Tx) error { return move(tx, 5, tailChain.Tail, tailChain.Entries) },
		"tail entry in both": func(tx *Tx) error {
			raw, err := tx.GetRaw(tailChain.Tail, U64(5))
			if err != nil {
				return err
			}
			return tx.PutRaw(tailChain.Entries, U64(5), raw)
		},
		"entry of Entries in both": func(tx *Tx) error {
			raw, err := tx.GetRaw(tailChain.Entries, U64(3))
			if err != nil {
				return err
			}
			return tx.PutRaw(tailChain.Tail, U64(3), raw)
		},
		"middle of the tail cut": func(tx *Tx) error { return tx.Delete(tailChain.Tail, U64(5)) },
	} {
		t.Run(name, func(t *testing.T) {
			db := openTemp(t)
			big := strings.Repeat("a", 1500) // three fill the tail: they go to Entries
			appendPayloads(t, db, []string{big, big, big})
			for _, p := range []string{"d", "e", "f"} {
				appendPayloads(t, db, []string{p})
			}
			entries, tail, _ := tailState(t, db)
			if !slices.Contains(entries, 3) || !slices.Contains(tail, 5) || !slices.Contains(tail, 6) {
				t.Fatalf("entries %v, tail %v: not the layout this test tampers with", entries, tail)
			}
			if err := db.Check(tailChain); err != nil {
				t.Fatalf("untouched: %v", err)
			}
			if err := db.Update(tamper); err != nil {
				t.Fatal(err)
			}
			var ce *ChainError
			if err := db.Check(tailChain); !errors.As(err, &ce) {
				t.Fatalf("want the chain broken, got %v", err)
			}
		})
	}
}
