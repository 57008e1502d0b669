// Package e2e drives the real latchkey binary in tmux, the way an operator
// uses it: keys in, screen read back.
package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The desk at 120x36 (R31, R32, R13, R29, R35): `4` shows the lockouts with
// countdowns; `u` opens the unlock form (reason, how the caller was
// verified); the confirmation opens with No focused, so enter alone changes
// nothing; choosing Unlock removes the row, and `latchkey audit list` shows
// the unlock with its reason and the operator.
func TestConsoleUnlocksALockout(t *testing.T) {
	bin, db := setUp(t)

	var locks []struct {
		User string `json:"user"`
	}
	decode(t, latchkey(t, bin, "lockouts", "--db", db, "--json"), &locks)
	if len(locks) < 2 {
		t.Fatalf("the demo has %d lockouts; want at least 2", len(locks))
	}
	first := locks[0].User
	const reason, verifiedBy = "caller locked out after vacation", "callback on the number on file"
	shown := first[:min(len(first), 16)] // the pane may shorten long logins

	tm := startTmux(t, fmt.Sprintf("'%s' --db '%s' --operator e2e", bin, db), 120, 36)
	tm.waitFor("the console's tabs", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "Lockouts") && strings.Contains(s, "Practices")
	})

	tm.send("4")
	tm.waitFor("the lockouts pane with the first lockout", 5*time.Second, func(s string) bool {
		return hasRow(s, shown)
	})

	// No is focused: enter alone cancels, and the lockout stays.
	tm.fillUnlockForm(reason, verifiedBy)
	tm.waitFor("the confirmation", 5*time.Second, func(s string) bool {
		return isConfirm(s)
	})
	tm.send("Enter")
	tm.waitFor("the form again, as typed", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "back to the form") && strings.Contains(s, reason)
	})

	// The values are kept: enter through them, and choose Unlock.
	tm.send("Enter")
	tm.send("Enter")
	tm.waitFor("the confirmation", 5*time.Second, func(s string) bool {
		return isConfirm(s)
	})
	tm.send("Tab") // move the focus from No to Unlock
	tm.send("Enter")
	tm.waitFor("the row to leave the lockouts pane", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Unlocked") && !hasRow(s, shown)
	})

	tm.send("q")
	tm.waitFor("the console to quit", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "EXITED 0")
	})

	// The file is free again; the command line sees what the console did.
	var after []struct {
		User string `json:"user"`
	}
	decode(t, latchkey(t, bin, "lockouts", "--db", db, "--json"), &after)
	for _, l := range after {
		if l.User == first {
			t.Errorf("%s is still locked", first)
		}
	}
	var events []struct {
		Action     string `json:"action"`
		Actor      string `json:"actor"`
		Target     string `json:"target"`
		Reason     string `json:"reason"`
		VerifiedBy string `json:"verified_by"`
		Outcome    string `json:"outcome"`
	}
	decode(t, latchkey(t, bin, "audit", "list", "--db", db, "--json", "--user", first, "--limit", "5"), &events)
	found := false
	for _, e := range events {
		if e.Action == "account.unlocked" && e.Outcome == "ok" && e.Actor == "e2e" &&
			e.Reason == reason && e.VerifiedBy == verifiedBy {
			found = true
		}
	}
	if !found {
		t.Errorf("no audited unlock of %s by e2e with its reason; events: %+v", first, events)
	}
}

// hasRow reports whether a line other than the flash message names login.
func hasRow(screen, login string) bool {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, login) && !strings.Contains(line, "Unlocked") && !strings.Contains(line, "cancelled") {
			return true
		}
	}
	return false
}

// R32 at 80x24, the smallest size the console supports: the tabs show, `4`
// shows the lockouts, and their countdowns tick.
func TestConsoleAt80x24CountsDown(t *testing.T) {
	bin, db := setUp(t)
	tm := startTmux(t, fmt.Sprintf("'%s' --db '%s' --operator e2e", bin, db), 80, 24)
	tm.waitFor("the console's tabs", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "Practices") && strings.Contains(s, "Lockouts")
	})
	tm.send("4")
	first := tm.waitFor("the lockouts pane", 5*time.Second, func(s string) bool {
		return countdown.MatchString(s)
	})
	was := countdown.FindAllString(first, -1)
	tm.waitFor("the countdowns to tick", 5*time.Second, func(s string) bool {
		now := countdown.FindAllString(s, -1)
		return len(now) > 0 && strings.Join(now, " ") != strings.Join(was, " ")
	})
	tm.send("q")
	tm.waitFor("the console to quit", 5*time.Second, func(s string) bool { return strings.Contains(s, "EXITED 0") })
}

