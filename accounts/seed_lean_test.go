package accounts

import (
	"os"
	"path/filepath"
	"testing"

	"latchkey/store/storetest"
)

// A demo is bulk-loaded with its pages full (issue 14 item 3): under 1% of its
// pages free, so commits on it write a small freelist, and no scratch file
// is left beside it.
func TestDemoFileIsLean(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("a test of the bbolt file itself; the PostgreSQL half has no file")
	}
	s, _ := newTestDemo(t, 20)
	st, ok := s.db.FileStats()
	if !ok {
		t.Fatal("a demo is a bbolt file")
	}
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	pages := int(fi.Size() / int64(os.Getpagesize()))
	if st.FreePages*100 >= pages {
		t.Fatalf("%d of %d pages free", st.FreePages, pages)
	}
	if left, _ := filepath.Glob(s.db.Path() + ".*"); len(left) > 0 {
		t.Fatalf("left beside the demo: %v", left)
	}
}
