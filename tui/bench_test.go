package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// benchPath is the large database the benchmarks run on: $LATCHKEY_BENCH_DB,
// else a demo of $LATCHKEY_BENCH_PRACTICES practices (default 10,000, about
// a million users) built once and kept in the temp directory.
func benchPath(b *testing.B) string {
	if p := os.Getenv("LATCHKEY_BENCH_DB"); p != "" {
		return p
	}
	n := 10000
	if s := os.Getenv("LATCHKEY_BENCH_PRACTICES"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 {
			n = v
		}
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("latchkey-bench-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("building a %d-practice demo at %s (once)", n, path)
	cfg := fixture.Config()
	svc, err := accounts.CreateDemo(path, accounts.DemoOptions{Practices: n, Seed: 7, Config: &cfg})
	if err != nil {
		b.Fatal(err)
	}
	_ = svc.Close()
	return path
}

func openBench(b *testing.B) *accounts.Service {
	svc, err := accounts.Open(benchPath(b), accounts.SystemClock{}, fixture.Config())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.Close() })
	return svc
}

// syncRun runs cmd and what follows from it on this goroutine, as far as the
// service's answers go. As in the tests' harness, service calls (and the
// batches holding them) are waited for and timers are not: a cursor blink
// or the task line's delay is dropped, never waited for.
func syncRun(m *App, cmd tea.Cmd) {
	if !isServiceCmd(cmd) {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			syncRun(m, c)
		}
	default:
		if isTerminalQuery(msg) {
			return
		}
		_, next := m.Update(msg)
		syncRun(m, next)
	}
}

// syncAnswer runs cmd as syncRun does, but what the answers ask for next
// (a prefetch of the next page) is returned, not run: it runs while the
// operator reads, after the frame with the answer is drawn.
func syncAnswer(m *App, cmd tea.Cmd) (later []tea.Cmd) {
	if !isServiceCmd(cmd) {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			later = append(later, syncAnswer(m, c)...)
		}
	default:
		if isTerminalQuery(msg) {
			return nil
		}
		_, next := m.Update(msg)
		later = append(later, next)
	}
	return later
}

func benchApp(svc *accounts.Service, w, h int, start common.PaneID) *App {
	m := New(svc, Options{Operator: "bench", Location: time.UTC, Start: start})
	m.every = func() tea.Cmd { return nil } // no clock tick
	m.noWake = true                         // nor a wait for the change feed
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	syncRun(m, m.Init())
	return m
}

// Opening the database to the first full frame at 140x40 (target < 1 s).
func BenchmarkOpenToFirstFrame(b *testing.B) {
	path := benchPath(b)
	b.ResetTimer()
	for b.Loop() {
		svc, err := accounts.Open(path, accounts.SystemClock{}, fixture.Config())
		if err != nil {
			b.Fatal(err)
		}
		m := benchApp(svc, 140, 40, common.PanePractices)
		if len(m.Render()) == 0 {
			b.Fatal("empty frame")
		}
		_ = svc.Close()
	}
}

// A keypress moving the cursor in the users pane to the redrawn frame
// (target < 16 ms).
func BenchmarkKeyCursorDown(b *testing.B) {
	m := benchApp(openBench(b), 140, 40, common.PaneUsers)
	down, top := keyMsg("down"), keyMsg("g")
	i := 0
	for b.Loop() {
		k := down
		if i++; i%150 == 0 {
			k = top
		}
		m.Update(k)
		_ = m.Render()
	}
}

// A keypress switching pane, the pane's reload from the service, and the
// redrawn frame (target < 16 ms).
func BenchmarkKeySwitchPane(b *testing.B) {
	m := benchApp(openBench(b), 140, 40, common.PanePractices)
	keys := []tea.KeyPressMsg{keyMsg("2"), keyMsg("3"), keyMsg("4"), keyMsg("5"), keyMsg("1")}
	i := 0
	for b.Loop() {
		_, cmd := m.Update(keys[i%len(keys)])
		syncRun(m, cmd)
		_ = m.Render()
		i++
	}
}

// The lockouts pane's reload and frame cost the same with 20 users as with
// a million: it reads the index of lift times, not the users (R32).
func BenchmarkLockoutsPane(b *testing.B) {
	small, err := fixture.Build(filepath.Join(b.TempDir(), "small.db"), fixture.Options{Practices: 4, Users: 5, Locked: 13})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = small.Svc.Close() })
	large := openBench(b)
	for _, tc := range []struct {
		name string
		svc  *accounts.Service
	}{{"small", small.Svc}, {"large", large}} {
		st, _ := tc.svc.Stats()
		b.Run(fmt.Sprintf("%s/users=%d/locked=%d", tc.name, st.Users, st.Locked), func(b *testing.B) {
			m := benchApp(tc.svc, 140, 40, common.PaneLockouts)
			for b.Loop() {
				syncRun(m, m.Lockouts().Reload())
				_ = m.Render()
			}
		})
	}
}
