package store

import (
	"context"
	"os"
	"testing"
)

// The page walk of a check over the file at $LATCHKEY_BENCH_DB (issue 14
// item 7: it runs before anything else of a check).
func BenchmarkWalkPages(b *testing.B) {
	path := os.Getenv("LATCHKEY_BENCH_DB")
	if path == "" {
		b.Skip("set LATCHKEY_BENCH_DB to a database file")
	}
	for b.Loop() {
		if _, err := walkPages(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}
