package sim

import (
	"runtime"
	"testing"
)

// Race: Background.Stop marks the run stopped before the run has finished
// (its final check still going), so a Start in that window launches a
// second Run on the same Simulator — which is not safe for concurrent use —
// while the first is still finishing. The console's S key can do this.
func TestReviewBackgroundRestartWhileStopping(t *testing.T) {
	svc, _ := demo(t, 3)
	b := NewBackground(New(svc, Options{Seed: 1, PoolSize: 50}), RunOptions{})
	b.Start()
	b.mu.Lock()
	first := b.done // closed when the first run is over, final check included
	b.mu.Unlock()
	stopped := make(chan struct{})
	go func() { b.Stop(); close(stopped) }()
	for b.Running() {
		runtime.Gosched()
	}
	// Running turned false: a Start now may begin a second run, but only
	// once the first is wholly over. (Stop itself may not have returned
	// yet: it clears Running just before it does.)
	b.Start()
	select {
	case <-first:
	default:
		t.Error("Start launched a second run of the same Simulator while the first was still finishing")
	}
	<-stopped
	b.Stop()
}
