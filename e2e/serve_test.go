package e2e

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A served desk driven with the real ssh client (R35): two operators'
// consoles in tmux over SSH, alice unlocks from her console and bob's
// lockouts pane drops the row by itself; `ssh … lockouts --json` answers
// JSON; an unknown key and a read-only operator's write are refused; a
// subcommand on the server's machine runs through the served desk; SIGTERM
// tells the consoles and stops cleanly.
func TestServedDeskOverSSH(t *testing.T) {
	bin, db := setUp(t)
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: apt-get install -y openssh-client (.ci/run installs it)")
	}
	dir := t.TempDir()
	alice, bob, rita, eve := sshKey(t, dir, "alice"), sshKey(t, dir, "bob"), sshKey(t, dir, "rita"), sshKey(t, dir, "eve")
	ops := filepath.Join(dir, "operators")
	if err := os.WriteFile(ops, []byte(alice.line("")+bob.line("")+rita.line("read-only")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, addr := startServe(t, bin, db, ops, filepath.Join(dir, "host_ed25519"))
	port := addr[strings.LastIndex(addr, ":")+1:]
	ssh := func(k key, args ...string) *exec.Cmd {
		base := []string{"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
			"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-i", k.path, "-p", port, "127.0.0.1"}
		return exec.Command("ssh", append(base, args...)...)
	}

	// Commands over SSH, with --json.
	out, err := ssh(alice, "lockouts", "--json").Output()
	if err != nil {
		t.Fatalf("ssh lockouts: %v", err)
	}
	var locks []struct {
		User string `json:"user"`
	}
	decode(t, out, &locks)
	if len(locks) < 2 {
		t.Fatalf("lockouts over SSH: %s", out)
	}
	// An unknown key is refused by the server; ssh exits 255.
	if err := ssh(eve, "lockouts").Run(); exitCode(err) != 255 {
		t.Errorf("unknown key: %v", err)
	}
	// A read-only operator's write is refused by rule R35, exit 2.
	cmd := ssh(rita, "users", "unlock", locks[0].User, "--reason", "r", "--verified-by", "v")
	msg, err := cmd.CombinedOutput()
	if exitCode(err) != 2 || !strings.Contains(string(msg), "R35") {
		t.Errorf("read-only unlock: %v %s", err, msg)
	}
	// On the server's machine, a subcommand runs through the served desk.
	out, err = exec.Command(bin, "lockouts", "--db", db, "--json").Output()
	if err != nil {
		t.Fatalf("local lockouts while served: %v", err)
	}
	decode(t, out, &locks)

	// Two consoles over SSH.
	sshLine := func(k key) string {
		return "ssh -tt -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -i '" +
			k.path + "' -p " + port + " 127.0.0.1"
	}
	ta := startTmux(t, sshLine(alice), 120, 36)
	tb := startTmux(t, sshLine(bob), 80, 24)
	first := locks[0].User
	shown := first[:min(len(first), 16)]
	for _, tm := range []*tmux{ta, tb} {
		tm.waitFor("the console over SSH", 10*time.Second, func(s string) bool {
			return strings.Contains(s, "Lockouts") && strings.Contains(s, "operator ")
		})
		tm.send("4")
	}
	ta.waitFor("alice's lockouts", 5*time.Second, func(s string) bool { return hasRow(s, shown) })
	tb.waitFor("bob's lockouts", 5*time.Second, func(s string) bool { return hasRow(s, first[:min(len(first), 10)]) })

	ta.fillUnlockForm("called from the clinic", "call-back to the number on file")
	ta.waitFor("the confirmation", 5*time.Second, isConfirm)
	ta.send("Tab")
	ta.send("Enter")
	ta.waitFor("the row to leave alice's pane", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Unlocked") && !hasRow(s, shown)
	})
	tb.waitFor("the row to leave bob's pane, with no key pressed", 3*time.Second, func(s string) bool {
		return !hasRow(s, first[:min(len(first), 10)])
	})

	// SIGTERM: every console is told, the server stops cleanly.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for _, tm := range []*tmux{ta, tb} {
		tm.waitFor("the stopping message", 10*time.Second, func(s string) bool {
			return strings.Contains(s, "server is stopping") && strings.Contains(s, "EXITED")
		})
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	// The file is free, and holds alice's unlock.
	latchkey(t, bin, "check", "--db", db)
	out = latchkey(t, bin, "audit", "list", "--db", db, "--json", "--user", first, "--limit", "3")
	if !strings.Contains(string(out), `"actor": "alice"`) {
		t.Errorf("alice's unlock is not in the audit: %s", out)
	}
}

type key struct {
	name, path string
	pub        gossh.PublicKey
}

// sshKey writes a new Ed25519 key for name, as ssh-keygen would.
func sshKey(t testing.TB, dir, name string) key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return key{name: name, path: path, pub: sp}
}

func (k key) line(options string) string {
	l := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.pub))) + " " + k.name + "\n"
	if options != "" {
		l = options + " " + l
	}
	return l
}

var servingAt = regexp.MustCompile(`serving the desk addr=(\S+)`)

// startServe runs `latchkey serve` on a free port and returns it with its
// address, read from its log.
func startServe(t testing.TB, bin, db, ops, hostKey string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--operators", ops, "--host-key", hostKey, "--listen", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case addr := <-found:
		if fi, err := os.Stat(hostKey); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("host key: %v %v (want owner-only)", fi, err)
		}
		return cmd, addr
	case <-time.After(10 * time.Second):
		t.Fatal("latchkey serve did not start")
	}
	return nil, ""
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}
