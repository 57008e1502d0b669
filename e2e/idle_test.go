package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestIdleCPUInTmux measures what an idle console costs (issue 14 item 8):
// the real binary in tmux at 140x40, left alone, its threads' time on a CPU
// read from /proc/PID/task/*/schedstat (nanoseconds) over a window. Beside
// it, in the same window, runs its floor: a bare Go program that only
// receives from a ticker, as Bubble Tea does for the program's whole life —
// at the frame rate for its ticker renderer ($LATCHKEY_FPS), at 4 a second
// for the on-demand screen (whose program keeps Bubble Tea's ticker for its
// own queued output only). It runs only when $LATCHKEY_IDLE_SECS gives the
// window; the database is $LATCHKEY_LATENCY_DB if set, else a small demo;
// $LATCHKEY_IDLE_FPS lists the frame rates, 0 for the on-demand screen
// (default "0,120").
//
//	LATCHKEY_IDLE_SECS=30 LATCHKEY_LATENCY_DB=/tmp/demo10k.db go test ./e2e -run IdleCPU -v
func TestIdleCPUInTmux(t *testing.T) {
	secs, err := strconv.Atoi(os.Getenv("LATCHKEY_IDLE_SECS"))
	if err != nil || secs <= 0 {
		t.Skip("set LATCHKEY_IDLE_SECS to the seconds to measure over")
	}
	window := time.Duration(secs) * time.Second
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	var bin, db string
	if db = os.Getenv("LATCHKEY_LATENCY_DB"); db != "" {
		bin = buildLatchkey(t, t.TempDir())
	} else {
		bin, db = setUp(t)
	}
	rates := os.Getenv("LATCHKEY_IDLE_FPS")
	if rates == "" {
		rates = "0,120"
	}
	for _, field := range strings.Split(rates, ",") {
		fps, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || fps < 0 {
			t.Fatalf("LATCHKEY_IDLE_FPS: %q is not a frame rate", field)
		}
		console, floor, hz := idleConsoleAndFloor(t, bin, db, fps, window)
		t.Logf("FPS %d (0: the on-demand screen), idle %v at 140x40: console %.2f%% of a core; a bare Go ticker at %d Hz %.2f%% (%.2fx)",
			fps, window, console, hz, floor, console/floor)
	}
}

// idleConsoleAndFloor returns the percent of a core the idle console and
// the bare ticker each used over the same window, and the ticker's rate.
func idleConsoleAndFloor(t *testing.T, bin, db string, fps int, window time.Duration) (console, floor float64, hz int) {
	t.Helper()
	home := t.TempDir()
	renderer, hz := fmt.Sprintf("LATCHKEY_FPS=%d", fps), fps
	if fps == 0 {
		renderer, hz = "", 4
	}
	tm := startTmux(t, fmt.Sprintf("HOME=%s LATCHKEY_KEY_FILE=%s %s %s --db %s --operator idle",
		home, filepath.Join(home, "key"), renderer, bin, db), 140, 40)
	tm.waitFor("the console", 30*time.Second, func(s string) bool { return strings.Contains(s, "Practices") })
	shell, err := strconv.Atoi(strings.TrimSpace(tm.run("display-message", "-p", "-t", tm.target, "#{pane_pid}")))
	if err != nil {
		t.Fatalf("pane pid: %v", err)
	}
	pid := childRunning(t, shell, bin)

	ticker := exec.Command(os.Args[0], "-test.run", "^TestBareTickerProcess$")
	ticker.Env = append(os.Environ(), "LATCHKEY_BARE_TICKER_FPS="+strconv.Itoa(hz))
	if err := ticker.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ticker.Process.Kill(); _ = ticker.Wait() }()

	// Let both settle (the console's first loads, the ticker's start), then
	// read each one's CPU at both ends of the same window.
	<-time.After(5 * time.Second)
	var wg sync.WaitGroup
	for _, m := range []struct {
		pid int
		pct *float64
	}{{pid, &console}, {ticker.Process.Pid, &floor}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			before := cpuNanos(t, m.pid)
			<-time.After(window)
			*m.pct = 100 * float64(cpuNanos(t, m.pid)-before) / float64(window.Nanoseconds())
		}()
	}
	wg.Wait()
	tm.send("C-c")
	return console, floor, hz
}

// TestBareTickerProcess is not a test: TestIdleCPUInTmux runs the test
// binary again with $LATCHKEY_BARE_TICKER_FPS set, and this loop is then the
// floor it measures. It waits on a ticker at the frame rate and takes a lock
// on each tick, as Bubble Tea v2.1.1's renderer does when nothing changed.
func TestBareTickerProcess(t *testing.T) {
	fps, err := strconv.Atoi(os.Getenv("LATCHKEY_BARE_TICKER_FPS"))
	if err != nil || fps <= 0 {
		t.Skip("the idle measurement's helper process")
	}
	var mu sync.Mutex
	ticks := 0
	for range time.NewTicker(time.Second / time.Duration(fps)).C {
		mu.Lock()
		ticks++
		mu.Unlock()
	}
}

// childRunning finds the child of the pane's shell that runs bin.
func childRunning(t *testing.T, shell int, bin string) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shell, shell))
	if err != nil {
		t.Fatalf("children of the pane's shell: %v", err)
	}
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == bin {
			return pid
		}
	}
	t.Fatalf("no child of pid %d runs %s (children: %q)", shell, bin, data)
	return 0
}

// cpuNanos is the time all of pid's threads have spent on a CPU, from the
// first field of each thread's schedstat.
func cpuNanos(t *testing.T, pid int) int64 {
	dirs, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(dirs) == 0 {
		t.Errorf("no threads for pid %d", pid)
		return 0
	}
	var sum int64
	for _, f := range dirs {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that ended between the glob and the read
		}
		if fields := strings.Fields(string(data)); len(fields) > 0 {
			n, _ := strconv.ParseInt(fields[0], 10, 64)
			sum += n
		}
	}
	return sum
}
