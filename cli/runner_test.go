package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"latchkey/accounts"
)

// runHosted runs the command tree over a service this test holds, as an SSH
// session or the socket of an open desk does.
func runHosted(t *testing.T, h Host, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := NewHosted(IO{In: strings.NewReader(""), Out: &out, Err: &errb}, h).RunContext(context.Background(), args)
	r := result{out: out.String(), err: errb.String(), code: code}
	if strings.Contains(r.err+r.out, "goroutine ") {
		t.Fatalf("latchkey %v printed a stack trace:\n%s", args, r.err)
	}
	return r
}

// R35, R13: the same command tree runs in-process over a service another
// goroutine holds, as the operator the host vouches for; the service stays
// open for its holder afterwards.
func TestHostedCommandsUseTheHostsServiceAndOperator(t *testing.T) {
	d := newDesk(t)
	svc, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h := Host{Service: svc, Operator: accounts.Operator("alice"), Remote: true, Via: "over SSH"}

	var locks []lockoutJSON
	decodeJSON(t, runHosted(t, h, "lockouts", "--json"), &locks)
	if len(locks) != 2 {
		t.Fatalf("lockouts over a held service: %+v", locks)
	}
	var res actionJSON
	decodeJSON(t, runHosted(t, h, "users", "unlock", locks[0].User, "--reason", "called", "--verified-by", "callback", "--json"), &res)
	if !res.OK || res.Operator != "alice" {
		t.Errorf("hosted unlock: %+v", res)
	}
	// The holder's service is still open: it answers after the command.
	if ls, err := svc.Lockouts(0); err != nil || len(ls) != 1 {
		t.Errorf("after a hosted command the holder's service answers %d lockouts, %v", len(ls), err)
	}
	evs, err := svc.Audit(accounts.AuditQuery{Limit: 1})
	if err != nil || evs[0].Actor != "alice" || evs[0].Action != accounts.ActAccountUnlocked {
		t.Errorf("audit of the hosted unlock: %+v %v", evs, err)
	}

	// --operator cannot make an SSH session someone else.
	if r := runHosted(t, h, "lockouts", "--operator", "mallory"); r.code != ExitUsage || !strings.Contains(r.err, "alice") {
		t.Errorf("--operator over SSH: exit %d, %s", r.code, r.err)
	}
	// A completion script needs no database: it is printed over SSH too.
	if r := runHosted(t, h, "completion", "bash"); r.code != 0 || !strings.Contains(r.out, "__latchkey") {
		t.Errorf("completion over SSH: exit %d, %s", r.code, r.err)
	}
	// Commands that write files on the server are refused over SSH.
	for _, args := range [][]string{{"demo", "--db", "/tmp/x.db"}, {"backup", "/tmp/copy.db"}, {}} {
		if r := runHosted(t, h, args...); r.code != ExitFailure || r.err == "" {
			t.Errorf("%v over SSH: exit %d, %s", args, r.code, r.err)
		}
	}
}

// R33: a script that asked for JSON gets its usage mistakes as JSON too.
func TestUsageErrorAsJSON(t *testing.T) {
	d := newDesk(t)
	for _, args := range [][]string{
		{"lockouts", "--db", d.path, "--bogus", "--json"},
		{"users", "unlock", "x", "--db", d.path, "--json"}, // required flags missing
	} {
		r := run(t, args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d", args, r.code)
		}
		var e errorJSON
		decodeJSON(t, r, &e)
		if e.Error == "" || e.Usage == "" {
			t.Errorf("%v: JSON usage error %+v", args, e)
		}
	}
}

// R35: --read-only sees everything and changes nothing, locally and hosted;
// the service refuses (exit 2, the rule named).
func TestReadOnlyFlag(t *testing.T) {
	d := newDesk(t)
	mustRun(t, "lockouts", "--db", d.path, "--read-only")
	r := run(t, "users", "unlock", d.locked[0], "--db", d.path, "--operator", "rita", "--read-only",
		"--reason", "r", "--verified-by", "v", "--json")
	var e errorJSON
	decodeJSON(t, r, &e)
	if r.code != ExitRefused || e.Rule != "R35" {
		t.Errorf("read-only unlock: exit %d, %+v", r.code, e)
	}
	svc, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h := Host{Service: svc, Operator: accounts.ReadOnlyOperator("rita"), Remote: true, Via: "over SSH"}
	if r := runHosted(t, h, "users", "unlock", d.locked[0], "--reason", "r", "--verified-by", "v"); r.code != ExitRefused || !strings.Contains(r.err, "R35") {
		t.Errorf("hosted read-only unlock: exit %d, %s", r.code, r.err)
	}
	if ls, _ := svc.Lockouts(0); len(ls) != 2 {
		t.Errorf("a read-only operator unlocked someone: %d lockouts left", len(ls))
	}
}
