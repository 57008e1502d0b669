package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFilterLatencyInTmux measures, on the real binary in tmux, how long a
// key typed in the users filter takes to reach the screen: its echo in the
// filter line, and for the last key of each query the first row of the
// answer (issue 14 items 2 and 8). It needs a large database and runs only
// when $LATCHKEY_LATENCY_DB names one (a copy is not made; the console only
// reads). $LATCHKEY_FPS is passed on to the console.
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
	cmd := fmt.Sprintf("HOME=%s LATCHKEY_KEY_FILE=%s %s --db %s --operator latency",
		home, filepath.Join(home, "key"), bin, db)
	tm := startTmux(t, cmd, 140, 40)
	tm.waitFor("the console", 30*time.Second, func(s string) bool { return strings.Contains(s, "Practices") })
	tm.send("2")
	tm.waitFor("the users pane", 10*time.Second, func(s string) bool { return strings.Contains(s, "users loaded") })

	queries := []struct{ typed, first string }{
		{"lukasiewicz", "Łukasiewicz"}, {"maria lopez", "Maria"}, {"lopez maria", "Lopez"},
		{"jose nunez", "Núñez"}, {"smith sarah", "Smith"},
	}
	var echo, answer []time.Duration
	for _, q := range queries {
		tm.send("/")
		tm.waitFor("the filter", 5*time.Second, func(s string) bool { return strings.Contains(s, "/ ") })
		for i, r := range q.typed {
			typed := q.typed[:i+1]
			start := time.Now()
			tm.sendText(string(r))
			for !strings.Contains(tm.screen(), "/ "+typed) {
				if time.Since(start) > 10*time.Second {
					t.Fatalf("%q never echoed", typed)
				}
			}
			echo = append(echo, time.Since(start))
			if i == len(q.typed)-1 {
				for !firstRowHas(tm.screen(), q.first) {
					if time.Since(start) > 10*time.Second {
						t.Logf("%q: first row never showed %q:\n%s", typed, q.first, tm.screen())
						break
					}
				}
				answer = append(answer, time.Since(start))
			}
		}
		tm.send("Escape")
		// Wait for the filter to close, so the next "/" is not read as
		// alt+/ together with the escape.
		tm.waitFor("the filter to clear", 10*time.Second, func(s string) bool { return !strings.Contains(s, "/ "+q.typed) })
	}
	slices.Sort(echo)
	slices.Sort(answer)
	t.Logf("FPS %q: key to echo p50 %v p99 %v (%d keys); last key to answer p50 %v max %v (%d queries)",
		os.Getenv("LATCHKEY_FPS"), echo[len(echo)/2], echo[len(echo)*99/100], len(echo),
		answer[len(answer)/2], answer[len(answer)-1], len(answer))
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
