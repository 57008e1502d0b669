package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
// raw durable put of one small key (issue 14 item 5: unlock ≤ 1.5× put).
// The two alternate, one of each per iteration and each first in turn
// (put, unlock, unlock, put, …), so both see the same machine and the same
// file at the same moment: a burst of load or a slow minute of the disk
// falls on both, not on whichever ran second. Each is timed alone, on this
// goroutine kept on one thread: its wall time, the pages its commit wrote,
// the time bbolt spent writing and syncing them, and the thread's CPU time
// (the action, bbolt's commit, the system calls). Reported: the means and
// the medians of both, and their ratios (ratio-mean, ratio-median). Locking
// the user again between unlocks (five wrong passwords) is not timed.
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
	runtime.LockOSThread() // threadCPU counts this thread
	defer runtime.UnlockOSThread()
	var put, unlock commitSamples
	i := 0
	raw := func() error {
		return s.db.Update(func(tx *store.Tx) error {
			return tx.PutRaw("bench_scratch", store.U64(uint64(i%64)), []byte("a small value, as an index entry or a counter"))
		})
	}
	for b.Loop() {
		b.StopTimer()
		u := rows[i%len(rows)].User
		for range s.cfg.MaxFailures {
			_, _ = s.Login(u.Login(), "not the password")
		}
		unlockIt := func() error {
			_, err := s.Unlock(Operator("bench"), u.ID, Request{Reason: "benchmark", VerifiedBy: "callback"})
			return err
		}
		b.StartTimer()
		first, second := &put, &unlock
		firstFn, secondFn := raw, unlockIt
		if i%2 == 1 {
			first, second, firstFn, secondFn = second, first, secondFn, firstFn
		}
		if err := first.measure(s, firstFn); err != nil {
			b.Fatal(err)
		}
		if err := second.measure(s, secondFn); err != nil {
			b.Fatal(err)
		}
		i++
	}
	put.report(b, "put")
	unlock.report(b, "unlock")
	b.ReportMetric(unlock.mean()/put.mean(), "ratio-mean")
	b.ReportMetric(unlock.median()/put.median(), "ratio-median")
	st, _ := s.db.FileStats()
	b.Logf("free pages in the file: %d (pending %d)", st.FreePages, st.PendingPages)
	_ = s.db.Update(func(tx *store.Tx) error { return tx.DropBucket("bench_scratch") })
}

// commitSamples are the measurements of one kind of commit.
type commitSamples struct {
	wall                []time.Duration
	pages               int64
	cpu, write, wallSum time.Duration
}

// measure runs fn once, timing it alone.
func (c *commitSamples) measure(s *Service, fn func() error) error {
	st0, _ := s.db.FileStats()
	c0, t0 := threadCPU(), time.Now()
	err := fn()
	d := time.Since(t0)
	c.cpu += threadCPU() - c0
	st1, _ := s.db.FileStats()
	c.pages += st1.PagesWritten - st0.PagesWritten
	c.write += st1.WriteTime - st0.WriteTime
	c.wall = append(c.wall, d)
	c.wallSum += d
	return err
}

func (c *commitSamples) mean() float64 {
	return float64(c.wallSum.Microseconds()) / float64(max(len(c.wall), 1))
}

func (c *commitSamples) median() float64 {
	if len(c.wall) == 0 {
		return 0
	}
	w := slices.Clone(c.wall)
	slices.Sort(w)
	return float64(w[len(w)/2].Nanoseconds()) / 1e3
}

func (c *commitSamples) report(b *testing.B, name string) {
	n := float64(max(len(c.wall), 1))
	b.ReportMetric(c.mean(), name+"-µs")
	b.ReportMetric(c.median(), name+"-median-µs")
	b.ReportMetric(float64(c.pages)/n, name+"-pages")
	b.ReportMetric(float64(c.write.Microseconds())/n, name+"-write-µs")
	b.ReportMetric(float64(c.cpu.Microseconds())/n, name+"-cpu-µs")
}
