package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"latchkey/store"
)

// benchDB is the large database commit benchmarks run on: $LATCHKEY_BENCH_DB,
// else a demo of $LATCHKEY_BENCH_PRACTICES practices (default 1,000) built
// once in the temp directory. The benchmarks change it (locks, unlocks, audit
// events), as a desk would.
func benchDB(b *testing.B) string {
	if p := os.Getenv("LATCHKEY_BENCH_DB"); p != "" {
		return p
	}
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("LATCHKEY_BENCH_PRACTICES")); err == nil && v > 0 {
		n = v
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("latchkey-bench-accounts-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cfg := cheapConfig()
	s, err := CreateDemo(path, DemoOptions{Practices: n, Seed: 7, Config: &cfg})
	if err != nil {
		b.Fatal(err)
	}
	_ = s.Close()
	return path
}

// An operator's unlock against the floor of the same file in the same run: a
// raw durable put of one small key (issue 14 item 5: unlock ≤ 1.5× put). Each
// reports the pages its commit writes, the time bbolt spent writing and
// syncing them, and the CPU time of the thread that ran it (this goroutine,
// kept on one thread: the action, bbolt's commit, the system calls); locking
// the user again between unlocks is not timed.
func BenchmarkCommitUnlockVsPut(b *testing.B) {
	s, err := Open(benchDB(b), SystemClock{}, cheapConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rows, err := s.Users(UserQuery{Status: StatusActive, Limit: 400})
	if err != nil || len(rows) < 100 {
		b.Fatalf("%d active users: %v", len(rows), err)
	}
	pages := func() int64 { st, _ := s.db.FileStats(); return st.PagesWritten }
	writing := func() time.Duration { st, _ := s.db.FileStats(); return st.WriteTime }
	b.Run("raw-put", func(b *testing.B) {
		runtime.LockOSThread() // threadCPU counts this thread
		defer runtime.UnlockOSThread()
		written, i := int64(0), 0
		w0, c0 := writing(), threadCPU()
		for b.Loop() {
			before := pages()
			i++
			err := s.db.Update(func(tx *store.Tx) error {
				return tx.PutRaw("bench_scratch", store.U64(uint64(i%64)), []byte("a small value, as an index entry or a counter"))
			})
			if err != nil {
				b.Fatal(err)
			}
			written += pages() - before
		}
		b.ReportMetric(float64(written)/float64(b.N), "pages/op")
		b.ReportMetric(float64((writing()-w0).Microseconds())/float64(b.N), "write-µs/op")
		b.ReportMetric(float64((threadCPU()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
	})
	b.Run("unlock", func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		written, i, wrote, cpu := int64(0), 0, time.Duration(0), time.Duration(0)
		for b.Loop() {
			b.StopTimer()
			u := rows[i%len(rows)].User
			i++
			for range s.cfg.MaxFailures {
				_, _ = s.Login(u.Login(), "not the password")
			}
			before, w0, c0 := pages(), writing(), threadCPU()
			b.StartTimer()
			_, err := s.Unlock(Operator("bench"), u.ID, Request{Reason: "benchmark", VerifiedBy: "callback"})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu += threadCPU() - c0
			written += pages() - before
			wrote += writing() - w0
			b.StartTimer()
		}
		b.ReportMetric(float64(written)/float64(b.N), "pages/op")
		b.ReportMetric(float64(wrote.Microseconds())/float64(b.N), "write-µs/op")
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	})
	st, _ := s.db.FileStats()
	b.Logf("free pages in the file: %d (pending %d)", st.FreePages, st.PendingPages)
	_ = s.db.Update(func(tx *store.Tx) error { return tx.DropBucket("bench_scratch") })
}
