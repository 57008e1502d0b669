package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
)

var shiftTab = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}

// Issue 12 item 3: shift+tab on the first field wraps to the last field of
// the page — it neither stays put nor submits — and says nothing is missing
// from the fields it passed over.
func TestShiftTabOnFirstFieldWraps(t *testing.T) {
	submitted := false
	f := NewForm(testCommon(), "f", FormSpec{Heading: "Unlock Ana", Groups: func(v *Values) []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			Text(v, "reason", "Reason", 200).Validate(RequiredBy("a reason", "R13")),
			Text(v, "verified", "Verified", 200).Validate(Required("how")),
		)}
	}}, NewValues(), func(*Values) tea.Cmd { submitted = true; return nil })
	f.Init()
	deliver(t, f, []tea.Cmd{f.Update(shiftTab)}, 0)
	if got := f.form.GetFocusedField().GetKey(); got != "verified" {
		t.Fatalf("shift+tab on the first field: focus on %q, want the last field", got)
	}
	if submitted || f.Waiting() {
		t.Fatal("shift+tab submitted the form")
	}
	if v := ansi.Strip(f.View(80, 24)); strings.Contains(v, "required") {
		t.Fatalf("the wrap reported a field the operator never left:\n%s", v)
	}
	deliver(t, f, typeKeys(f, "called back"), 0)
	if got := f.v.Str("verified"); got != "called back" {
		t.Fatalf("typing after the wrap went elsewhere: verified %q, reason %q", got, f.v.Str("reason"))
	}
	// And back again: shift+tab from the last field goes to the first.
	deliver(t, f, []tea.Cmd{f.Update(shiftTab)}, 0)
	deliver(t, f, typeKeys(f, "forgot"), 0)
	if got := f.v.Str("reason"); got != "forgot" {
		t.Fatalf("shift+tab from the last field: reason %q", got)
	}
}

// Issue 12 item 3: shift+tab on the first field of a later page, left
// empty where a value is required, goes back to the page before (Huh would
// refuse, and leave nothing focused), with what was typed kept.
func TestShiftTabBackAPageNeedsNothingValid(t *testing.T) {
	f := NewForm(testCommon(), "g", FormSpec{Heading: "Add", Groups: func(v *Values) []*huh.Group {
		return []*huh.Group{
			huh.NewGroup(Text(v, "name", "Name", 120).Validate(Required("a name"))),
			huh.NewGroup(Text(v, "email", "Email", 254).Validate(Required("an email")),
				Text(v, "again", "Again", 254)),
		}
	}}, NewValues(), func(*Values) tea.Cmd { return nil })
	f.Init()
	var cmds []tea.Cmd
	cmds = append(cmds, typeKeys(f, "Ana")...)
	cmds = append(cmds, f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	deliver(t, f, cmds, 0)
	if got := f.form.GetFocusedField().GetKey(); got != "email" {
		t.Fatalf("after the first page: focus on %q", got)
	}
	deliver(t, f, []tea.Cmd{f.Update(shiftTab)}, 0)
	if got := f.form.GetFocusedField().GetKey(); got != "name" {
		t.Fatalf("shift+tab on the first field of page 2: focus on %q, want the name on page 1", got)
	}
	deliver(t, f, typeKeys(f, " Ruiz"), 0)
	if got := f.v.Str("name"); got != "Ana Ruiz" {
		t.Fatalf("back on page 1, typing went elsewhere: name %q", got)
	}
}

// Issue 12 item 4: the palette's rows line up: the kind, the name and the
// detail start in the same column on the chosen row and the others.
func TestPaletteRowsLineUp(t *testing.T) {
	items := []PaletteItem{{Kind: "user", Label: "Victoria King", Detail: "vking"}, {Kind: "practice", Label: "Elm Clinic"}}
	p := NewPalette(testCommon(), items, nil)
	p.Init()
	var cols []int
	for _, l := range strings.Split(ansi.Strip(p.View(80, 24)), "\n") {
		for _, kind := range []string{"user ", "practice "} {
			if i := strings.Index(l, kind); i >= 0 {
				cols = append(cols, ansi.StringWidth(l[:i]))
			}
		}
	}
	if len(cols) != 2 || cols[0] != cols[1] {
		t.Fatalf("rows start at columns %v:\n%s", cols, ansi.Strip(p.View(80, 24)))
	}
}

// Issue 12 item 3: when Huh still refuses to go back a page (another field
// on it holds a message), the focus stays on the field rather than going
// nowhere.
func TestShiftTabOnARefusedPageKeepsTheFocus(t *testing.T) {
	f := NewForm(testCommon(), "g", FormSpec{Heading: "Add", Groups: func(v *Values) []*huh.Group {
		return []*huh.Group{
			huh.NewGroup(Text(v, "name", "Name", 120)),
			huh.NewGroup(Text(v, "email", "Email", 254), Text(v, "again", "Again", 254).Validate(Required("the email again"))),
		}
	}}, NewValues(), func(*Values) tea.Cmd { return nil })
	f.Init()
	enter := func() tea.Cmd { return f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) }
	deliver(t, f, []tea.Cmd{enter()}, 0)            // page 2
	deliver(t, f, []tea.Cmd{enter()}, 0)            // email -> again
	deliver(t, f, []tea.Cmd{f.Update(shiftTab)}, 0) // again (empty: its message) -> email
	deliver(t, f, []tea.Cmd{f.Update(shiftTab)}, 0) // refused: again holds a message
	if got := f.form.GetFocusedField().GetKey(); got != "email" {
		t.Fatalf("focus on %q", got)
	}
	deliver(t, f, typeKeys(f, "ana@elm.org"), 0)
	if got := f.v.Str("email"); got != "ana@elm.org" {
		t.Fatalf("after a refused page change, typing went nowhere: email %q", got)
	}
}
