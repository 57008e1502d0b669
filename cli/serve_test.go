package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/pquerna/otp/totp"
	gossh "golang.org/x/crypto/ssh"

	"latchkey/accounts"
	"latchkey/internal/testwait"
	"latchkey/serve"
	"latchkey/tui"
)

// An end-to-end desk server for tests: the real SSH server over a desk's
// service, operators with their own keys, and golang.org/x/crypto/ssh as
// the client.

type operatorKey struct {
	name   string
	signer gossh.Signer
}

func newOperatorKey(t testing.TB, name string) operatorKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return operatorKey{name: name, signer: s}
}

// line is the key's line in the operators file.
func (k operatorKey) line(options string) string {
	l := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.signer.PublicKey()))) + " " + k.name
	if options != "" {
		l = options + " " + l
	}
	return l + "\n"
}

// testDesk is a served desk.
type testDesk struct {
	addr    string
	svc     *accounts.Service
	dir     string
	views   sync.Map // operator → *atomic.Value holding their console's last frame
	stopped chan struct{}
	stop    context.CancelFunc
}

// serveDesk serves the database at path to the given operators file lines.
func serveDesk(t testing.TB, path string, clk accounts.Clock, lines ...string) *testDesk {
	t.Helper()
	svc, err := accounts.Open(path, clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	d := &testDesk{svc: svc, dir: t.TempDir(), stopped: make(chan struct{})}
	ops := filepath.Join(d.dir, "operators")
	if err := os.WriteFile(ops, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(svc, serve.Options{
		Listen: "127.0.0.1:0", Operators: ops, HostKey: filepath.Join(d.dir, "host_ed25519"),
		IdleTimeout: time.Hour,
		Commands:    hostedCommands(svc),
		Console: func(op accounts.Actor) tea.Model {
			v := &atomic.Value{}
			v.Store("")
			d.views.Store(op.Name, v)
			return frameSpy{inner: tui.New(svc, tui.Options{Operator: op.Name, ReadOnly: op.ReadOnly, Location: time.UTC}), last: v}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	d.addr = srv.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	go func() { _ = srv.Serve(ctx, 10*time.Second); close(d.stopped) }()
	t.Cleanup(func() { cancel(); <-d.stopped; _ = svc.Close() })
	return d
}

// frameSpy is the console, remembering the last frame it drew: what the
// operator's terminal shows.
type frameSpy struct {
	inner tea.Model
	last  *atomic.Value
}

func (f frameSpy) Init() tea.Cmd { return f.inner.Init() }
func (f frameSpy) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := f.inner.Update(msg)
	f.inner = m
	return f, cmd
}
func (f frameSpy) View() tea.View {
	v := f.inner.View()
	f.last.Store(v.Content)
	return v
}

// frame is the last frame operator's console drew.
func (d *testDesk) frame(operator string) string {
	v, ok := d.views.Load(operator)
	if !ok {
		return ""
	}
	return ansi.Strip(v.(*atomic.Value).Load().(string))
}

func (d *testDesk) dial(k operatorKey) (*gossh.Client, error) {
	return gossh.Dial("tcp", d.addr, &gossh.ClientConfig{
		User:            k.name,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(k.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a fresh test key each run
		Timeout:         5 * time.Second,
	})
}

// sshRun runs a command over SSH without a terminal, as `ssh desk CMD` does.
func (d *testDesk) sshRun(t testing.TB, k operatorKey, cmd string) result {
	t.Helper()
	c, err := d.dial(k)
	if err != nil {
		t.Fatalf("%s: dial: %v", k.name, err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	err = s.Run(cmd)
	r := result{out: out.String(), err: errb.String()}
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitStatus()
	case err != nil:
		t.Fatalf("%s: %s: %v", k.name, cmd, err)
	}
	return r
}

// console opens a console over a PTY as k's operator and returns its input.
func (d *testDesk) console(t testing.TB, k operatorKey, w, h int) io.Writer {
	t.Helper()
	c, err := d.dial(k)
	if err != nil {
		t.Fatalf("%s: dial: %v", k.name, err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.Stdout, s.Stderr = io.Discard, io.Discard
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(); _ = c.Close() })
	return in
}

// R35, R33: commands over SSH run as the key's operator, with --json; the
// audit records the operator and the key's fingerprint; commands that write
// files on the server are refused there.
func TestServeCommandsOverSSH(t *testing.T) {
	dk := newDesk(t)
	alice := newOperatorKey(t, "alice")
	d := serveDesk(t, dk.path, dk.clk, alice.line(""))

	var locks []lockoutJSON
	r := d.sshRun(t, alice, "lockouts --json")
	decodeJSON(t, r, &locks)
	if len(locks) != 2 {
		t.Fatalf("lockouts over SSH: %+v", locks)
	}
	var res actionJSON
	decodeJSON(t, d.sshRun(t, alice, "users unlock "+locks[0].User+" --reason 'called the desk' --verified-by 'call-back to the number on file' --json"), &res)
	if !res.OK || res.Operator != "alice" {
		t.Errorf("unlock over SSH: %+v", res)
	}
	evs, err := d.svc.Audit(accounts.AuditQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Action != accounts.ActAccountUnlocked || evs[0].Actor != "alice" || evs[0].Reason != "called the desk" {
		t.Errorf("unlock event: %+v", evs[0])
	}
	fp := gossh.FingerprintSHA256(alice.signer.PublicKey())
	if evs[1].Action != accounts.ActSessionCommand || evs[1].Actor != "alice" || !strings.Contains(evs[1].Detail, fp) ||
		strings.Contains(evs[1].Detail, "call-back") {
		t.Errorf("session event: %+v (want the key %s and no flag values)", evs[1], fp)
	}
	// A refusal comes back as JSON with its rule and exit 2.
	r = d.sshRun(t, alice, "users unlock "+locks[0].User+" --reason again --verified-by again --json")
	var e errorJSON
	decodeJSON(t, r, &e)
	if r.code != ExitRefused || e.Rule != "R13" {
		t.Errorf("second unlock: exit %d, %+v", r.code, e)
	}
	// So does a usage error.
	r = d.sshRun(t, alice, "users unlock --json")
	decodeJSON(t, r, &e)
	if r.code != ExitUsage || e.Usage == "" {
		t.Errorf("usage error over SSH: exit %d, %+v", r.code, e)
	}
	for _, cmd := range []string{"demo --db /tmp/nope.db", "backup /tmp/nope.db", "serve",
		"audit checkpoint --out /tmp/nope.db", "check --checkpoint /etc/passwd"} {
		if r := d.sshRun(t, alice, cmd); r.code != ExitFailure || !strings.Contains(r.err, "not available over SSH") {
			t.Errorf("%s over SSH: exit %d, %s", cmd, r.code, r.err)
		}
	}
	if _, err := os.Stat("/tmp/nope.db"); err == nil {
		t.Error("a command over SSH wrote a file on the server")
	}
	// --operator cannot turn alice into someone else.
	if r := d.sshRun(t, alice, "lockouts --operator bob"); r.code != ExitUsage {
		t.Errorf("--operator over SSH: exit %d", r.code)
	}
}

// R35: over SSH a command's help lists only flags that work there: the
// desk's own database, key file and the key's operator are the server's,
// so --db, --key-file and --operator are left out; --read-only (giving up
// writing) and the command's own flags stay. Locally they are all listed.
func TestServeHelpShowsOnlyWhatWorksOverSSH(t *testing.T) {
	dk := newDesk(t)
	alice := newOperatorKey(t, "alice")
	d := serveDesk(t, dk.path, dk.clk, alice.line(""))
	for _, cmd := range []string{"users unlock --help", "lockouts --help", "help approvals"} {
		r := d.sshRun(t, alice, cmd)
		if r.code != ExitOK || !strings.Contains(r.out, "--read-only") {
			t.Fatalf("%s over SSH: exit %d\n%s%s", cmd, r.code, r.out, r.err)
		}
		for _, flag := range []string{"--db", "--key-file", "--operator"} {
			if strings.Contains(r.out, flag) {
				t.Errorf("%s over SSH lists %s, which the server ignores:\n%s", cmd, flag, r.out)
			}
		}
	}
	if r := d.sshRun(t, alice, "users unlock --help"); !strings.Contains(r.out, "--reason") {
		t.Errorf("the command's own flags are gone:\n%s", r.out)
	}
	var out bytes.Buffer
	if code := New(IO{In: strings.NewReader(""), Out: &out, Err: &out}).Run([]string{"lockouts", "--help"}); code != ExitOK ||
		!strings.Contains(out.String(), "--db") || !strings.Contains(out.String(), "--operator") {
		t.Errorf("locally the help lost its flags (exit %d):\n%s", code, out.String())
	}
}

// R35: a key that is not on the operators list does not get in; a key
// added to the file gets in without a restart, and one removed is refused.
func TestServeUnknownKeyRefused(t *testing.T) {
	dk := newDesk(t)
	alice, eve := newOperatorKey(t, "alice"), newOperatorKey(t, "eve")
	d := serveDesk(t, dk.path, dk.clk, alice.line(""))
	if c, err := d.dial(eve); err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	ops := filepath.Join(d.dir, "operators")
	// The file changes: eve is added, alice removed.
	if err := os.WriteFile(ops, []byte(eve.line("")+"# alice left\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := d.sshRun(t, eve, "lockouts --json"); r.code != ExitOK {
		t.Errorf("eve after being added: exit %d %s", r.code, r.err)
	}
	if c, err := d.dial(alice); err == nil {
		c.Close()
		t.Error("a key removed from the file still gets in")
	}
}

// R35: a read-only operator sees everything and every write is refused, by
// rule, whatever it is.
func TestServeReadOnlyRefusedEveryWrite(t *testing.T) {
	dk := newDesk(t)
	rita := newOperatorKey(t, "rita")
	d := serveDesk(t, dk.path, dk.clk, rita.line("read-only"))
	if r := d.sshRun(t, rita, "lockouts --json"); r.code != ExitOK {
		t.Fatalf("read-only lockouts: exit %d %s", r.code, r.err)
	}
	before := d.svc.ChangeSeq()
	writes := []string{
		"users unlock " + dk.locked[0] + " --reason r --verified-by v",
		"users inactivate " + dk.staff[0] + " --requested-by " + dk.owner + " --reason r",
		"users add --practice 1 --name 'New Person' --email new.person@example.org --email-confirm new.person@example.org --kind staff --requested-by " + dk.owner,
		"practices add 'Sneaky Clinic' --licenses 3",
		"licenses set 1 9 --reason r",
		"clock advance 5m",
		"sim --duration 1s",
	}
	for _, w := range writes {
		r := d.sshRun(t, rita, w+" --json")
		var e errorJSON
		_ = decodeJSONQuiet(r, &e)
		// A non-demo's clock is refused by R39 for everyone; the rest by R35.
		if r.code == ExitOK || (r.code == ExitRefused && e.Rule != "R35" && !(strings.HasPrefix(w, "clock") && e.Rule == "R39")) {
			t.Errorf("read-only %q: exit %d, %+v %s", w, r.code, e, r.err)
		}
	}
	if ls, _ := d.svc.Lockouts(0); len(ls) != 2 {
		t.Errorf("a read-only operator unlocked someone")
	}
	// Only refusals and session records were written.
	evs, _ := d.svc.Audit(accounts.AuditQuery{Limit: int(d.svc.ChangeSeq() - before)})
	for _, e := range evs {
		if !strings.HasPrefix(e.Outcome, "refused") && !strings.HasPrefix(e.Action, "session.") {
			t.Errorf("a read-only session wrote %+v", e)
		}
	}
}

func decodeJSONQuiet(r result, v any) error { return json.Unmarshal([]byte(r.out), v) }

// R1, R35, R3, R41: sixteen operators racing over SSH for a practice's last
// license, each on a request proven by their own passed check (R41):
// exactly one wins, the others are refused by R1, and the count never passes
// the purchase.
func TestServeRaceForTheLastLicense(t *testing.T) {
	dk := newDesk(t) // Maple Clinic: 6 licenses, 5 in use
	keys := make([]operatorKey, 16)
	var lines []string
	for i := range keys {
		keys[i] = newOperatorKey(t, fmt.Sprintf("op%02d", i))
		lines = append(lines, keys[i].line(""))
	}
	d := serveDesk(t, dk.path, dk.clk, lines...)
	// R3, R41: each racer adds at the owner's request proven by their own
	// passed check of her: her authenticator app, enrolled more than a
	// week before (a desk that is not a demo shows no code it sends), its
	// code read back once per 30-second step (the replay guard, R23).
	e, err := d.svc.StartEnrolment(dk.owner, deskOwnerPassword, "", accounts.MFAApp, "")
	if err != nil {
		t.Fatal(err)
	}
	appCode := func() string {
		c, err := totp.GenerateCode(strings.ReplaceAll(e.ManualKey, " ", ""), dk.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := d.svc.ConfirmEnrolment(dk.owner, appCode()); err != nil {
		t.Fatal(err)
	}
	dk.clk.Advance(8 * 24 * time.Hour)
	checks := make([]string, len(keys))
	for i, k := range keys {
		dk.clk.Advance(30 * time.Second)
		var v struct {
			ID uint64 `json:"id"`
		}
		decodeJSON(t, d.sshRun(t, k, "verify start "+dk.owner+" --method app --json"), &v)
		checks[i] = fmt.Sprint(v.ID)
		if r := d.sshRun(t, k, "verify check "+checks[i]+" --code "+appCode()); r.code != ExitOK {
			t.Fatalf("%s's check of the owner: exit %d %s", k.name, r.code, r.err)
		}
	}
	codes := make([]result, len(keys))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			email := fmt.Sprintf("racer%02d@mapleclinic.test", i)
			codes[i] = d.sshRun(t, k, fmt.Sprintf("users add --practice %d --name 'Racer %d' --email %s --email-confirm %s --kind staff --requested-by %s --verification %s --json",
				dk.practID, i, email, email, dk.owner, checks[i]))
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, r := range codes {
		switch r.code {
		case ExitOK:
			won++
		case ExitRefused:
			var e errorJSON
			decodeJSON(t, r, &e)
			if e.Rule != "R1" {
				t.Errorf("racer %d refused by %s, want R1: %s", i, e.Rule, e.Error)
			}
		default:
			t.Errorf("racer %d: exit %d %s", i, r.code, r.err)
		}
	}
	if won != 1 {
		t.Errorf("%d racers got the last license, want exactly 1", won)
	}
	p, err := d.svc.Practice(dk.practID)
	if err != nil || p.InUse != p.Purchased {
		t.Errorf("after the race: %d of %d in use (%v)", p.InUse, p.Purchased, err)
	}
}

// R35: two operators' consoles over PTYs; when one unlocks a user, the
// other's lockouts pane drops the row within a second, without a key.
func TestServeTwoConsolesSeeEachOther(t *testing.T) {
	dk := newDesk(t)
	alice, bob := newOperatorKey(t, "alice"), newOperatorKey(t, "bob")
	d := serveDesk(t, dk.path, dk.clk, alice.line(""), bob.line(""))
	ain := d.console(t, alice, 140, 40)
	bin := d.console(t, bob, 100, 30)
	for _, in := range []io.Writer{ain, bin} {
		if _, err := io.WriteString(in, "4"); err != nil { // the lockouts pane
			t.Fatal(err)
		}
	}
	target := dk.locked[0]
	name := strings.Split(target, "@")[0] // the name column; the login may be cut short
	for _, op := range []string{"alice", "bob"} {
		testwait.Until(t, 5*time.Second, func() string { return op + "'s lockouts pane shows " + target + "; it shows:\n" + d.frame(op) }, func() bool {
			return strings.Contains(d.frame(op), name) && strings.Contains(d.frame(op), "operator "+op)
		})
	}
	// alice, her console open, unlocks the user from her shell over SSH.
	if r := d.sshRun(t, alice, "users unlock "+target+" --reason called --verified-by call-back"); r.code != ExitOK {
		t.Fatalf("alice's unlock: exit %d %s", r.code, r.err)
	}
	start := time.Now()
	testwait.Until(t, 3*time.Second, func() string { return "bob's pane drops the unlocked row:\n" + d.frame("bob") }, func() bool {
		return !strings.Contains(d.frame("bob"), name)
	})
	if took := time.Since(start); took > time.Second+200*time.Millisecond {
		t.Errorf("bob saw alice's unlock after %s, want within a second (R35)", took)
	}
}

// R35, R36: with the desk open in this process, a subcommand on the same
// machine runs through it — as the caller's operator — instead of failing
// "in use".
func TestCommandThroughOpenDesk(t *testing.T) {
	skipOnPostgres(t) // the socket beside a file: a shared database needs none
	dk := newDesk(t)
	svc, err := accounts.Open(dk.path, dk.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	stop, err := (&app{}).listenLocal(svc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); _ = svc.Close() }()

	var locks []lockoutJSON
	decodeJSON(t, mustRun(t, "lockouts", "--db", dk.path, "--json"), &locks)
	if len(locks) != 2 {
		t.Fatalf("lockouts through the open desk: %+v", locks)
	}
	var res actionJSON
	decodeJSON(t, mustRun(t, "users", "unlock", locks[0].User, "--db", dk.path, "--operator", "carol",
		"--reason", "r", "--verified-by", "v", "--json"), &res)
	if res.Operator != "carol" {
		t.Errorf("the open desk ran it as %q, want the caller's operator carol", res.Operator)
	}
	// The holder's own service saw the change at once.
	if ls, _ := svc.Lockouts(0); len(ls) != 1 {
		t.Errorf("holder sees %d lockouts", len(ls))
	}
	// A refusal keeps its exit code and JSON.
	r := run(t, "users", "unlock", locks[0].User, "--db", dk.path, "--reason", "r", "--verified-by", "v", "--json")
	var e errorJSON
	decodeJSON(t, r, &e)
	if r.code != ExitRefused || e.Rule != "R13" {
		t.Errorf("refusal through the open desk: exit %d %+v", r.code, e)
	}
	// --read-only travels with the caller.
	if r := run(t, "users", "unlock", locks[1].User, "--db", dk.path, "--read-only", "--reason", "r", "--verified-by", "v"); r.code != ExitRefused || !strings.Contains(r.err, "R35") {
		t.Errorf("read-only through the open desk: exit %d %s", r.code, r.err)
	}
}

// relock fails login's logins until it is locked again (R11), with the
// benchmark's timer stopped.
func relock(b *testing.B, svc *accounts.Service, login string) {
	b.StopTimer()
	for range svc.Config().MaxFailures {
		_, _ = svc.Login(login, "not-the-password")
	}
	b.StartTimer()
}

// R35: an unlock run over SSH by alice, timed until bob's console — open
// over a PTY on the lockouts pane — has drawn the pane without the row.
func BenchmarkUnlockOverSSHToOtherConsole(b *testing.B) {
	dk := newDesk(b)
	alice, bob := newOperatorKey(b, "alice"), newOperatorKey(b, "bob")
	d := serveDesk(b, dk.path, dk.clk, alice.line(""), bob.line(""))
	in := d.console(b, bob, 120, 40)
	if _, err := io.WriteString(in, "4"); err != nil {
		b.Fatal(err)
	}
	target := dk.locked[0]
	name := strings.Split(target, "@")[0]
	b.ResetTimer()
	for range b.N {
		relock(b, d.svc, target)
		b.StopTimer()
		testwait.Until(b, 5*time.Second, func() string { return "bob sees the lock" }, func() bool { return strings.Contains(d.frame("bob"), name) })
		b.StartTimer()
		if r := d.sshRun(b, alice, "users unlock "+target+" --reason r --verified-by v"); r.code != ExitOK {
			b.Fatalf("unlock: %d %s", r.code, r.err)
		}
		testwait.Until(b, 5*time.Second, func() string { return "bob's redraw" }, func() bool { return !strings.Contains(d.frame("bob"), name) })
	}
}

// An unlock through the socket of an open desk (a second invocation of the
// command line, forwarded), against the same unlock run in-process over the
// held service.
func BenchmarkUnlockThroughSocket(b *testing.B) {
	dk := newDesk(b)
	svc, err := accounts.Open(dk.path, dk.clk, newConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	stop, err := (&app{}).listenLocal(svc)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	b.ResetTimer()
	for range b.N {
		relock(b, svc, dk.locked[0])
		var out, errb bytes.Buffer
		if code := New(IO{In: strings.NewReader(""), Out: &out, Err: &errb}).Run([]string{"users", "unlock", dk.locked[0],
			"--db", dk.path, "--operator", "carol", "--reason", "r", "--verified-by", "v", "--json"}); code != ExitOK {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

func BenchmarkUnlockInProcess(b *testing.B) {
	dk := newDesk(b)
	svc, err := accounts.Open(dk.path, dk.clk, newConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	h := Host{Service: svc, Operator: accounts.Operator("carol")}
	b.ResetTimer()
	for range b.N {
		relock(b, svc, dk.locked[0])
		var out, errb bytes.Buffer
		if code := NewHosted(IO{In: strings.NewReader(""), Out: &out, Err: &errb}, h).Run([]string{"users", "unlock", dk.locked[0],
			"--reason", "r", "--verified-by", "v", "--json"}); code != ExitOK {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}

// R35: two operators with the same user open over SSH see each other
// ("also here"), and stop seeing each other when one leaves.
func TestServeAlsoHere(t *testing.T) {
	dk := newDesk(t)
	alice, bob := newOperatorKey(t, "alice"), newOperatorKey(t, "bob")
	d := serveDesk(t, dk.path, dk.clk, alice.line(""), bob.line(""))
	ins := map[string]io.Writer{"alice": d.console(t, alice, 140, 40), "bob": d.console(t, bob, 140, 40)}
	name := strings.Split(dk.locked[0], "@")[0]
	for op, in := range ins {
		_, _ = io.WriteString(in, "4")
		testwait.Until(t, 5*time.Second, func() string { return op + "'s lockouts:\n" + d.frame(op) }, func() bool {
			return strings.Contains(d.frame(op), name)
		})
		_, _ = io.WriteString(in, "\r") // open the first lockout's user
	}
	testwait.Until(t, 5*time.Second, func() string { return "alice sees bob:\n" + d.frame("alice") }, func() bool {
		return strings.Contains(d.frame("alice"), "also here: bob")
	})
	testwait.Until(t, 5*time.Second, func() string { return "bob sees alice:\n" + d.frame("bob") }, func() bool {
		return strings.Contains(d.frame("bob"), "also here: alice")
	})
	_, _ = io.WriteString(ins["bob"], "\x1b") // bob leaves the detail
	testwait.Until(t, 5*time.Second, func() string { return "alice alone:\n" + d.frame("alice") }, func() bool {
		return !strings.Contains(d.frame("alice"), "also here")
	})
}
