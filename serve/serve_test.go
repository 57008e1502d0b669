package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"latchkey/accounts"
	"latchkey/internal/testwait"
)

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authLine(k gossh.Signer, name string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))) + " " + name
}

// R35: the operators file grants keys to named operators, read-only where
// it says so; lines it cannot read are skipped with the reason, never
// guessed at.
func TestParseOperators(t *testing.T) {
	a, b, c := newKey(t), newKey(t), newKey(t)
	file := strings.Join([]string{
		"# the desk's operators",
		authLine(a, "alice"),
		"read-only " + authLine(b, "rita"),
		"",
		"not a key at all",
		strings.TrimSpace(string(gossh.MarshalAuthorizedKey(c.PublicKey()))), // no name
		"command=\"/bin/sh\" " + authLine(c, "mallory"),                      // an option we do not know
		authLine(a, "impostor"),                                              // alice's key for someone else
	}, "\n")
	got, problems := parseOperators([]byte(file))
	if len(got) != 2 {
		t.Fatalf("granted %d keys: %+v", len(got), got)
	}
	if op := got[string(a.PublicKey().Marshal())]; op.Name != "alice" || op.ReadOnly ||
		op.Fingerprint != gossh.FingerprintSHA256(a.PublicKey()) {
		t.Errorf("alice: %+v", op)
	}
	if op := got[string(b.PublicKey().Marshal())]; op.Name != "rita" || !op.ReadOnly {
		t.Errorf("rita: %+v", op)
	}
	if _, ok := got[string(c.PublicKey().Marshal())]; ok {
		t.Error("a key without a name or with an unknown option was granted")
	}
	if len(problems) != 4 {
		t.Errorf("want 4 problems reported, got %q", problems)
	}
}

// R36: the host key is created readable by its owner only; one others can
// read is refused.
func TestHostKeyOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "host_ed25519")
	if err := ensureHostKey(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	if _, err := gossh.ParsePrivateKey(data); err != nil {
		t.Fatalf("host key unreadable: %v", err)
	}
	if err := ensureHostKey(path); err != nil { // kept as it is
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, data) {
		t.Error("an existing host key was replaced")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ensureHostKey(path); err == nil {
		t.Error("a host key readable by others was accepted")
	}
}

// stub is a console that draws one line and quits on q.
type stub struct{ op string }

func (s stub) Init() tea.Cmd { return nil }
func (s stub) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return s, tea.Quit
	}
	return s, nil
}
func (s stub) View() tea.View { return tea.NewView("console of " + s.op) }

type testServer struct {
	*Server
	alice gossh.Signer
	stop  context.CancelFunc
	done  chan struct{}
}

func startServer(t *testing.T, tweak func(*Options)) *testServer {
	t.Helper()
	dir := t.TempDir()
	svc, err := accounts.Open(filepath.Join(dir, "desk.db"), accounts.SystemClock{}, accounts.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	alice := newKey(t)
	ops := filepath.Join(dir, "operators")
	if err := os.WriteFile(ops, []byte(authLine(alice, "alice")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := Options{Listen: "127.0.0.1:0", Operators: ops, HostKey: filepath.Join(dir, "host"),
		Console: func(op accounts.Actor) tea.Model { return stub{op.Name} },
		Commands: func(_ context.Context, op accounts.Actor, args []string, _ io.Reader, out, _ io.Writer) int {
			_, _ = io.WriteString(out, op.Name+" ran "+strings.Join(args, " "))
			return 0
		}}
	if tweak != nil {
		tweak(&o)
	}
	srv, err := New(svc, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: srv, alice: alice, stop: cancel, done: make(chan struct{})}
	go func() { _ = srv.Serve(ctx, 5*time.Second); close(ts.done) }()
	t.Cleanup(func() { cancel(); <-ts.done; _ = svc.Close() })
	return ts
}

func (ts *testServer) client(t *testing.T) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", ts.Addr().String(), &gossh.ClientConfig{User: "alice",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(ts.alice)}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// syncBuffer collects a session's output from the client's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// console opens an 80x24 PTY session and returns its output and the session.
func (ts *testServer) console(t *testing.T) (*syncBuffer, *gossh.Session) {
	t.Helper()
	out, _, s := openConsole(t, ts.client(t), 24, 80)
	return out, s
}

// openConsole opens a PTY session of rows by cols on c and returns its
// output, its input and the session.
func openConsole(t *testing.T, c *gossh.Client, rows, cols int) (*syncBuffer, io.Writer, *gossh.Session) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	s.Stdout, s.Stderr = out, out
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	return out, in, s
}

// R35: a console with no keys for the idle timeout ends, saying why.
func TestIdleConsoleEndsWithAMessage(t *testing.T) {
	ts := startServer(t, func(o *Options) { o.IdleTimeout = 200 * time.Millisecond })
	out, s := ts.console(t)
	testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "console of alice") })
	testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "no keys for 200ms") })
	if err := s.Wait(); err != nil {
		t.Errorf("idle session ended with %v", err)
	}
}

