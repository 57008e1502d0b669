package tui

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"latchkey/tui/internal/fixture"
)

// R13, R32: the whole flow in a running program at 120x36: go to the
// lockouts, unlock the first account through the form and the confirm, and
// see the row leave.
func TestTeatestUnlockFlow(t *testing.T) {
	f, err := fixture.Build(filepath.Join(t.TempDir(), "flow.db"), small)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	m := New(f.Svc, Options{Operator: "alice", Location: time.UTC})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 36))

	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("Practices")
	tm.Send(keyMsg("4"))
	wait("Unlocks in")
	tm.Send(keyMsg("u"))
	wait("caller verified?")
	tm.Type("forgot")
	tm.Send(keyMsg("enter"))
	tm.Type("callback")
	tm.Send(keyMsg("enter"))
	wait("[ No ]")
	tm.Send(keyMsg("y"))
	wait("Unlocked Ana Alvarez")
	tm.Send(keyMsg("q"))

	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if n := final.Lockouts().Count(); n != 2 {
		t.Fatalf("%d rows after the unlock, want 2", n)
	}
	for _, id := range final.Lockouts().Rows() {
		if id == f.LockedIDs[0] {
			t.Fatal("the unlocked account is still listed")
		}
	}
	if u, _ := f.Svc.User(f.LockedIDs[0]); u.Locked() {
		t.Fatal("the account is still locked")
	}
}
