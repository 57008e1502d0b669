package accounts

import (
	"crypto/sha256"
	"io"
	"os"
	"testing"
	"time"

	"latchkey/store"
)

// latchkey check against its floor in the same run (issue 14 item 7: check
// ≤ 3× floor): the floor is a plain sequential read of the whole file plus
// one SHA-256 over every audit entry as stored.
func BenchmarkCheckVsFloor(b *testing.B) {
	path := benchDB(b)
	s, err := Open(path, SystemClock{}, cheapConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var floor, check time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(io.Discard, f, make([]byte, 1<<20)); err != nil {
			b.Fatal(err)
		}
		_ = f.Close()
		err = s.db.View(func(tx *store.Tx) error {
			for _, bucket := range []store.Bucket{bAudit, bAuditTail} {
				err := tx.Scan(bucket, nil, nil, false, func(_, v []byte) (bool, error) {
					sha256.Sum256(v)
					return true, nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := s.Check(); err != nil {
			b.Fatal(err)
		}
		floor += mid.Sub(start)
		check += time.Since(mid)
	}
	b.ReportMetric(floor.Seconds()/float64(b.N), "floor-s")
	b.ReportMetric(check.Seconds()/float64(b.N), "check-s")
	b.ReportMetric(check.Seconds()/floor.Seconds(), "check/floor")
}
