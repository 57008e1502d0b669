package accounts

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"latchkey/store/storetest"
)

// The engine benchmarks (R44) run the same service calls on a bbolt file
// and on PostgreSQL (a throwaway cluster, or LATCHKEY_TEST_POSTGRES):
//
//	go test ./accounts -run '^$' -bench Engine -benchtime 2000x
//
// Each is one operation; compare the bbolt and postgres lines.

// benchEngines runs fn once per engine on a 40-practice demo.
func benchEngines(b *testing.B, fn func(b *testing.B, s *Service, clock *FakeClock)) {
	for _, eng := range []string{"bbolt", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			target := b.TempDir() + "/bench.db"
			if eng == "postgres" {
				target = storetest.PostgresURL(b)
			}
			clock := NewFakeClock(testEpoch)
			cfg := cheapConfig()
			s, err := CreateDemo(target, DemoOptions{Practices: 40, Seed: 7, Clock: clock, Config: &cfg})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fn(b, s, clock)
		})
	}
}

// An operator action: an unlock, one write transaction with its audit
// event and outbox message, one client (target on a local PostgreSQL: at
// most 5 ms). Also a license-count change, which touches the practice,
// its fullness index and the totals.
func BenchmarkEngineOperatorAction(b *testing.B) {
	benchEngines(b, func(b *testing.B, s *Service, _ *FakeClock) {
		b.Run("unlock", func(b *testing.B) { unlockRun(b, s, 1) })
		b.Run("licenses", func(b *testing.B) {
			p, err := s.Practice(1)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				if _, err := s.SetPurchased(Operator("bench"), p.ID, p.InUse+1+i%2, Request{Reason: "bench"}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	})
}

// A pane's screenful: forty users, forty practices, the lockouts (target:
// at most 10 ms each).
func BenchmarkEngineScreenful(b *testing.B) {
	benchEngines(b, func(b *testing.B, s *Service, _ *FakeClock) {
		b.Run("users", func(b *testing.B) {
			for b.Loop() {
				if rows, err := s.Users(UserQuery{Limit: 40}); err != nil || len(rows) != 40 {
					b.Fatal(len(rows), err)
				}
			}
		})
		b.Run("practices", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Practices(PracticeQuery{Limit: 40}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("lockouts", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Lockouts(40); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// Sixteen clients unlocking at once: each unlock is one write transaction;
// the figure is unlocks per second across all sixteen.
func BenchmarkEngineConcurrentUnlock(b *testing.B) {
	benchEngines(b, func(b *testing.B, s *Service, _ *FakeClock) { unlockRun(b, s, 16) })
}

// unlockRun locks a thousand users (directly, outside the timing) and has
// clients unlock them all, again for every round of the benchmark; it
// reports unlocks per second and milliseconds per unlock.
func unlockRun(b *testing.B, s *Service, clients int) {
	rows, err := s.Users(UserQuery{Status: StatusActive, Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	relock := func() {
		err := s.update(func(t *txn) error {
			for _, r := range rows {
				u, err := getUser(t.tx, r.ID)
				if err != nil {
					return err
				}
				if u.Locked() {
					continue
				}
				old := u
				t.lock(&u)
				if err := t.putUser(&old, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	done := 0
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		relock()
		next.Store(0)
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= int64(len(rows)) {
						return
					}
					if _, err := s.Unlock(Operator("bench"), rows[i].ID, Request{Reason: "bench", VerifiedBy: "callback"}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
		done += len(rows)
	}
	b.ReportMetric(float64(done)/elapsed.Seconds(), "unlocks/s")
	b.ReportMetric(elapsed.Seconds()*1000/float64(done), "ms/unlock")
}
