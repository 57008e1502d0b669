package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R35, R41: the detail's Caller line suggests V (a caller check) only to an
// operator who may start one; a read-only operator is not told a key they
// cannot use, and one who may write still is.
func TestCallerLineOffersVOnlyToWhoMayVerify(t *testing.T) {
	f, err := fixture.Build(t.TempDir()+"/ro.db", fixture.Options{Practices: 1, Users: 4, Locked: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	for _, ro := range []bool{false, true} {
		m := New(f.Svc, Options{Operator: "rita", ReadOnly: ro, Location: time.UTC, Start: common.PaneUsers})
		m.every = func() tea.Cmd { return nil }
		h := &harness{t: t, m: m, f: f}
		h.send(tea.WindowSizeMsg{Width: 140, Height: 40})
		h.run(m.Init())
		h.openUser(f.LockedIDs[0])
		var caller string
		for _, l := range strings.Split(h.view(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "Caller") {
				caller = l
			}
		}
		if caller == "" {
			t.Fatalf("no Caller line:\n%s", h.view())
		}
		if offers := strings.Contains(caller, "V verifies"); offers == ro {
			t.Errorf("read-only %v: Caller line %q", ro, strings.TrimSpace(caller))
		}
	}
}
