package testwait

import (
	"testing"
	"time"
)

// fakeTB records a failure instead of stopping the test.
type fakeTB struct {
	testing.TB
	failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = format
}

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	n := 0
	f := &fakeTB{}
	Until(f, time.Minute, func() string { return "n" }, func() bool { n++; return n == 3 })
	if n != 3 || f.failed != "" {
		t.Fatalf("polled %d times, failed %q", n, f.failed)
	}
}

func TestUntilFailsAfterTheDeadline(t *testing.T) {
	f := &fakeTB{}
	Until(f, 0, func() string { return "never" }, func() bool { return f.failed != "" })
	if f.failed == "" {
		t.Fatal("a condition that never held did not fail the test")
	}
}
