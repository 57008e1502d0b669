package accounts

import (
	"testing"
	"time"

	"latchkey/store/storetest"
)

// R39: a database that is not a demo refuses clock control.
func TestClockAdvanceRefusedOutsideDemo(t *testing.T) {
	s, _ := newTestService(t)
	before := s.Now()
	_, err := s.AdvanceClock(Operator("op"), time.Hour)
	wantRule(t, err, "R39")
	if !s.Now().Equal(before) {
		t.Fatal("the clock moved")
	}
}

// R39, R12: advancing a demo clock moves every countdown and lifts due locks
// at once; the offset survives reopening.
func TestClockAdvanceInDemo(t *testing.T) {
	cfg := cheapConfig()
	s, err := CreateDemo(storetest.Target(t, "demo.db"), DemoOptions{Practices: 4, Seed: 3, Clock: NewFakeClock(testEpoch), Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	locks, _ := s.Lockouts(0)
	if len(locks) == 0 {
		t.Fatal("demo has no lockouts")
	}
	start := s.Now()
	var now time.Time
	if _, err := s.AdvanceClock(Operator("op"), 0); err == nil {
		t.Fatal("zero advance accepted")
	}
	now, err = s.AdvanceClock(Operator("op"), 5*time.Minute)
	if err != nil || !now.Equal(start.Add(5*time.Minute)) || s.ClockOffset() != 5*time.Minute {
		t.Fatalf("advance: %v %v offset %v", now, err, s.ClockOffset())
	}
	if _, err := s.AdvanceClock(Operator("op"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Lockouts(0); len(left) != 0 {
		t.Fatalf("locks left an hour later: %d", len(left))
	}
	st, _ := s.Stats()
	if st.Locked != 0 {
		t.Fatalf("stats still count %d locked", st.Locked)
	}
	if ev := lastEvent(t, s, ActClockAdvanced); ev.Actor != "op" {
		t.Fatalf("event %+v", ev)
	}
	path := s.Where()
	_ = s.Close()
	r, err := Open(path, s.clock, s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if r.ClockOffset() != time.Hour+5*time.Minute {
		t.Fatalf("offset after reopen %v", r.ClockOffset())
	}
}
