package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// R13, R29, R35: unlocking the first lockout removes exactly that one, and
// the audit trail shows the unlock with its reason, how the caller was
// verified, and the operator.
func TestUnlockRemovesExactlyThatLockout(t *testing.T) {
	d := newDesk(t)
	var before []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", d.path, "--json"), &before)
	first := before[0].User

	var res actionJSON
	decodeJSON(t, mustRun(t, "users", "unlock", first, "--db", d.path, "--operator", "alice",
		"--reason", "called from the clinic", "--verified-by", "callback to number on file", "--json"), &res)
	if !res.OK || res.User != first || res.Operator != "alice" {
		t.Errorf("unlock result: %+v", res)
	}

	var after []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", d.path, "--json"), &after)
	if len(after) != len(before)-1 {
		t.Fatalf("want %d lockouts left, got %d", len(before)-1, len(after))
	}
	for i, l := range after {
		if l.User != before[i+1].User || !l.UnlocksAt.Equal(before[i+1].UnlocksAt) {
			t.Errorf("lockout %d changed: %+v, was %+v", i, l, before[i+1])
		}
	}

	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "1"), &evs)
	e := evs[0]
	if e.Action != "account.unlocked" || e.Target != first || e.Actor != "alice" || e.ActorKind != "operator" ||
		e.Reason != "called from the clinic" || e.VerifiedBy != "callback to number on file" || e.Outcome != "ok" {
		t.Errorf("unlock event: %+v", e)
	}
	var byUser []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--user", first), &byUser)
	if len(byUser) == 0 || byUser[0].Seq != e.Seq {
		t.Errorf("--user %s does not start with the unlock: %+v", first, byUser)
	}
	for _, ev := range byUser {
		if ev.Target != first {
			t.Errorf("--user %s listed an event about %s", first, ev.Target)
		}
	}
}

// R13: unlocking an account that is not locked is refused, exit 2, with the
// JSON refusal shape on stdout; the refusal itself is audited (R29).
func TestUnlockRefusalJSON(t *testing.T) {
	d := newDesk(t)
	r := run(t, "users", "unlock", d.owner, "--db", d.path, "--operator", "alice",
		"--reason", "x", "--verified-by", "y", "--json")
	if r.code != ExitRefused {
		t.Fatalf("exit %d, want %d: %s %s", r.code, ExitRefused, r.out, r.err)
	}
	var e map[string]string
	decodeJSON(t, r, &e)
	if e["rule"] != "R13" || !strings.Contains(e["error"], "not locked") {
		t.Errorf("refusal JSON: %v", e)
	}
	human := run(t, "users", "unlock", d.owner, "--db", d.path, "--operator", "alice", "--reason", "x", "--verified-by", "y")
	if human.code != ExitRefused || !strings.Contains(human.err, "refused by R13") || human.out != "" {
		t.Errorf("human refusal: exit %d, stdout %q, stderr %q", human.code, human.out, human.err)
	}
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "1"), &evs)
	if evs[0].Outcome != "refused R13" || evs[0].Actor != "alice" {
		t.Errorf("refusal not audited: %+v", evs[0])
	}
}

// R13: an operator must say why and how the caller was verified.
func TestUnlockNeedsReasonAndVerification(t *testing.T) {
	d := newDesk(t)
	// R41: --verification can stand in for --verified-by; missing both is a
	// usage error naming both.
	if r := run(t, "users", "unlock", d.locked[0], "--db", d.path, "--operator", "a", "--reason", "x"); r.code != ExitUsage ||
		!strings.Contains(r.err, "--verified-by") || !strings.Contains(r.err, "--verification") {
		t.Errorf("missing --verified-by: exit %d, %s", r.code, r.err)
	}
	r := run(t, "users", "unlock", d.locked[0], "--db", d.path, "--operator", "a", "--reason", "x", "--verified-by", "  ", "--json")
	var e map[string]string
	decodeJSON(t, r, &e)
	if r.code != ExitFailure || e["field"] != "verified_by" {
		t.Errorf("blank --verified-by: exit %d, %v", r.code, e)
	}
}

