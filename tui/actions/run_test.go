package actions

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// unlockOnly answers the calls the test makes: no passed check, the unlock.
type unlockOnly struct {
	common.Service
	called bool
}

func (s *unlockOnly) PassedVerification(string, uint64) (accounts.VerificationView, bool, error) {
	return accounts.VerificationView{}, false, nil
}

func (s *unlockOnly) Unlock(accounts.Actor, uint64, accounts.Request) (accounts.User, error) {
	s.called = true
	return accounts.User{}, nil
}

// Issue 12 item 6 (the task line): an action's service call — reached from
// a form, a confirm or a key — says it started (RunningMsg) and answers
// (DoneMsg) under one number, so the root shows "working: …" while it runs
// and knows a RunningMsg that comes after its answer for late.
func TestRunSaysItIsWorking(t *testing.T) {
	svc := &unlockOnly{}
	c := common.New(svc, "alice")
	d := &Data{User: &accounts.User{ID: 1, Name: "Ana Ruiz", Email: "ana@elm.example"}}
	msg := run(c, unlock, d, dialog.NewValues(), "form:unlock")()
	batch, ok := msg.(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("run answered %T, want a batch of the call and its RunningMsg", msg)
	}
	var running RunningMsg
	var done DoneMsg
	for _, cmd := range batch {
		switch m := cmd().(type) {
		case RunningMsg:
			running = m
		case DoneMsg:
			done = m
		}
	}
	if !svc.called || running.N == 0 || running.N != done.N || done.Form != "form:unlock" {
		t.Fatalf("called %v, running %+v, done N %d form %q", svc.called, running, done.N, done.Form)
	}
	if running.What != "Unlock: Ana Ruiz (ana@elm.example)" {
		t.Fatalf("the task line would say %q", running.What)
	}
}

// Issue 12 item 6 (the task line), R41: a code read back is with the
// service until its answer comes, and the check dialog says so.
func TestCheckDialogSaysItIsChecking(t *testing.T) {
	c := common.New(&unlockOnly{}, "alice")
	c.Loc = time.UTC
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c.Svc = clockOnly{c.Svc, now}
	d := NewCheckDialog(c, accounts.VerificationView{ID: 3, Method: accounts.VerifyCode, State: accounts.VerifyStarted,
		ExpiresAt: now.Add(15 * time.Minute)})
	d.Init()
	for _, r := range "123456" {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if d.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) == nil {
		t.Fatal("enter did not ask the service")
	}
	if v := ansi.Strip(d.View(80, 24)); !strings.Contains(v, "checking…") {
		t.Fatalf("no word that the code is being checked:\n%s", v)
	}
	d.Update(checkedMsg{ID: 3, V: accounts.VerificationView{ID: 3, Method: accounts.VerifyCode, State: accounts.VerifyPassed,
		ExpiresAt: now.Add(15 * time.Minute)}})
	if v := ansi.Strip(d.View(80, 24)); strings.Contains(v, "checking…") || !strings.Contains(v, "PASSED") {
		t.Fatalf("the answer did not replace it:\n%s", v)
	}
}

// clockOnly answers the time.
type clockOnly struct {
	common.Service
	now time.Time
}

func (c clockOnly) Now() time.Time { return c.now }
