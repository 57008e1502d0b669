package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
)

// R31: every field of an action's form is drawn whole. A description that
// wraps at the form's width (the setup email's "New login email", the
// inactivation's list of who R20 allows) made Huh's page one line short,
// so the last field's input line — the Reason the operator was typing — was
// cut off the screen.
func TestFormShowsItsLastFieldWhole(t *testing.T) {
	long := "Leave empty to send to someone.long.address@example.com. A new address must be personal and unused (R9), never a role mailbox."
	for _, size := range [][2]int{{140, 40}, {80, 24}} {
		c := testCommon()
		c.Width, c.Height = size[0], size[1]
		f := NewForm(c, "f", FormSpec{Heading: "Send", Groups: func(v *Values) []*huh.Group {
			return []*huh.Group{huh.NewGroup(
				huh.NewInput().Key("email").Title("New login email").Description(long).Value(v.S("email")),
				Text(v, "reason", "Reason", 200).Placeholder("why it is sent again"),
			)}
		}}, NewValues(), func(*Values) tea.Cmd { return nil })
		f.Init()
		v := ansi.Strip(f.View(size[0], size[1]))
		if !strings.Contains(v, "why it is sent again") {
			t.Fatalf("%dx%d: the Reason field's input line is cut off:\n%s", size[0], size[1], v)
		}
		// A resize while the form is open keeps it whole too.
		f.SetSize(size[0]-40, size[1])
		if v := ansi.Strip(f.View(size[0]-40, size[1])); !strings.Contains(v, "why it is sent again") {
			t.Fatalf("%dx%d after a resize: the Reason field's input line is cut off:\n%s", size[0]-40, size[1], v)
		}
	}
}
