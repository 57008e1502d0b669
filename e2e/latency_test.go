package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFilterLatencyInTmux measures, on the real binary in tmux, how long a
// key typed in the users filter takes to reach the screen: its echo in the
// filter line, and for the last key of each query the first row of the
// answer (issue 14 items 2 and 8). It needs a large database and runs only
// when $LATCHKEY_LATENCY_DB names one (a copy is not made; the console only
// reads). $LATCHKEY_LATENCY_ENV is put before the console's command
// (LATCHKEY_FPS=120 runs Bubble Tea's ticker renderer instead of the
// on-demand screen).
//
//	LATCHKEY_LATENCY_DB=/tmp/demo10k.db go test ./e2e -run FilterLatency -v
func TestFilterLatencyInTmux(t *testing.T) {
	db := os.Getenv("LATCHKEY_LATENCY_DB")
	if db == "" {
		t.Skip("set LATCHKEY_LATENCY_DB to a large database")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	bin := buildLatchkey(t, t.TempDir())
	home := t.TempDir()
	cmd := fmt.Sprintf("HOME=%s LATCHKEY_KEY_FILE=%s %s %s --db %s --operator latency",
		home, filepath.Join(home, "key"), os.Getenv("LATCHKEY_LATENCY_ENV"), bin, db)
	tm := startTmux(t, cmd, 140, 40)
	tm.waitFor("the console", 30*time.Second, func(s string) bool { return strings.Contains(s, "Practices") })
	tm.send("2")
	tm.waitFor("the users pane", 10*time.Second, func(s string) bool { return strings.Contains(s, "users loaded") })

	queries := []struct{ typed, first string }{
		{"lukasiewicz", "Łukasiewicz"}, {"maria lopez", "Maria"}, {"lopez maria", "Lopez"},
		{"jose nunez", "Núñez"}, {"smith sarah", "Smith"},
	}
	rounds := 1
	if n, err := strconv.Atoi(os.Getenv("LATCHKEY_LATENCY_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	// A typist's keys come at no fixed time after the last frame, so each
	// key waits a random pause first, up to $LATCHKEY_LATENCY_GAP_MS (50:
	// still faster than anyone types; 0 sends each key as soon as the last
	// one is seen, a burst the query of the key before is still running in).
	maxGap := 50 * time.Millisecond
	if n, err := strconv.Atoi(os.Getenv("LATCHKEY_LATENCY_GAP_MS")); err == nil && n >= 0 {
		maxGap = time.Duration(n) * time.Millisecond
	}
	keys := 0
	for _, q := range queries {
		keys += rounds * len([]rune(q.typed))
	}
	floor := tmuxEchoFloor(t, keys)
	ctl := tm.control()
	var echo, answer []time.Duration
	var slow []slowKey
	for round := range rounds * len(queries) {
		q := queries[round%len(queries)]
		tm.send("/")
		tm.waitFor("the filter", 5*time.Second, func(s string) bool { return strings.Contains(s, "/ ") })
		for i, r := range q.typed {
			typed := q.typed[:i+1]
			typistPause(maxGap)
			start := time.Now()
			ctl.sendText(string(r))
			took, ok := ctl.timeUntil(start, func(s string) bool { return strings.Contains(s, "/ "+typed) })
			if !ok {
				t.Fatalf("%q never echoed:\n%s", typed, ctl.screen())
			}
			echo = append(echo, took)
			slow = append(slow, slowKey{typed, took})
			if i == len(q.typed)-1 {
				took, ok := ctl.timeUntil(start, func(s string) bool { return firstRowHas(s, q.first) })
				if !ok {
					t.Logf("%q: first row never showed %q:\n%s", typed, q.first, ctl.screen())
				}
				answer = append(answer, took)
			}
		}
		tm.send("Escape")
		// Wait for the filter to close, so the next "/" is not read as
		// alt+/ together with the escape.
		tm.waitFor("the filter to clear", 10*time.Second, func(s string) bool { return !strings.Contains(s, "/ "+q.typed) })
	}
	slices.Sort(echo)
	slices.Sort(answer)
	slices.SortFunc(slow, func(a, b slowKey) int { return int(b.took - a.took) })
	for _, k := range slow[:min(len(slow), 8)] {
		t.Logf("slow: %q echoed after %v", k.typed, k.took)
	}
	t.Logf("console env %q, pauses up to %v: key to echo p50 %v p99 %v (%d keys); last key to answer p50 %v max %v (%d queries)",
		os.Getenv("LATCHKEY_LATENCY_ENV"), maxGap, echo[len(echo)/2], echo[len(echo)*99/100], len(echo),
		answer[len(answer)/2], answer[len(answer)-1], len(answer))
	t.Logf("floor: tmux's own echo of a key (cat in a pane) p50 %v p99 %v (%d keys)",
		floor[len(floor)/2], floor[len(floor)*99/100], len(floor))
}

// slowKey is one key's echo time, for the list of the slowest.
type slowKey struct {
	typed string
	took  time.Duration
}

// typistPause waits a random time up to max (none for 0).
func typistPause(max time.Duration) {
	if max <= 0 {
		return
	}
	<-time.After(rand.N(max))
}

// tmuxEchoFloor types a key at a time into a pane that runs cat (the
// terminal echoes it, no program draws) and returns the sorted times to see
// each on screen: what the measurement itself costs.
func tmuxEchoFloor(t *testing.T, keys int) []time.Duration {
	t.Helper()
	ctl := startTmux(t, "cat", 140, 40).control()
	var took []time.Duration
	line := ""
	for i := range keys {
		r := string(rune('a' + i%26))
		line += r
		typistPause(5 * time.Millisecond)
		start := time.Now()
		ctl.sendText(r)
		d, ok := ctl.timeUntil(start, func(s string) bool { return strings.Contains(s, line) })
		if !ok {
			t.Fatalf("cat never echoed %q", line)
		}
		took = append(took, d)
		if len(line) == 60 {
			ctl.do("send-keys -R -t " + ctl.pane) // a blank screen for the next line
			line = ""
		}
	}
	slices.Sort(took)
	return took
}

// firstRowHas reports whether the first row under the table's header
// mentions s.
func firstRowHas(screen, s string) bool {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		if strings.Contains(l, "Name") && strings.Contains(l, "Login") && i+1 < len(lines) {
			return strings.Contains(lines[i+1], s)
		}
	}
	return false
}
