package store

import (
	"context"
	"os"
	"testing"
)

// The page walk of a check over the file at $LATCHKEY_BENCH_DB (issue 14
// item 7: it runs before anything else of a check), with its accounting
// of free pages.
func BenchmarkWalkPages(b *testing.B) {
	path := os.Getenv("LATCHKEY_BENCH_DB")
	if path == "" {
		b.Skip("set LATCHKEY_BENCH_DB to a database file")
	}
	for b.Loop() {
		w, err := walkPages(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.freePages(); err != nil {
			b.Fatal(err)
		}
	}
}
