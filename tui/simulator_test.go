package tui

import (
	"strings"
	"testing"
	"time"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// fakeSim stands in for the simulated users.
type fakeSim struct {
	running bool
	failure string
}

func (f *fakeSim) Start()          { f.running = true }
func (f *fakeSim) Stop()           { f.running = false }
func (f *fakeSim) Running() bool   { return f.running }
func (f *fakeSim) Rate() float64   { return 10 }
func (f *fakeSim) Violations() int { return 0 }
func (f *fakeSim) Failure() string { return f.failure }

// R40: S starts and stops the simulated users; the header says they run and
// at what rate.
func TestSimulatorKey(t *testing.T) {
	h := newHarness(t, small, 120, 30, common.PaneLockouts)
	sim := &fakeSim{}
	h.m.sim = sim
	h.key("ctrl+s")
	if !sim.running || !strings.Contains(h.m.Flash(), "Simulator started") {
		t.Fatalf("S did not start it: running=%v flash=%q", sim.running, h.m.Flash())
	}
	if first := strings.SplitN(h.view(), "\n", 2)[0]; !strings.Contains(first, "SIM 10/s") {
		t.Fatalf("header does not say it runs: %q", first)
	}
	h.key("ctrl+s")
	if sim.running || strings.Contains(strings.SplitN(h.view(), "\n", 2)[0], "SIM") {
		t.Fatalf("S did not stop it:\n%s", h.view())
	}
}

// R40: a database that is not a demo has no simulated users; S says why.
func TestSimulatorRefusedOutsideDemo(t *testing.T) {
	h := newHarness(t, small, 120, 30, common.PaneLockouts)
	h.key("ctrl+s")
	if v := h.view(); h.m.Dialog() != "alert" || !strings.Contains(v, "R40") {
		t.Fatalf("want an R40 alert, got %q:\n%s", h.m.Dialog(), v)
	}
}

// R32, R40: when rows come and go under it (a lock lifting while the
// simulator runs), the cursor stays on the same account.
func TestCursorStaysOnItsRecord(t *testing.T) {
	h := newHarness(t, small, 120, 30, common.PaneLockouts)
	h.key("down")
	if r, ok := h.m.Lockouts().Selected(); !ok || r.ID != h.f.LockedIDs[1] {
		t.Fatalf("cursor not on the second lock: %+v", r)
	}
	// The first lock lifts; its row leaves above the cursor.
	h.f.Clock.Set(fixture.Start.Add(60*time.Minute + time.Second))
	h.tick()
	if n := h.m.Lockouts().Count(); n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
	if r, ok := h.m.Lockouts().Selected(); !ok || r.ID != h.f.LockedIDs[1] {
		t.Fatalf("cursor moved off its account to %+v", r)
	}
}

// R40: a simulator run that stopped by itself (a panic caught) says so in
// the header, not with the panic's value, which goes to the run's summary.
func TestSimulatorStoppedByItselfShowsInTheHeader(t *testing.T) {
	h := newHarness(t, small, 120, 30, common.PaneLockouts)
	sim := &fakeSim{failure: "internal error: boom (sim/run.go:1)"}
	h.m.sim = sim
	if got := h.m.simBadge(); got != "SIM STOPPED: "+common.InternalMsg {
		t.Fatalf("badge %q", got)
	}
	if v := h.view(); !strings.Contains(v, "SIM STOPPED") || strings.Contains(v, "boom") {
		t.Fatalf("want the stop in the header and not the panic's value:\n%s", v)
	}
	sim.failure = ""
	if got := h.m.simBadge(); got != "" {
		t.Fatalf("badge %q for a simulator that is just stopped", got)
	}
}
