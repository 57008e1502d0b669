package sim

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"latchkey/accounts"
	"latchkey/mfa"
	"latchkey/store/storetest"
)

var soakSteps = flag.Int("soak-steps", 0, "steps of the soak test (0: the CI default)")

func TestMain(m *testing.M) {
	dir, _ := os.MkdirTemp("", "latchkey-sim")
	os.Setenv(mfa.KeyFileEnv, filepath.Join(dir, "secret.key"))
	code := storetest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

func demo(t testing.TB, practices int) (*accounts.Service, *accounts.FakeClock) {
	t.Helper()
	clock := accounts.NewFakeClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	cfg := accounts.DefaultConfig()
	cfg.Hash = accounts.HashParams{Memory: 64, Time: 1, Threads: 1}
	// A bbolt file, or with LATCHKEY_TEST_ENGINE=postgres a PostgreSQL
	// schema (R44: one suite, two engines).
	svc, err := accounts.CreateDemo(storetest.Target(t, "sim.db"),
		accounts.DemoOptions{Practices: practices, Seed: 11, Clock: clock, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc, clock
}

// R40, R1, R5, R11, R12, R14, R23, R29: days of simulated users on a fake
// clock, the rules checked after every step: licenses never over-used, no
// inactive user logs in, every lock lifts within its hour, no used link or
// code works twice, every state change only through its table (a
// TransitionError would surface as an error outcome), and the audit chain
// verifies. `go test ./sim -run Soak -soak-steps 200000` runs longer.
func TestSoak(t *testing.T) {
	steps := *soakSteps
	if steps == 0 {
		steps = 6000
		if testing.Short() {
			steps = 800
		}
	}
	svc, clock := demo(t, 20)
	s := New(svc, Options{Seed: 5, PoolSize: 1500})
	for i := range steps {
		s.Step()
		// Between actions, up to three minutes pass: thousands of steps are days.
		clock.Advance(time.Duration(s.rng.IntN(180)) * time.Second)
		s.CheckQuick()
		if i%1000 == 999 {
			s.CheckFull()
		}
		if v := s.sum.Violations; len(v) > 0 {
			t.Fatalf("step %d: %v", i, v)
		}
	}
	s.CheckFull()
	sum := s.Summary()
	if len(sum.Violations) > 0 {
		t.Fatalf("violations: %v", sum.Violations)
	}
	if sum.Outcomes["login: error"] > 0 || sum.Lockouts == 0 || sum.Resets == 0 || sum.Enrolments == 0 {
		t.Fatalf("the run did not exercise the flows: %+v", sum)
	}
	for k, n := range sum.Outcomes {
		if len(k) > 6 && k[len(k)-5:] == "error" {
			t.Errorf("%d × %s", n, k)
		}
	}
	t.Logf("%d steps over %s of demo time: %d lockouts, %d resets, %d enrolments", steps,
		clock.Now().Sub(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)).Round(time.Hour), sum.Lockouts, sum.Resets, sum.Enrolments)
}

// R40: the same seed makes the same run.
func TestDeterministic(t *testing.T) {
	run := func() Summary {
		svc, clock := demo(t, 4)
		s := New(svc, Options{Seed: 9})
		for range 300 {
			s.Step()
			clock.Advance(30 * time.Second)
		}
		return s.Summary()
	}
	a, b := run(), run()
	if a.Total() != b.Total() || a.Lockouts != b.Lockouts || a.Resets != b.Resets || a.Enrolments != b.Enrolments {
		t.Fatalf("runs differ:\n%+v\n%+v", a, b)
	}
	for k, v := range a.Outcomes {
		if b.Outcomes[k] != v {
			t.Fatalf("outcome %q: %d vs %d", k, v, b.Outcomes[k])
		}
	}
}

// R40: the simulator never acts as an operator.
func TestNeverAnOperator(t *testing.T) {
	svc, clock := demo(t, 4)
	before, _ := svc.AuditCount()
	s := New(svc, Options{Seed: 3})
	for range 400 {
		s.Step()
		clock.Advance(time.Minute)
	}
	evs, err := svc.Audit(accounts.AuditQuery{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Seq > before && e.ActorKind == accounts.ActorOperator {
			t.Fatalf("the simulator acted as an operator: %+v", e)
		}
	}
}

// R40: the background runner starts, acts, stops and reports.
func TestBackground(t *testing.T) {
	svc, _ := demo(t, 3)
	b := NewBackground(New(svc, Options{Seed: 2}), RunOptions{Rate: 0})
	n0, _ := svc.AuditCount()
	if b.Running() {
		t.Fatal("running before Start")
	}
	b.Start()
	b.Start() // a second Start does nothing
	if !b.Running() {
		t.Fatal("not running after Start")
	}
	// Wait (without sleeping) until its actions reach the audit trail.
	for deadline := time.Now().Add(20 * time.Second); ; {
		if n, _ := svc.AuditCount(); n > n0+20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no actions landed")
		}
		runtime.Gosched()
	}
	b.Stop()
	b.Stop()
	if b.Running() {
		t.Fatal("running after Stop")
	}
	if sum := b.Summary(); len(sum.Violations) != 0 || sum.Total() == 0 {
		t.Fatalf("summary %+v", sum)
	}
}

// R40: the console asks Running and Summary while it draws; a Stop waiting
// for the run's last action must never block them (it once froze the
// console), and Stop returns.
func TestStopNeverBlocksReaders(t *testing.T) {
	svc, _ := demo(t, 3)
	b := NewBackground(New(svc, Options{Seed: 8}), RunOptions{Rate: 0, QuickFinish: true})
	b.Start()
	stopped := make(chan struct{})
	first := make(chan struct{})
	reads := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stopped:
				reads <- n
				return
			default:
				_ = b.Running()
				_ = b.Summary()
				if n++; n == 1 {
					close(first)
				}
			}
		}
	}()
	<-first
	b.Stop() // returns while the reader keeps reading: nobody waits on anybody
	close(stopped)
	if n := <-reads; n == 0 {
		t.Fatal("no reads")
	}
	if b.Running() {
		t.Fatal("running after Stop")
	}
	b.Start() // a stopped simulator starts again
	if !b.Running() {
		t.Fatal("did not start again")
	}
	b.Stop()
}

