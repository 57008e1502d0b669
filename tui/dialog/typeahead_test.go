package dialog

import (
	"reflect"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

func testCommon() *common.Common {
	return &common.Common{Styles: common.NewStyles(true), Keys: common.NewKeyMap(), Width: 80, Height: 24, Loc: time.UTC}
}

func typeKeys(f interface{ Update(tea.Msg) tea.Cmd }, s string) []tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range s {
		cmds = append(cmds, f.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
	return cmds
}

// deliver runs cmds as the runtime would, later than the keys, feeding
// their messages back (a timer that does not answer at once is dropped).
func deliver(t *testing.T, f interface{ Update(tea.Msg) tea.Cmd }, cmds []tea.Cmd, depth int) {
	t.Helper()
	if depth > 8 {
		return
	}
	for _, cmd := range cmds {
		if cmd == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- cmd() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(50 * time.Millisecond):
			continue
		}
		if msg == nil {
			continue
		}
		// tea.Batch and tea.Sequence answer with a list of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			var inner []tea.Cmd
			for i := range v.Len() {
				inner = append(inner, v.Index(i).Interface().(tea.Cmd))
			}
			deliver(t, f, inner, depth+1)
			continue
		}
		deliver(t, f, []tea.Cmd{f.Update(msg)}, depth+1)
	}
}

// Keys typed right after enter, before Huh has handled its move message,
// land in the next field, not in the one being left.
func TestTypeaheadAfterEnterLandsInNextField(t *testing.T) {
	f := twoFields()
	f.Init() // focuses the first field; its commands are cursor blinks
	var cmds []tea.Cmd
	cmds = append(cmds, typeKeys(f, "reason")...)
	cmds = append(cmds, f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	cmds = append(cmds, typeKeys(f, "verified")...)
	if !f.typing.Holding() {
		t.Fatal("keys after enter are not held while the move is under way")
	}
	if got := f.v.Str("verified"); got != "" {
		t.Fatalf("second field got %q before the move", got)
	}
	deliver(t, f, cmds, 0) // the move message arrives now, after the keys
	if r, v := f.v.Str("reason"), f.v.Str("verified"); r != "reason" || v != "verified" {
		t.Fatalf("reason %q, verified %q: want each field its own text", r, v)
	}
	if f.typing.Holding() {
		t.Fatal("still holding after the move")
	}
}

// The same across fields and groups (next-group moves) in an action form:
// everything typed at once, then the moves delivered.
func TestTypeaheadAcrossGroups(t *testing.T) {
	f := threeGroups()
	f.Init()
	enter := func() tea.Cmd { return f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) }
	var cmds []tea.Cmd
	cmds = append(cmds, typeKeys(f, "Ana Ruiz")...)
	cmds = append(cmds, enter(), enter()) // name, kind
	cmds = append(cmds, typeKeys(f, "ana@elm.org")...)
	cmds = append(cmds, enter())
	cmds = append(cmds, typeKeys(f, "ana@elm.org")...)
	deliver(t, f, cmds, 0)
	if n, e, a := f.v.Str("name"), f.v.Str("email"), f.v.Str("again"); n != "Ana Ruiz" || e != "ana@elm.org" || a != "ana@elm.org" {
		t.Fatalf("name %q, email %q, again %q: want each field its own text", n, e, a)
	}
}

// A move that never comes (a refused empty value) holds nothing; and
// whatever is held goes out at the second console tick at the latest.
func TestTypeaheadNeverHoldsPastTwoTicks(t *testing.T) {
	f := twoFields()
	f.Init()
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // empty reason: refused, no move
	if f.typing.Holding() {
		t.Fatal("holding after a refused value")
	}
	typeKeys(f, "ok")
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // a move, its message never delivered
	typeKeys(f, "late")
	if !f.typing.Holding() {
		t.Fatal("not holding after enter")
	}
	f.Update(common.TickMsg(time.Now()))
	if !f.typing.Holding() {
		t.Fatal("one tick let the keys go before the move could come")
	}
	f.Update(common.TickMsg(time.Now()))
	if f.typing.Holding() {
		t.Fatal("still holding after two ticks")
	}
	if got := f.v.Str("reason"); got != "oklate" {
		t.Fatalf("reason %q: the held keys were not replayed where the focus is", got)
	}
}

// A console tick that comes between enter and Huh's move (a loaded machine,
// a burst of keys queued behind the move) does not replay the held keys
// into the field being left: they wait for the move, and only a second
// tick with no move gives them up to the field still focused.
func TestTypeaheadTickBeforeTheMoveKeepsTheKeys(t *testing.T) {
	f := twoFields()
	f.Init()
	typeKeys(f, "reason")
	move := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	typeKeys(f, "ver")
	f.Update(common.TickMsg(time.Now())) // the tick wins the race
	deliver(t, f, []tea.Cmd{move}, 0)    // then the move arrives
	typeKeys(f, "ified")
	if r, v := f.v.Str("reason"), f.v.Str("verified"); r != "reason" || v != "verified" {
		t.Fatalf("reason %q, verified %q: a tick sent the held keys to the field being left", r, v)
	}
}
