package panes

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// feed runs cmd and hands its answers to p until it asks for nothing more.
func feed(t *testing.T, p *Users, cmd tea.Cmd) {
	t.Helper()
	for i := 0; cmd != nil; i++ {
		if i > 10_000 {
			t.Fatal("the pane never stops asking")
		}
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				feed(t, p, c)
			}
			return
		}
		if _, ok := msg.(common.DataMsg); !ok {
			return
		}
		cmd = p.Update(msg)
	}
}

// R31, R32: a status filter whose pages the service cuts short (its budget
// of records read, which keeps a key quick at a million users) still pages
// correctly in the Users pane: it goes on past what each page read, asks
// again at once while the screen is not full, and scrolling to the end
// shows every match once, in order — what the service lists unbounded.
func TestUsersStatusPagesCutShort(t *testing.T) {
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), fixture.Options{Practices: 8, Users: 9, Locked: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	defer func(b int) { statusBudget = b }(statusBudget)
	statusBudget = 3
	c := common.New(f.Svc, "alice")
	c.Width, c.Height, c.Loc = 100, 14, time.UTC
	p := NewUsers(c)
	p.SetSize(100, 14)
	feed(t, p, p.Init())
	feed(t, p, p.setStatus("active")) // an owner a practice: 1 in 9
	want, err := f.Svc.Users(accounts.UserQuery{Status: accounts.StatusActive, Limit: 1000})
	if err != nil || len(want) < 8 {
		t.Fatalf("%d active users, %v", len(want), err)
	}
	if len(p.Items()) == 0 {
		t.Fatalf("the first screen is empty: a cut page did not go on\n%s", p.View())
	}
	for range 200 {
		feed(t, p, p.Update(tea.KeyPressMsg{Code: tea.KeyDown}))
	}
	var got, ids []uint64
	for _, r := range p.Items() {
		got = append(got, r.ID)
	}
	for _, r := range want {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("rows %v\nwant %v\n%s", got, ids, p.View())
	}
}
