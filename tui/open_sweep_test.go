package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R12, R32: locks that lifted while no desk had the file open are lifted
// (and recorded as the system's) when the console opens, so the header and
// the Lockouts badge count the locks there are, not the ones there were:
// a demo opened an hour after it was built said "10 locked" over a
// lockouts pane of 4 until something else changed.
func TestLocksLiftedWhileClosedAreSweptOnOpen(t *testing.T) {
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), fixture.Options{Practices: 2, Users: 4, Locked: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	f.Clock.Advance(2 * time.Hour) // every lock is past its lift
	h := harnessFor(t, f, 120, 36, common.PaneLockouts)
	if n := h.m.Common().Stats.Locked; n != 0 {
		t.Fatalf("the header counts %d locked after every lock lifted:\n%s", n, h.view())
	}
	if v := h.view(); !strings.Contains(v, "· 0 locked ·") || strings.Contains(v, "Lockouts (") {
		t.Fatalf("the header or the badge still counts lifted locks:\n%s", v)
	}
	st, err := f.Svc.Stats()
	if err != nil || st.Locked != 0 {
		t.Fatalf("the lifts were not recorded: %d locked, %v", st.Locked, err)
	}
}
