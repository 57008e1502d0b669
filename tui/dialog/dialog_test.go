package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"latchkey/tui/common"
)

// twoFields is a form of two required text fields, reason and verified.
func twoFields() *Form {
	return NewForm(testCommon(), "f", FormSpec{Heading: "Unlock Ana", Groups: func(v *Values) []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			Text(v, "reason", "Reason", 200).Validate(Required("a reason")),
			Text(v, "verified", "Verified", 200).Validate(Required("how")),
		)}
	}}, NewValues(), func(*Values) tea.Cmd { return nil })
}

// threeGroups is a form over three groups (a name and a select, then an
// email typed twice).
func threeGroups() *Form {
	return NewForm(testCommon(), "g", FormSpec{Heading: "Add", Groups: func(v *Values) []*huh.Group {
		return []*huh.Group{
			huh.NewGroup(Text(v, "name", "Name", 120),
				huh.NewSelect[string]().Key("kind").Options(huh.NewOption("staff", "staff"), huh.NewOption("provider", "provider")).Value(v.S("kind"))),
			huh.NewGroup(Text(v, "email", "Email", 254), Text(v, "again", "Again", 254)),
		}
	}}, NewValues(), func(*Values) tea.Cmd { return nil })
}

func press(d Dialog, k string) tea.Cmd {
	switch k {
	case "enter":
		return d.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	case "esc":
		return d.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	case "right":
		return d.Update(tea.KeyPressMsg{Code: tea.KeyRight})
	case "ctrl+c":
		return d.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	}
	return d.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
}

func msgOf(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

// Destructive actions confirm with No focused: enter alone never confirms;
// y, or moving to Yes, does; esc and ctrl+c say no.
func TestConfirmStartsOnNo(t *testing.T) {
	c := testCommon()
	yes := func() tea.Msg { return "yes" }
	d := NewConfirm(c, "c", "Unlock?", "body", "Unlock", yes)
	if d.YesFocused() {
		t.Fatal("yes focused at open")
	}
	if msgOf(press(d, "enter")) == "yes" || !d.Closed() {
		t.Fatal("enter at open said yes")
	}
	d = NewConfirm(c, "c", "Unlock?", "body", "Unlock", yes)
	press(d, "right")
	if msgOf(press(d, "enter")) != "yes" {
		t.Fatal("right then enter must say yes")
	}
	for _, k := range []string{"esc", "ctrl+c", "n"} {
		d = NewConfirm(c, "c", "Unlock?", "body", "Unlock", yes)
		if msgOf(press(d, k)) == "yes" || !d.Closed() {
			t.Fatalf("%s must say no", k)
		}
	}
	d = NewConfirm(c, "c", "Unlock?", "body", "Unlock", yes)
	if msgOf(press(d, "y")) != "yes" {
		t.Fatal("y must confirm")
	}
}

// A click on a confirm's button presses it.
func TestConfirmClick(t *testing.T) {
	d := NewConfirm(testCommon(), "c", "Unlock?", "body", "Unlock", func() tea.Msg { return "yes" })
	view := d.View(60, 20)
	lines := strings.Split(view, "\n")
	if !strings.Contains(lines[d.btnY], "No") {
		t.Fatalf("buttons not at line %d:\n%s", d.btnY, view)
	}
	if msgOf(d.Click(d.yesX0+1, d.btnY)) != "yes" {
		t.Fatal("a click on Unlock did not say yes")
	}
}

// R31 (item 3): a form never loses what was typed. No on its confirm, or a
// refusal, brings it back with every value; ctrl+c closes the form, not
// the app; its limits are said before anything is cut.
func TestFormKeepsWhatWasTyped(t *testing.T) {
	var s Stack
	var submitted *Values
	f := twoFields()
	f.submit = func(v *Values) tea.Cmd {
		submitted = v
		return nil
	}
	s.Push(f)
	if !strings.Contains(f.View(80, 20), "up to 200 characters") {
		t.Fatalf("the limit is not said:\n%s", f.View(80, 20))
	}
	typeKeys(f, "forgot")
	deliver(t, f, []tea.Cmd{press(f, "enter")}, 0)
	typeKeys(f, "callback")
	deliver(t, f, []tea.Cmd{press(f, "enter")}, 0)
	if submitted == nil || submitted.Str("reason") != "forgot" || submitted.Str("verified") != "callback" {
		t.Fatalf("submitted %+v", submitted)
	}
	s.Push(NewConfirm(testCommon(), "c", "Sure?", "", "Yes", nil))
	s.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // No is focused
	if s.Top() != Dialog(f) || f.Waiting() {
		t.Fatalf("No did not go back to the form: top %T waiting %v", s.Top(), f.Waiting())
	}
	if !strings.Contains(f.View(80, 20), "forgot") || f.v.Str("verified") != "callback" {
		t.Fatalf("the form lost what was typed:\n%s", f.View(80, 20))
	}
	// A refusal over the form: enter brings it back; esc drops both.
	a := NewAlert(testCommon(), "a", "Refused", "R13", true)
	a.Form = f.ID()
	f.waiting = true
	s.Push(a)
	s.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if s.Top() != Dialog(f) || f.v.Str("reason") != "forgot" {
		t.Fatal("enter on a refusal did not go back to the form as typed")
	}
	s.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if s.Len() != 0 {
		t.Fatal("ctrl+c did not close the form")
	}
}

// esc on a refusal over a form drops the form too.
func TestAlertEscDropsItsForm(t *testing.T) {
	a := NewAlert(testCommon(), "a", "Refused", "R9", true)
	a.Form = "f"
	var closed []string
	cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	for _, m := range msgOf(cmd).(tea.BatchMsg) {
		if c, ok := msgOf(m).(CloseMsg); ok {
			closed = append(closed, c.ID)
		}
	}
	if len(closed) != 1 || closed[0] != "f" || !a.Closed() {
		t.Fatalf("closed %v", closed)
	}
}

var _ = common.Flash