// R41, R42, R43: with callers, days of calls to the desk: no impostor ever
// gets an MFA clear, every clear used a passed code, app or approval check
// (never an impostor's), privileged or flagged users were cleared only with
// a second, different operator, and the flows were exercised.
func TestSoakCallers(t *testing.T) {
	steps := 1200
	if testing.Short() {
		steps = 400
	}
	svc, clock := demo(t, 10)
	clock.Advance(8 * 24 * time.Hour) // past the demo's own enrolments: some users are unflagged
	s := New(svc, Options{Seed: 13, PoolSize: 800, Callers: true,
		Mix: Mix{KindLogin: 40, KindMistype: 10, KindForgot: 4, KindEnrol: 12, KindCaller: 12}})
	for i := range steps {
		s.Step()
		clock.Advance(time.Duration(s.rng.IntN(180)) * time.Second)
		s.CheckQuick()
		if v := s.sum.Violations; len(v) > 0 {
			t.Fatalf("step %d: %v", i, v)
		}
	}
	s.CheckFull()
	if v := s.Summary().Violations; len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	c := s.calls
	if c.clears == c.fourEyes || c.fourEyes == 0 || c.impostorsHeld == 0 {
		t.Fatalf("calls not exercised: %+v outcomes %v", c, s.Summary().Outcomes)
	}
	// Every user an impostor called about kept their MFA through that call:
	// the audit shows no clear with an impostor's check (CheckClears).
	ws, _ := svc.WatchList(true, 0)
	t.Logf("%d clears (%d with four eyes), %d impostors held off, %d watch-list entries", c.clears, c.fourEyes, c.impostorsHeld, len(ws))
}
