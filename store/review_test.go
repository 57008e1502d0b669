package store

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
)

// R36: `check` (and the simulator's full check, which runs inside the
// console) reads pages with plain file reads from the newest meta page it
// finds on disk, which may belong to a transaction committed after the
// check's own read transaction began. Run beside a writer, it must never
// report a sound file as corrupt.
func TestReviewCheckBesideWriter(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		chain := Chain{Entries: "log", Meta: MetaBucket}
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				err := db.Update(func(tx *Tx) error {
					if _, err := chain.Append(tx, map[string]int{"i": i}); err != nil {
						return err
					}
					for j := range 20 {
						if err := tx.PutRaw("b", U64(uint64(i*20+j)), bytes.Repeat([]byte{byte(i)}, 200)); err != nil {
							return err
						}
					}
					if i%3 == 0 {
						for j := range 20 {
							if err := tx.Delete("b", U64(uint64((i-3)*20+j))); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		var fail error
		for range 300 {
			if err := db.Check(chain); err != nil {
				fail = err
				break
			}
		}
		stop.Store(true)
		wg.Wait()
		if fail != nil {
			t.Fatalf("a sound file checked beside a writer: %v", fail)
		}
	})
}
