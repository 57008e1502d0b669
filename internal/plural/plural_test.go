package plural

import "testing"

// R31: counts read as a person says them: "1 attempt left", not "1 attempts left".
func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 attempts"}, {1, "1 attempt"}, {2, "2 attempts"}, {5, "5 attempts"}} {
		if got := Count(c.n, "attempt"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := Of(1, 1, "license"); got != "1 of 1 license" {
		t.Errorf("Of(1, 1) = %q", got)
	}
	if got := Of(0, 6, "license"); got != "0 of 6 licenses" {
		t.Errorf("Of(0, 6) = %q", got)
	}
}

// R31: audit counts (uint64) read the same way.
func TestCountUint64(t *testing.T) {
	if got := Count(uint64(1), "event"); got != "1 event" {
		t.Errorf("%q", got)
	}
	if got := Count(uint64(1)<<63, "event"); got != "9223372036854775808 events" {
		t.Errorf("%q", got)
	}
}
