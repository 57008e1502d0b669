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
// this machine, and far more while the cores are busy). tmux also tells
// this client each time the pane's program writes (%output), so a test
// waiting for the screen reads it when something was drawn instead of
// polling: polling kept the tmux server and this process busy, on a core
// the console then waited for. A latency measured through it is the
// console's and tmux's, not the measuring tool's.
type tmuxControl struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	answers chan controlAnswer
	outputs chan drawStamp // each %output notification, as it arrived
	held    *drawStamp     // one taken from outputs that came after a screen read
	pane    string

	// The last screen read and the arrival of the output that made the
	// test read it; reset when a key is sent.
	lastScreen string
	lastDrawn  time.Time
}

type controlAnswer struct {
	body string
	err  bool
	// outputsBefore counts the %output notifications tmux sent before this
	// command ran: those are on a screen it read; later ones may not be.
	outputsBefore uint64
}

// drawStamp is one %output notification: when it arrived, and its number.
type drawStamp struct {
	at  time.Time
	seq uint64
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
	c := &tmuxControl{t: tm.t, cmd: cmd, in: in, pane: tm.target,
		answers: make(chan controlAnswer, 1), outputs: make(chan drawStamp, 1<<16)}
	go c.read(bufio.NewReaderSize(out, 1<<16))
	tm.t.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	c.answer("attach-session") // tmux answers the attach itself first
	return c
}

// read sorts what tmux prints into answers (the lines between %begin and
// the %end or %error that closes them) and output notifications, each
// stamped as it arrives. It ends when tmux closes the pipe.
func (c *tmuxControl) read(out *bufio.Reader) {
	defer close(c.answers)
	var body []string
	inside := false
	var seen, before uint64
	for {
		line, err := out.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case !inside && strings.HasPrefix(line, "%output "):
			seen++
			select {
			case c.outputs <- drawStamp{time.Now(), seen}:
			default: // nobody is waiting for this many draws; drop the stamp
			}
		case !inside && strings.HasPrefix(line, "%begin "):
			inside, body, before = true, nil, seen
		case inside && (strings.HasPrefix(line, "%end ") || strings.HasPrefix(line, "%error ")):
			inside = false
			c.answers <- controlAnswer{body: strings.Join(body, "\n") + "\n", err: strings.HasPrefix(line, "%error "), outputsBefore: before}
		case inside:
			body = append(body, line)
		}
	}
}

// do runs one tmux command and returns what it printed.
func (c *tmuxControl) do(command string) string {
	c.t.Helper()
	return c.doCounting(command).body
}

// doCounting runs one tmux command and returns its answer.
func (c *tmuxControl) doCounting(command string) controlAnswer {
	c.t.Helper()
	if _, err := fmt.Fprintln(c.in, command); err != nil {
		c.t.Fatalf("tmux -C %q: %v", command, err)
	}
	return c.awaitAnswer(command)
}

// answer waits for the next answer.
func (c *tmuxControl) answer(command string) string {
	c.t.Helper()
	return c.awaitAnswer(command).body
}

func (c *tmuxControl) awaitAnswer(command string) controlAnswer {
	c.t.Helper()
	a, ok := <-c.answers
	if !ok {
		c.t.Fatalf("tmux -C %q: the client ended", command)
	}
	if a.err {
		c.t.Fatalf("tmux -C %q: %s", command, a.body)
	}
	return a
}

// sendText types text literally, as tmux send-keys -l would. What was
// drawn before it is forgotten, so a wait after it sees only what the key
// drew.
func (c *tmuxControl) sendText(text string) {
	c.t.Helper()
	c.forgetDrawn()
	c.lastScreen = ""
	c.do("send-keys -t " + c.pane + " -l " + tmuxQuote(text))
}

// forgetDrawn drops the stamps of output that arrived until now.
func (c *tmuxControl) forgetDrawn() {
	c.held = nil
	for {
		select {
		case <-c.outputs:
		default:
			return
		}
	}
}

// screen is the pane's text, as capture-pane -p prints it.
func (c *tmuxControl) screen() string {
	c.t.Helper()
	return c.do("capture-pane -p -t " + c.pane)
}

// timeUntil waits until the screen satisfies ok and returns the time from
// start to the arrival of the output that drew it; false after 10 seconds.
// The screen is read after each output; the outputs tmux sent before that
// read are on it, and the time is the arrival of the last of them — when
// tmux had the drawing, not when this test happened to look. An output
// that came after the read (its notice may already be queued when the
// read's answer is taken) is kept for the next turn, never dropped: it
// may be the very frame waited for.
func (c *tmuxControl) timeUntil(start time.Time, ok func(screen string) bool) (time.Duration, bool) {
	c.t.Helper()
	if c.lastScreen != "" && ok(c.lastScreen) {
		return c.lastDrawn.Sub(start), true
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		var d drawStamp
		if c.held != nil {
			d, c.held = *c.held, nil
		} else {
			select {
			case d = <-c.outputs:
			case <-deadline.C:
				return time.Since(start), false
			}
		}
		read := c.doCounting("capture-pane -p -t " + c.pane)
		drawn := c.takeOutputsBefore(read.outputsBefore, d.at)
		c.lastScreen, c.lastDrawn = read.body, drawn
		if ok(c.lastScreen) {
			return drawn.Sub(start), true
		}
	}
}

// takeOutputsBefore takes the queued stamps of outputs numbered up to upto
// (those on the screen just read) and returns the arrival of the last of
// them (last, if none is queued); the first later one is held.
func (c *tmuxControl) takeOutputsBefore(upto uint64, last time.Time) time.Time {
	for {
		select {
		case d := <-c.outputs:
			if d.seq > upto {
				c.held = &d
				return last
			}
			last = d.at
		default:
			return last
		}
	}
}

// tmuxQuote quotes s for tmux's command parser (single quotes; a single
// quote inside is closed, escaped and reopened).
func tmuxQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
