package store

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

var finishKeys = flag.Int("finish-keys", 2_000_000, "entries BenchmarkFinishBulk sorts and writes")

// BenchmarkFinishBulk: FinishBulk of word-index-like entries (a word, a
// zero, an 8-byte id) written in no order.
func BenchmarkFinishBulk(b *testing.B) {
	words := []string{"maria", "lopez", "smith", "johnson", "cardiology", "summit", "jennifer", "williams", "garcia", "nguyen"}
	for b.Loop() {
		b.StopTimer()
		db, err := Open(filepath.Join(b.TempDir(), "finish.db"), Options{Defer: []Bucket{"words"}})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for start := 0; start < *finishKeys; start += 20_000 {
			err := db.Update(func(tx *Tx) error {
				for i := start; i < min(start+20_000, *finishKeys); i++ {
					k := fmt.Sprintf("n%s%d\x00", words[rng.IntN(len(words))], rng.IntN(1000))
					if err := tx.PutRaw("words", append([]byte(k), U64(uint64(i))...), nil); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		// The sorter gathers on the writer's goroutine: time FinishBulk
		// only, from the moment every entry is gathered.
		if err := db.eng.(*boltDB).bulk.gathered(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.FinishBulk(nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
}