// countdown matches a time left such as 9:03 or 1:02:03 at the end of a row.
var countdown = regexp.MustCompile(`(?m)\b\d{1,2}:\d{2}(:\d{2})?\s*$`)

// setUp skips where the end-to-end tests cannot run, builds the binary and
// a small demo database (seed 7, 8 practices, 10 lockouts).
func setUp(t testing.TB) (bin, db string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end console tests need it (apt-get install -y tmux; .ci/run installs it)")
	}
	dir := t.TempDir()
	bin = buildLatchkey(t, dir)
	db = filepath.Join(dir, "desk.db")
	latchkey(t, bin, "demo", "--db", db, "--seed", "7", "--practices", "8")
	return bin, db
}

// isConfirm reports whether the unlock confirmation is on screen.
func isConfirm(s string) bool {
	return strings.Contains(s, "[ No ]") && strings.Contains(s, "[ Unlock ]") && strings.Contains(s, "now?")
}

// fillUnlockForm presses u on the focused lockout and fills the form,
// waiting for each field to take the focus before typing into it: the form
// moves the focus asynchronously, so keys typed ahead could land in the
// field being left.
func (tm *tmux) fillUnlockForm(reason, verifiedBy string) {
	tm.t.Helper()
	tm.send("u")
	tm.waitFor("the unlock form, on Reason", 5*time.Second, func(s string) bool {
		return focused(s, "Reason") && strings.Contains(s, "verified")
	})
	tm.sendText(reason)
	tm.waitFor("the reason typed", 5*time.Second, func(s string) bool { return strings.Contains(s, reason) })
	tm.send("Enter")
	tm.waitFor("the focus on how the caller was verified", 5*time.Second, func(s string) bool {
		return focused(s, "verified")
	})
	tm.sendText(verifiedBy)
	tm.waitFor("the verification typed", 5*time.Second, func(s string) bool { return strings.Contains(s, verifiedBy) })
	tm.send("Enter")
}

// focused reports whether the form field titled title has the focus: Huh
// draws a bar before the focused field.
func focused(screen, title string) bool {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, title) && strings.HasPrefix(strings.TrimSpace(line), "┃") {
			return true
		}
	}
	return false
}

// buildLatchkey builds the real binary into dir.
func buildLatchkey(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "latchkey")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".." // the module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// latchkey runs the binary and returns its stdout; any failure fails the test.
func latchkey(t testing.TB, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("latchkey %v: %v\n%s", args, err, out)
	}
	return out
}

func decode(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, data)
	}
}

// tmux is one detached session on a private tmux server, so the test never
// touches the user's own sessions.
type tmux struct {
	t      *testing.T
	socket string
	target string
}

// startTmux runs command in a new session of size w x h. The shell stays
// after the command ends and prints its exit status, so a crash stays on
// screen for the failure message.
func startTmux(t *testing.T, command string, w, h int) *tmux {
	t.Helper()
	tm := &tmux{t: t, socket: fmt.Sprintf("latchkey-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), target: "desk"}
	shell := command + `; echo "EXITED $?"; sleep 600`
	tm.run("new-session", "-d", "-s", tm.target, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// send presses keys by tmux's names ("4", "Enter", "Tab").
func (tm *tmux) send(keys ...string) {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", tm.target}, keys...)...)
}

// sendText types text literally.
func (tm *tmux) sendText(text string) {
	tm.t.Helper()
	tm.run("send-keys", "-t", tm.target, "-l", text)
}

func (tm *tmux) screen() string {
	tm.t.Helper()
	return tm.run("capture-pane", "-p", "-t", tm.target)
}

// waitFor reads the screen until ok accepts it or the deadline passes,
// reading again on each tick of a ticker (the real binary draws in its own
// time; nothing here waits for a timer of the program's).
func (tm *tmux) waitFor(what string, timeout time.Duration, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		select {
		case <-deadline.C:
			tm.t.Fatalf("waited %s for %s; the screen was:\n%s", timeout, what, s)
		case <-poll.C:
		}
	}
}
