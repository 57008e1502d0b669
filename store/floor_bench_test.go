package store

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"
)

var floorRecords = flag.Int("floor-records", 1_000_000, "records BenchmarkBulkLoadFloor loads")

// The floor a demo build is measured against (issue 14 item 4): a raw bulk
// load of a fresh bbolt file — one bucket, keys in order, 300-byte values,
// 5,000 puts a transaction, no fsync until one at the end.
func BenchmarkBulkLoadFloor(b *testing.B) {
	value := make([]byte, 300)
	for i := range value {
		value[i] = byte('a' + i%26)
	}
	for b.Loop() {
		db, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("floor-%d.db", b.N)), Options{Bulk: true})
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < *floorRecords; start += 5_000 {
			err := db.Update(func(tx *Tx) error {
				for i := start; i < min(start+5_000, *floorRecords); i++ {
					if err := tx.PutRaw("records", U64(uint64(i)), value); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Sync(); err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
	b.ReportMetric(float64(*floorRecords), "records")
}