// R35: without --operator, LATCHKEY_OPERATOR names the operator.
func TestOperatorFromEnvironment(t *testing.T) {
	d := newDesk(t)
	t.Setenv("LATCHKEY_OPERATOR", "carol")
	mustRun(t, "users", "unlock", d.locked[1], "--db", d.path, "--reason", "r", "--verified-by", "v")
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "1"), &evs)
	if evs[0].Actor != "carol" {
		t.Errorf("actor %q, want carol", evs[0].Actor)
	}
	// --operator wins over the environment.
	mustRun(t, "users", "unlock", d.locked[0], "--db", d.path, "--operator", "dave", "--reason", "r", "--verified-by", "v")
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "1"), &evs)
	if evs[0].Actor != "dave" {
		t.Errorf("actor %q, want dave", evs[0].Actor)
	}
}

// R11: five wrong logins lock the account, and a sixth with the right
// password is refused as locked (exit 2, R11); the refusal says only that it
// is locked.
func TestActLoginLocksAfterFiveFailures(t *testing.T) {
	path, _ := newDemo(t)
	var users []userJSON
	decodeJSON(t, mustRun(t, "users", "list", "--db", path, "--status", "active", "--limit", "1", "--json"), &users)
	login := users[0].Login
	pw := strings.TrimSpace(mustRun(t, "act", "password", login, "--db", path).out)
	if pw == "" || strings.Contains(pw, "\n") {
		t.Fatalf("act password printed %q", pw)
	}
	for i := 1; i <= 4; i++ {
		if r := run(t, "act", "login", login, "--password", "wrong", "--db", path); r.code != ExitFailure ||
			!strings.Contains(r.err, "wrong") {
			t.Fatalf("wrong login %d: exit %d, %s", i, r.code, r.err)
		}
	}
	if r := run(t, "act", "login", login, "--password", "wrong", "--db", path); r.code != ExitRefused || !strings.Contains(r.err, "R11") {
		t.Fatalf("5th wrong login: exit %d, %s", r.code, r.err)
	}
	r := run(t, "act", "login", login, "--password", pw, "--db", path, "--json")
	var e map[string]string
	decodeJSON(t, r, &e)
	if r.code != ExitRefused || e["rule"] != "R11" || !strings.Contains(e["error"], "locked") {
		t.Fatalf("6th login with the right password: exit %d, %v", r.code, e)
	}
	var locks []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", path, "--json"), &locks)
	found := false
	for _, l := range locks {
		found = found || l.User == login
	}
	if !found {
		t.Errorf("%s is not among the lockouts", login)
	}
}

// R11, R12, R39: a demo's clock moves forward on request; the lock lifts and
// the right password then logs in.
func TestClockAdvanceLiftsLocks(t *testing.T) {
	path, _ := newDemo(t)
	var before []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", path, "--json"), &before)
	if len(before) == 0 {
		t.Fatal("the demo has no lockouts")
	}
	login := before[0].User
	pw := strings.TrimSpace(mustRun(t, "act", "password", login, "--db", path).out)
	if r := run(t, "act", "login", login, "--password", pw, "--db", path); r.code != ExitRefused {
		t.Fatalf("locked login: exit %d", r.code)
	}
	var adv map[string]any
	decodeJSON(t, mustRun(t, "clock", "advance", "61m", "--db", path, "--operator", "demo", "--json"), &adv)
	if adv["offset"] != "1h1m0s" {
		t.Errorf("offset %v", adv["offset"])
	}
	var after []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", path, "--json"), &after)
	if len(after) != 0 {
		t.Errorf("locks left after an hour: %+v", after)
	}
	var ok loginJSON
	decodeJSON(t, mustRun(t, "act", "login", login, "--password", pw, "--db", path, "--json"), &ok)
	// The right password gets through; a user with MFA is asked for a code next.
	if (ok.Outcome != "ok" && ok.Outcome != "code_needed" && ok.Outcome != "must_enroll") || ok.User != login {
		t.Errorf("login after the lift: %+v", ok)
	}
}

