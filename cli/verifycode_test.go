package cli

import (
	"strings"
	"testing"

	"latchkey/accounts"
)

// R23, R41: verify check takes a code of 6 digits. Anything else is a bad
// value naming --code (exit 1) and changes nothing: the caller's tries are
// not spent and nothing is recorded.
func TestVerifyCheckRefusesMalformedCode(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	id := strings.TrimSpace(mustRun(t, "verify", "start", u.Login(), "--method", "code", "--db", db, "--operator", "dana").out)
	var before []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--user", u.Login(), "--json"), &before)
	for _, bad := range []string{"6", "12345", "abcdef", "1234567", ""} {
		r := run(t, "verify", "check", id, "--code", bad, "--db", db, "--operator", "dana")
		if r.code != ExitFailure || !strings.Contains(r.err, "--code") || !strings.Contains(r.err, "6 digits") {
			t.Errorf("--code %q: exit %d\n%s", bad, r.code, r.err)
		}
	}
	var v accounts.VerificationView
	decodeJSON(t, mustRun(t, "verify", "show", id, "--db", db, "--json"), &v)
	if v.State != accounts.VerifyStarted || v.AttemptsLeft != 5 {
		t.Fatalf("malformed codes changed the check: %+v", v)
	}
	var after []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--user", u.Login(), "--json"), &after)
	if len(after) != len(before) {
		t.Fatalf("malformed codes were recorded: %d events, was %d", len(after), len(before))
	}
	// "123 456" read back in two halves is a code: it is checked (and wrong).
	if r := run(t, "verify", "check", id, "--code", "000 000", "--db", db, "--operator", "dana"); r.code != ExitRefused || !strings.Contains(r.err, "R41") {
		t.Errorf("a well-formed code: exit %d\n%s", r.code, r.err)
	}
}
