package cli

import (
	"strings"
	"testing"
)

// A bad value is refused naming its flag and changes nothing: a negative
// --limit is bad usage (exit 64) for every list, as it already was for
// audit, outbox, licenses and patients — not taken for "all".
func TestNegativeLimitIsBadUsage(t *testing.T) {
	db, _ := newDemo(t)
	for _, c := range [][]string{{"users", "list"}, {"lockouts"}, {"practices", "list"}} {
		r := run(t, append(c, "--limit", "-5", "--db", db)...)
		if r.code != ExitUsage || !strings.Contains(r.err, "--limit") {
			t.Errorf("%v --limit -5: exit %d, %d bytes out\n%s", c, r.code, len(r.out), r.err)
		}
	}
}
