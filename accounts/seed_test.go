package accounts

import (
	"flag"
	"testing"
	"time"

	"latchkey/store/storetest"
)

func TestCreateDemo(t *testing.T) {
	s, _ := newTestDemo(t, 40)
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Practices != 40 || st.Users < 40*10 {
		t.Fatalf("stats = %+v", st)
	}
	if st.AtCap == 0 || st.Pending == 0 || st.Inactive == 0 {
		t.Errorf("want a spread: some at capacity, pending and inactive; got %+v", st)
	}
	locks, err := s.Lockouts(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(locks) < 10 || len(locks) > 20 {
		t.Fatalf("%d lockouts, want 10-20", len(locks))
	}
	for i := 1; i < len(locks); i++ {
		if !locks[i].UnlocksAt.After(locks[i-1].UnlocksAt) {
			t.Errorf("lockouts %d and %d lift at the same time %v", i-1, i, locks[i].UnlocksAt)
		}
	}
	t.Logf("%+v, %d locked", st, len(locks))
}

var bigDemo = flag.Int("demo-practices", 0, "practices for BenchmarkCreateDemo (0 = 1000)")

// BenchmarkCreateDemo measures seeding; -demo-practices=10000 is the
// million-user figure of issue 3.
func BenchmarkCreateDemo(b *testing.B) {
	n := *bigDemo
	if n == 0 {
		n = 1000
	}
	for b.Loop() {
		cfg := cheapConfig()
		s, err := CreateDemo(storetest.Target(b, "demo.db"), DemoOptions{Practices: n, Seed: 7,
			Clock: NewFakeClock(testEpoch), Config: &cfg})
		if err != nil {
			b.Fatal(err)
		}
		st, _ := s.Stats()
		b.ReportMetric(float64(st.Users), "users")
		_ = s.Close()
	}
	_ = time.Second
}
