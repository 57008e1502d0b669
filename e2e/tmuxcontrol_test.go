package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmuxControl is one tmux control-mode client (`tmux -C`) attached to the
// test's session. Commands go down one pipe and their answers come back on
// another, so a key sent or a screen read costs a round trip to the tmux
// server, not a tmux process started for it (a few milliseconds each on
// this machine, and far more while the cores are busy): a latency measured
// through it is the console's and tmux's, not the measuring tool's.
type tmuxControl struct {
	t    *testing.T
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	pane string
}

// control attaches a control-mode client to the session. It has no size of
// its own (tmux 3.2 and later size a window by its sized clients), so the
// console keeps the session's size.
func (tm *tmux) control() *tmuxControl {
	tm.t.Helper()
	cmd := exec.Command("tmux", "-L", tm.socket, "-C", "attach-session", "-t", tm.target)
	in, err := cmd.StdinPipe()
	if err != nil {
		tm.t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tm.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tm.t.Fatalf("tmux -C: %v", err)
	}
	c := &tmuxControl{t: tm.t, cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16), pane: tm.target}
	tm.t.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	c.answer("attach-session")          // tmux answers the attach itself first
	c.do("refresh-client -f no-output") // the screen is read on demand; %output would only be skipped
	return c
}

// do runs one tmux command and returns what it printed. Notifications
// between answers (%output, %layout-change…) are skipped; an answer is the
// lines between %begin and the %end or %error that closes it.
func (c *tmuxControl) do(command string) string {
	c.t.Helper()
	if _, err := fmt.Fprintln(c.in, command); err != nil {
		c.t.Fatalf("tmux -C %q: %v", command, err)
	}
	return c.answer(command)
}

// answer reads the next answer, skipping the notifications before it.
func (c *tmuxControl) answer(command string) string {
	c.t.Helper()
	var body []string
	inside := false
	for {
		line, err := c.out.ReadString('\n')
		if err != nil {
			c.t.Fatalf("tmux -C %q: %v", command, err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case !inside && strings.HasPrefix(line, "%begin "):
			inside = true
		case inside && strings.HasPrefix(line, "%end "):
			return strings.Join(body, "\n") + "\n"
		case inside && strings.HasPrefix(line, "%error "):
			c.t.Fatalf("tmux -C %q: %s", command, strings.Join(body, "\n"))
		case inside:
			body = append(body, line)
		}
	}
}

// sendText types text literally, as tmux send-keys -l would.
func (c *tmuxControl) sendText(text string) {
	c.t.Helper()
	c.do("send-keys -t " + c.pane + " -l " + tmuxQuote(text))
}

// screen is the pane's text, as capture-pane -p prints it.
func (c *tmuxControl) screen() string {
	c.t.Helper()
	return c.do("capture-pane -p -t " + c.pane)
}

// timeUntil reads the screen until ok accepts it, every quarter of a
// millisecond (reading without a pause would keep the tmux server, and so
// a core, busy), and returns the time since start; false after 10 seconds.
func (c *tmuxControl) timeUntil(start time.Time, ok func(screen string) bool) (time.Duration, bool) {
	c.t.Helper()
	poll := time.NewTicker(250 * time.Microsecond)
	defer poll.Stop()
	for {
		if ok(c.screen()) {
			return time.Since(start), true
		}
		if time.Since(start) > 10*time.Second {
			return time.Since(start), false
		}
		<-poll.C
	}
}

// tmuxQuote quotes s for tmux's command parser (single quotes; a single
// quote inside is closed, escaped and reopened).
func tmuxQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
