package store

import (
	"fmt"
	"testing"
)

// R44: a read transaction that reuses its buckets and cursors (boltread.go)
// reads as before when scans nest: a scan's callback scans and gets the
// same bucket, and the outer scan goes on where it was.
func TestReadNestedScans(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		if err := db.Update(func(tx *Tx) error {
			for i := range 300 {
				if err := tx.PutRaw("b", fmt.Appendf(nil, "k%03d", i), fmt.Appendf(nil, "v%d", i)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		err := db.View(func(tx *Tx) error {
			outer := 0
			defer func() {
				if outer != 300 {
					t.Errorf("outer scan read %d keys, want 300", outer)
				}
			}()
			return tx.Scan("b", []byte("k"), nil, false, func(k, v []byte) (bool, error) {
				if want := fmt.Sprintf("k%03d", outer); string(k) != want {
					t.Fatalf("outer scan at %q, want %q", k, want)
				}
				inner := 0
				if err := tx.Scan("b", []byte("k1"), nil, true, func(k, _ []byte) (bool, error) {
					inner++
					return inner < 5, nil
				}); err != nil || inner != 5 {
					t.Fatalf("inner scan: %d keys, %v", inner, err)
				}
				got, err := tx.GetRaw("b", []byte("k150"))
				if err != nil || string(got) != "v150" {
					t.Fatalf("get in a scan: %q %v", got, err)
				}
				if _, err := tx.GetRaw("b", []byte("k150x")); err == nil {
					t.Fatal("an absent key was found")
				}
				outer++
				return true, nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
