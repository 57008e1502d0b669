package tui

import (
	"strings"
	"testing"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// R31: y copies what the row under the cursor names in every list: the
// audit event's target and the message's recipient too, where it said
// "Nothing selected to copy" over a highlighted row.
func TestCopyInAuditAndOutbox(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 1, Users: 3}, 140, 40, common.PaneAudit)
	for _, c := range []struct{ pane, want string }{{"5", "@example.com"}, {"6", "@example.com"}} {
		h.key(c.pane)
		h.key("y")
		if f := h.m.Flash(); !strings.HasPrefix(f, "Copied ") || !strings.Contains(f, c.want) {
			t.Errorf("pane %s: y says %q:\n%s", c.pane, f, h.view())
		}
	}
}
