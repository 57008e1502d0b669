package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R35: a change committed by anyone wakes the console at once — not at the
// next tick — and it catches up with the change feed.
func TestChangeWakesConsoleAtOnce(t *testing.T) {
	h := newHarness(t, fixture.Options{}, 120, 40, common.PaneLockouts)
	woke := make(chan any, 1)
	cmd := h.m.waitChange()
	go func() { woke <- cmd() }()
	select {
	case <-woke:
		t.Fatal("woke with nothing changed")
	default:
	}
	if err := h.f.Svc.RecordSession(accounts.Operator("bob"), accounts.ActSessionOpened, "elsewhere"); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-woke:
		if _, ok := msg.(changedMsg); !ok {
			t.Fatalf("woke with %T", msg)
		}
		h.send(msg)
	case <-time.After(5 * time.Second):
		t.Fatal("a committed change did not wake the console")
	}
	if h.m.seen != h.f.Svc.ChangeSeq() {
		t.Errorf("after the wake the console has seen %d, the feed is at %d", h.m.seen, h.f.Svc.ChangeSeq())
	}
}

// R35: a read-only operator's console shows no write keys: no action keys
// on a selection, no demo clock, no simulator.
func TestReadOnlyConsoleHidesWriteKeys(t *testing.T) {
	f, err := fixture.Build(t.TempDir()+"/ro.db", fixture.Options{Practices: 1, Users: 4, Locked: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	for _, ro := range []bool{false, true} {
		m := New(f.Svc, Options{Operator: "rita", ReadOnly: ro, Location: time.UTC, Start: common.PaneLockouts})
		m.every = func() tea.Cmd { return nil }
		hs := &harness{t: t, m: m, f: f}
		hs.send(tea.WindowSizeMsg{Width: 140, Height: 40})
		hs.run(m.Init())
		shown := map[string]bool{} // what help draws: the enabled bindings
		for _, b := range m.keyMap().ShortHelp() {
			if b.Enabled() {
				shown[b.Help().Key] = true
			}
		}
		for _, col := range m.keyMap().FullHelp() {
			for _, b := range col {
				if b.Enabled() {
					shown[b.Help().Key] = true
				}
			}
		}
		var all []string
		for k := range shown {
			all = append(all, k)
		}
		hasUnlock := false
		for k := range shown {
			if k == "u" || strings.HasPrefix(k, "u ") || strings.Contains(k, " u ") || strings.HasSuffix(k, " u") {
				hasUnlock = true
			}
		}
		if ro && (hasUnlock || shown["+"] || shown["ctrl+s"]) {
			t.Errorf("read-only console offers write keys: %q", all)
		}
		if !ro && !hasUnlock {
			t.Errorf("a writing operator's console lacks the unlock key: %q", all)
		}
	}
}