// R39: a database that is not a demo refuses clock control, clearly (exit 2).
func TestClockAdvanceRefusedOnNonDemo(t *testing.T) {
	d := newDesk(t)
	r := run(t, "clock", "advance", "1h", "--db", d.path, "--operator", "o", "--json")
	var e map[string]string
	decodeJSON(t, r, &e)
	if r.code != ExitRefused || e["rule"] != "R39" || !strings.Contains(e["error"], "not a demo") {
		t.Errorf("exit %d, %v", r.code, e)
	}
	human := run(t, "clock", "advance", "1h", "--db", d.path, "--operator", "o")
	if human.code != ExitRefused || !strings.Contains(human.err, "refused by R39") {
		t.Errorf("human: exit %d, %s", human.code, human.err)
	}
	if r := run(t, "clock", "advance", "soon", "--db", d.path); r.code != ExitUsage {
		t.Errorf("bad duration: exit %d", r.code)
	}
}

// R40 (operators never log in as a user), R15: act refuses anything but a
// demo database.
func TestActRefusedOnNonDemo(t *testing.T) {
	d := newDesk(t)
	for _, args := range [][]string{
		{"act", "login", d.owner, "--password", "x"},
		{"act", "password", d.owner},
	} {
		r := run(t, append(args, "--db", d.path, "--json")...)
		var e map[string]string
		decodeJSON(t, r, &e)
		if r.code != ExitRefused || e["rule"] != "R40" {
			t.Errorf("%v: exit %d, %v", args, r.code, e)
		}
	}
	// The refused attempt changed nothing: no failure was counted.
	var u map[string]json.RawMessage
	decodeJSON(t, mustRun(t, "users", "show", d.owner, "--db", d.path, "--json"), &u)
	if string(u["failures"]) != "0" {
		t.Errorf("failures = %s after a refused act", u["failures"])
	}
}

// R38: names from outside are drawn harmless in human output; JSON keeps the
// original bytes (escaped by JSON itself).
func TestHumanOutputIsSanitised(t *testing.T) {
	d := newDesk(t)
	evil := "Eve\x1b]0;pwned\x07\x1b[2J\u202e"
	mustRun(t, "users", "unlock", d.locked[0], "--db", d.path, "--operator", "o",
		"--reason", evil, "--verified-by", "callback\r\u009b31m")
	for _, args := range [][]string{{"audit", "list"}, {"users", "show", d.locked[0]}} {
		r := mustRun(t, append(args, "--db", d.path)...)
		for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\u009b"} {
			if strings.Contains(r.out, bad) {
				t.Errorf("%v printed a raw %q", args, bad)
			}
		}
		if !strings.Contains(r.out, "Eve␛]0;pwned␇") {
			t.Errorf("%v hides the odd characters instead of showing them:\n%s", args, r.out)
		}
	}
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "1"), &evs)
	if evs[0].Reason != evil {
		t.Errorf("JSON changed the stored reason: %q", evs[0].Reason)
	}
}

// R33: every audit field is present, with an RFC 3339 time.
func TestAuditListJSONShape(t *testing.T) {
	d := newDesk(t)
	rows := keysOf(t, mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "3"))
	if len(rows) != 3 {
		t.Fatalf("--limit 3 gave %d", len(rows))
	}
	for _, row := range rows {
		requireKeys(t, row, "time", "actor", "action", "target", "reason", "outcome", "requester", "verified_by", "detail", "seq")
		if tm := requireRFC3339(t, row["time"]); tm.Before(t0) || tm.After(t0.Add(time.Hour)) {
			t.Errorf("event time %s is not the fake clock's", tm)
		}
	}
	if r := run(t, "audit", "list", "--db", d.path, "--limit", "0"); r.code != ExitUsage {
		t.Errorf("--limit 0: exit %d", r.code)
	}
}
