package sim

import (
	"strings"
	"testing"
	"time"

	"latchkey/internal/testwait"
)

// R40: a panic in the simulated users' run (here: a simulator given no
// service, so its first action dereferences nil) stops that run and says
// why, instead of ending the process, which is the console of every
// operator on the desk over SSH; ctrl+s can start it again.
func TestBackgroundPanicStopsTheRunOnly(t *testing.T) {
	b := NewBackground(New(nil, Options{Seed: 1}), RunOptions{Steps: 1, QuickFinish: true})
	for round := range 2 {
		b.Start()
		testwait.Until(t, 10*time.Second, func() string { return "the panicking run still counts as running" },
			func() bool { return !b.Running() })
		if f := b.Failure(); !strings.HasPrefix(f, "internal error: ") || !strings.Contains(f, ".go:") {
			t.Fatalf("round %d: failure %q, want the panic's value and where it happened", round, f)
		}
		v := b.Summary().Violations
		if len(v) != round+1 || !strings.HasPrefix(v[round], "the simulator stopped: internal error") {
			t.Fatalf("round %d: violations %q, want the stop recorded once per run", round, v)
		}
		b.Stop() // returns at once: nothing runs
	}
}
