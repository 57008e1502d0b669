package tui

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"latchkey/accounts"
	"latchkey/internal/testwait"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// panicky is the real service with some calls that panic, as a bug in a
// service command would.
type panicky struct {
	common.Service
	mu         sync.Mutex
	unlock     bool // Unlock panics
	users      bool // Users panics
	unlockSeen int
}

func (p *panicky) Unlock(a accounts.Actor, id uint64, r accounts.Request) (accounts.User, error) {
	p.mu.Lock()
	on := p.unlock
	p.unlockSeen++
	p.mu.Unlock()
	if on {
		panic("unlock exploded: secret-ish detail 4242")
	}
	return p.Service.Unlock(a, id, r)
}

func (p *panicky) UsersPage(q accounts.UserQuery) (accounts.UserPage, error) {
	p.mu.Lock()
	on := p.users
	p.mu.Unlock()
	if on {
		var rows []accounts.UserRow
		_ = rows[3] // index out of range
	}
	return p.Service.UsersPage(q)
}

// safeBuffer is a log the commands' goroutines write to.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// No panic reaches the operator (the brief's standards; R31): a panic in a
// service command — an action's call, a pane's query — comes back as that
// command's answer: the form waiting for it comes back as typed under
// "internal error, logged", the pane says it could not load and loads again
// later; the panic's value and stack go to the app's log, never to the
// screen; and the console carries on.
func TestPanicInAServiceCommandIsShownLoggedAndSurvived(t *testing.T) {
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), fixture.Options{Practices: 2, Users: 4, Locked: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	svc := &panicky{Service: f.Svc, unlock: true}
	var logged safeBuffer
	m := New(svc, Options{Operator: "alice", Location: time.UTC, Start: common.PaneLockouts,
		Log: log.New(&logged), LogWhere: "the test's log"})
	m.every = func() tea.Cmd { return nil }
	m.noWake = true
	h := &harness{t: t, m: m, f: f}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	h.run(m.Init())

	locked, _ := f.Svc.Lockouts(10)
	if len(locked) == 0 {
		t.Fatal("no locked user in the fixture")
	}
	h.openUser(locked[0].User.ID)
	h.key("u")
	if _, ok := h.form(accounts.ActionUnlock); !ok {
		t.Fatalf("u did not open the unlock form:\n%s", h.view())
	}
	h.paste("locked out before clinic")
	h.key("enter")
	h.paste("called back on the number on file")
	h.key("enter")
	h.key("y")
	v := h.view()
	if !strings.Contains(v, common.InternalMsg) {
		t.Fatalf("the panic is not shown as %q:\n%s", common.InternalMsg, v)
	}
	if strings.Contains(v, "4242") || strings.Contains(v, "goroutine") {
		t.Fatalf("the panic's value or stack reached the screen:\n%s", v)
	}
	if l := logged.String(); !strings.Contains(l, "unlock exploded") || !strings.Contains(l, "panicky).Unlock") {
		t.Fatalf("the log lacks the panic or its stack:\n%s", l)
	}
	// enter on the alert: the form comes back as typed, and acting again works.
	h.key("enter")
	fm, ok := h.form(accounts.ActionUnlock)
	if !ok || fm.Values().Str("reason") != "locked out before clinic" {
		t.Fatalf("the form did not come back as typed:\n%s", h.view())
	}
	svc.mu.Lock()
	svc.unlock = false
	svc.mu.Unlock()
	h.key("enter")
	h.key("enter")
	h.key("y")
	if u, _ := f.Svc.User(locked[0].User.ID); u.Locked() {
		t.Fatalf("the console did not carry on: still locked\n%s", h.view())
	}

	// A pane's query that panics: the pane says so, and loads when asked again.
	svc.mu.Lock()
	svc.users = true
	svc.mu.Unlock()
	h.key("esc")
	h.key("2")
	if v := h.view(); !strings.Contains(v, "could not load users: "+common.InternalMsg) {
		t.Fatalf("the users pane does not say its query failed:\n%s", v)
	}
	if l := logged.String(); !strings.Contains(l, "index out of range") {
		t.Fatalf("the pane's panic is not logged:\n%s", l)
	}
	svc.mu.Lock()
	svc.users = false
	svc.mu.Unlock()
	h.key("/")
	h.typeText("a")
	if v := h.view(); strings.Contains(v, "could not load") || !strings.Contains(v, "users") {
		t.Fatalf("the users pane did not load again:\n%s", v)
	}
}

// No panic reaches the operator: one while drawing shows that the screen
// could not be drawn, "internal error, logged", never the panic's value;
// the value and stack go to the app's log.
func TestPanicInViewIsLoggedNotShown(t *testing.T) {
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), fixture.Options{Practices: 1, Users: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	var logged safeBuffer
	m := New(f.Svc, Options{Operator: "alice", Location: time.UTC, Log: log.New(&logged)})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.active = 99 // no such tab: drawing it panics
	v := m.View().Content
	if !strings.Contains(v, common.InternalMsg) || strings.Contains(v, "index out of range") {
		t.Fatalf("the screen: %q", v)
	}
	testwait.Until(t, 10*time.Second, logged.String, func() bool {
		return strings.Contains(logged.String(), "index out of range") && strings.Contains(logged.String(), "Render")
	})
}
