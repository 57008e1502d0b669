package tui

import (
	"strings"
	"testing"
	"time"

	"latchkey/tui/actions"
	"latchkey/tui/common"
)

// Issue 12 item 6: a service call after a form or a confirm that takes more
// than 200 ms shows "working: <action>…" with a spinner on the task line;
// its answer replaces it; and a RunningMsg that arrives after its own
// answer (the two race) shows nothing.
func TestTaskLineCoversTheServiceCall(t *testing.T) {
	h := newHarness(t, small, 100, 30, common.PaneLockouts)
	h.m.Update(actions.RunningMsg{N: 1 << 40, What: "Unlock Ana Ruiz (ana@elm.example)"})
	if strings.Contains(h.view(), "working:") {
		t.Fatalf("the task line showed before 200 ms:\n%s", h.view())
	}
	h.m.task.started = time.Now().Add(-time.Second) // the call has run a second
	if v := h.view(); !strings.Contains(v, "working: Unlock Ana Ruiz (ana@elm.example)…") {
		t.Fatalf("no task line after 200 ms:\n%s", v)
	}
	h.m.Update(actions.DoneMsg{N: 1 << 40, Title: "Unlock Ana Ruiz", Result: actions.Result{OK: "Unlocked Ana Ruiz"}})
	if v := h.view(); strings.Contains(v, "working:") || !strings.Contains(v, "✓ Unlocked Ana Ruiz") {
		t.Fatalf("the answer did not replace the task line:\n%s", v)
	}
	h.m.Update(actions.RunningMsg{N: 1 << 40, What: "Unlock Ana Ruiz"})
	h.m.task.started = time.Now().Add(-time.Second)
	if v := h.view(); strings.Contains(v, "working:") {
		t.Fatalf("a late RunningMsg started the task line again:\n%s", v)
	}
}
