package accounts

import (
	"testing"
	"time"

	"latchkey/store/storetest"
)

// testEpoch is where every fake clock starts.
var testEpoch = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// cheapConfig is the shipped configuration with a cheap hash, so tests that
// log in many times stay fast; the hash is still argon2id.
func cheapConfig() Config {
	cfg := DefaultConfig()
	cfg.Hash = HashParams{Memory: 64, Time: 1, Threads: 1}
	return cfg
}

// newTestService opens a fresh, empty database with a fake clock: a bbolt
// file, or with LATCHKEY_TEST_ENGINE=postgres a PostgreSQL schema (R44: one
// suite, two engines).
func newTestService(t testing.TB) (*Service, *FakeClock) {
	t.Helper()
	clock := NewFakeClock(testEpoch)
	return openTestService(t, clock), clock
}

// openTestService opens a fresh, empty database on clock, checked and
// closed when the test ends.
func openTestService(t testing.TB, clock Clock) *Service {
	t.Helper()
	s, err := Open(storetest.Target(t, "t.db"), clock, cheapConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Errorf("database check after test: %v", err)
		}
		_ = s.Close()
	})
	return s
}

// newTestDemo builds a small demo database with a fake clock.
func newTestDemo(t testing.TB, practices int) (*Service, *FakeClock) {
	t.Helper()
	clock := NewFakeClock(testEpoch)
	cfg := cheapConfig()
	s, err := CreateDemo(storetest.Target(t, "demo.db"), DemoOptions{Practices: practices, Seed: 7, Clock: clock, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Errorf("database check after test: %v", err)
		}
		_ = s.Close()
	})
	return s, clock
}
