package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"latchkey/accounts"
	"latchkey/store/storetest"
)

// t0 is when every test's fake clock starts.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeEnv makes every command of this test open databases with a fake clock
// and cheap password hashes, and restores the real ones afterwards. Tests
// that use it must not run in parallel (the hooks are package variables).
func fakeEnv(t testing.TB) *accounts.FakeClock {
	t.Helper()
	clk := accounts.NewFakeClock(t0)
	oldClock, oldConfig := clock, newConfig
	clock = clk
	newConfig = func() accounts.Config {
		cfg := accounts.DefaultConfig()
		cfg.Hash = accounts.HashParams{Memory: 64, Time: 1, Threads: 1}
		return cfg
	}
	t.Cleanup(func() { clock, newConfig = oldClock, oldConfig })
	t.Setenv("LATCHKEY_OPERATOR", "")
	return clk
}

// result is what one run of the command line printed and returned.
type result struct {
	out, err string
	code     int
}

// run runs the command line in-process with args.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := New(IO{In: strings.NewReader(""), Out: &out, Err: &errb}).Run(args)
	r := result{out: out.String(), err: errb.String(), code: code}
	if strings.Contains(r.err+r.out, "goroutine ") {
		t.Fatalf("latchkey %v printed a stack trace:\n%s", args, r.err)
	}
	return r
}

// mustRun runs the command line and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) result {
	t.Helper()
	r := run(t, args...)
	if r.code != ExitOK {
		t.Fatalf("latchkey %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.out, r.err)
	}
	return r
}

// decodeJSON decodes a command's JSON output into v.
func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.out), v); err != nil {
		t.Fatalf("output is not JSON (%v):\n%s\nstderr: %s", err, r.out, r.err)
	}
}

// desk is a small database that is not a demo: one practice, an owner and
// four staff, of whom locked[0] and locked[1] are locked by real failed
// logins ten minutes apart (R11), so their lifts differ.
type desk struct {
	path    string
	clk     *accounts.FakeClock
	owner   string
	staff   []string
	locked  []string
	practID uint64
}

func newDesk(t testing.TB) desk {
	t.Helper()
	clk := fakeEnv(t)
	// A bbolt file, or with LATCHKEY_TEST_ENGINE=postgres a PostgreSQL
	// schema (R44: one suite, two engines).
	d := desk{path: storetest.Target(t, "desk.db"), clk: clk, owner: "olivia.owner@mapleclinic.test"}
	svc, err := accounts.Open(d.path, clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	op := accounts.Operator("setup")
	p, err := svc.CreatePractice(op, "Maple Clinic", 6)
	if err != nil {
		t.Fatal(err)
	}
	d.practID = p.ID
	owner, err := svc.CreateUser(op, accounts.NewUser{PracticeID: p.ID, Name: "Olivia Owner", Kind: accounts.KindProvider,
		Roles: accounts.Roles{Owner: true, Admin: true}, Email: d.owner, EmailConfirm: d.owner}, accounts.Request{})
	if err != nil {
		t.Fatal(err)
	}
	finishSetup(t, svc, owner) // the desk takes requests only from active users (R3, R4)
	// The owner, the practice's admin, adds her staff herself (R3): through
	// the desk her word would be proven by a code read back (R41).
	asOwner := accounts.Actor{Kind: accounts.ActorAdmin, Name: d.owner, UserID: owner.ID}
	for _, name := range []string{"sam.staff", "lee.locked", "kim.locked", "pat.plain"} {
		email := name + "@mapleclinic.test"
		if _, err := svc.CreateUser(asOwner, accounts.NewUser{PracticeID: p.ID, Name: name, Kind: accounts.KindStaff,
			Email: email, EmailConfirm: email}, accounts.Request{Reason: "new hire"}); err != nil {
			t.Fatal(err)
		}
		d.staff = append(d.staff, email)
	}
	for _, email := range []string{"lee.locked@mapleclinic.test", "kim.locked@mapleclinic.test"} {
		lockByFailures(t, svc, email)
		d.locked = append(d.locked, email)
		clk.Advance(10 * time.Minute)
	}
	return d
}

// deskOwnerPassword is the password the desk's owner chose at setup.
const deskOwnerPassword = "maple-owner-lantern-harbor-92"

// finishSetup sends u's setup email and uses its link as u would (R4).
func finishSetup(t testing.TB, svc *accounts.Service, u accounts.User) {
	t.Helper()
	_, msg, err := svc.SendVerification(accounts.Operator("setup"), u.ID, "", "", accounts.Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UseLink(linkPattern.FindString(msg.Body), deskOwnerPassword); err != nil {
		t.Fatal(err)
	}
}

// lockByFailures fails email's login until the account locks (R11).
func lockByFailures(t testing.TB, svc *accounts.Service, email string) {
	t.Helper()
	for i := range svc.Config().MaxFailures {
		_, err := svc.Login(email, "not-the-password")
		if i < svc.Config().MaxFailures-1 && err != accounts.ErrBadCredentials {
			t.Fatalf("failure %d: want bad credentials, got %v", i+1, err)
		}
		if i == svc.Config().MaxFailures-1 && accounts.RuleOf(err) != "R11" {
			t.Fatalf("failure %d: want the R11 lock, got %v", i+1, err)
		}
	}
}

// newDemo builds a small demo database through `latchkey demo`. It skips
// while the demo seeder is still being written.
func newDemo(t *testing.T) (string, *accounts.FakeClock) {
	t.Helper()
	clk := fakeEnv(t)
	path := storetest.Target(t, "demo.db")
	var r result
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Skipf("accounts.CreateDemo is not ready yet: %v", p)
			}
		}()
		r = run(t, "demo", "--db", path, "--practices", "3", "--seed", "7")
	}()
	if r.code != ExitOK {
		t.Fatalf("demo: exit %d: %s", r.code, r.err)
	}
	return path, clk
}

// skipOnPostgres skips a test of the bbolt file itself (its lock, its
// bytes, the backup socket beside it) when the suite runs on PostgreSQL.
func skipOnPostgres(t *testing.T) {
	t.Helper()
	if storetest.OnPostgres() {
		t.Skip("a test of the bbolt file itself; the PostgreSQL half has no file")
	}
}