// R35: at most MaxSessions at once; one more is told the desk is full.
func TestMaxSessions(t *testing.T) {
	ts := startServer(t, func(o *Options) { o.MaxSessions = 1 })
	out, _ := ts.console(t)
	testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "console of alice") })
	s, err := ts.client(t).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	s.Stderr = &stderr
	err = s.Run("lockouts")
	var ee *gossh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 1 || !strings.Contains(stderr.String(), "desk is full") {
		t.Errorf("a session past the maximum: %v, %q", err, stderr.String())
	}
}

// R35: stopping the server tells every console, and Serve returns.
func TestShutdownTellsConsoles(t *testing.T) {
	ts := startServer(t, nil)
	out, s := ts.console(t)
	testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "console of alice") })
	ts.stop()
	testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "server is stopping") })
	_ = s.Wait()
	select {
	case <-ts.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// R35: a console that ends leaves nothing running behind it: the drawing
// goroutine, the session's watcher and Bubble Tea's own all end, so a desk
// that serves consoles all day does not grow.
func TestConsolesLeaveNoGoroutines(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.client(t)
	session := func() {
		out, in, s := openConsole(t, c, 24, 80)
		testwait.Until(t, 5*time.Second, out.String, func() bool { return strings.Contains(out.String(), "console of alice") })
		_ = s.WindowChange(30, 100)
		_, _ = io.WriteString(in, "q")
		_ = s.Wait()
	}
	session() // the first session starts what lasts as long as the server
	before := runtime.NumGoroutine()
	for range 5 {
		session()
	}
	count := func() string { return fmt.Sprintf("%d goroutines, %d before", runtime.NumGoroutine(), before) }
	testwait.Until(t, 5*time.Second, count, func() bool { return runtime.NumGoroutine() <= before })
}

// copier is a console whose every key changes the view and copies to the
// clipboard, as the desk's "copy login" does.
type copier struct{ n int }

func (c copier) Init() tea.Cmd { return tea.RequestBackgroundColor }
func (c copier) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if k.String() == "q" {
			return c, tea.Quit
		}
		c.n++
		return c, tea.SetClipboard(fmt.Sprintf("copied %d", c.n))
	}
	return c, nil
}
func (c copier) View() tea.View {
	return tea.NewView(fmt.Sprintf("frame %d\n%s", c.n, strings.Repeat("x", 70*c.n%2000)))
}

// R35: what Bubble Tea writes itself (a clipboard copy, a colour query)
// reaches an SSH operator between the frames, through the console's screen,
// its only writer (an SSH channel's writers share one packet buffer; see
// screen.Screen.Write): each copy arrives, none is lost.
func TestFramesAndCopiesShareTheSessionOneAtATime(t *testing.T) {
	ts := startServer(t, func(o *Options) {
		o.Console = func(accounts.Actor) tea.Model { return copier{} }
	})
	out, in, s := openConsole(t, ts.client(t), 40, 140)
	for i := 1; i <= 5; i++ {
		_, _ = io.WriteString(in, "c")
		want := ansi.SetSystemClipboard(fmt.Sprintf("copied %d", i))
		testwait.Until(t, 5*time.Second, func() string { return "no " + want }, func() bool { return strings.Contains(out.String(), want) })
	}
	_, _ = io.WriteString(in, "q")
	_ = s.Wait()
}
