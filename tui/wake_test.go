package tui

import (
	"testing"
	"time"

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
