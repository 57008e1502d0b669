package dialog

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// R29, R31: an audit event is shown whole: on a screen too short for all
// its fields (80x24 and a long refusal) ↓ scrolls to the rest, down to the
// hash, and the dialog says there is more, instead of cutting the hash and
// what follows off behind a "…".
func TestDetailsScrollToTheLastField(t *testing.T) {
	var fs []Field
	for i := range 14 {
		fs = append(fs, Field{Label: fmt.Sprintf("Field %d", i), Value: fmt.Sprintf("value %d", i)})
	}
	fs = append(fs, Field{Label: "Hash", Value: strings.Repeat("ab", 32)})
	d := NewDetails(testCommon(), "event", "Audit event #7", fs)
	d.SetSize(80, 12)
	v := ansi.Strip(d.View(80, 12))
	if strings.Contains(v, "Hash") || !strings.Contains(v, "↓") {
		t.Fatalf("a short screen shows the end, or says nothing of more:\n%s", v)
	}
	for range 20 {
		d.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	v = ansi.Strip(d.View(80, 12))
	if !strings.Contains(v, "Hash") || !strings.Contains(v, strings.Repeat("ab", 10)) || !strings.Contains(v, "Audit event #7") {
		t.Fatalf("↓ does not reach the hash:\n%s", v)
	}
	if d.Closed() {
		t.Fatal("↓ closed the dialog")
	}
	if n := strings.Count(v, "\n") + 1; n > 12 {
		t.Fatalf("%d lines in a height of 12:\n%s", n, v)
	}
}
