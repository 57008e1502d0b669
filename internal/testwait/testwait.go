// Package testwait waits in tests for something another goroutine or process
// does (a server answering, a screen drawn): it polls a condition until it
// holds or a real-time deadline passes. Timers of the product are never
// waited for this way; they run on the injected clock.
package testwait

import (
	"testing"
	"time"
)

// Until polls cond every 10 ms until it holds, failing t with what() when it
// has not held within the given time.
func Until(t testing.TB, within time.Duration, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what())
		}
		<-tick.C
	}
}
