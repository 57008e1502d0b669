package panes

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// maxLockouts bounds one load of the lockouts pane; locks, not users, set its
// cost (the service reads the index of lift times).
const maxLockouts = 2000

// lockRow is a locked account as the pane draws it (strings sanitised, R38).
type lockRow struct {
	ID        uint64
	Name      string
	Login     string
	Practice  string
	LockedAt  time.Time
	UnlocksAt time.Time // absolute: the countdown is computed when drawn
	Failures  int
	rec       *accounts.User // never drawn: for what the footer offers (rowoffers.go)
}

// Lockouts lists locked accounts, soonest to lift first, with a live
// countdown to each automatic unlock (R12, R32). Rows leave when their lock
// lifts or is unlocked.
type Lockouts struct {
	*list[lockRow]
}

// NewLockouts returns the lockouts pane.
func NewLockouts(c *common.Common) *Lockouts {
	p := &Lockouts{}
	fetch := func(_ any, q string, loaded int, _ *lockRow, _ int) ([]lockRow, error) {
		if loaded > 0 {
			return nil, nil // one load holds them all
		}
		ls, err := c.Svc.Lockouts(maxLockouts)
		out := make([]lockRow, 0, len(ls))
		terms := strings.Fields(accounts.Fold(q))
		for _, l := range ls {
			r := lockRow{ID: l.User.ID, Name: common.Sanitize(l.Name), Login: common.Sanitize(l.Login),
				Practice: common.Sanitize(l.Practice), LockedAt: l.LockedAt, UnlocksAt: l.UnlocksAt, Failures: l.Failures, rec: &l.User}
			if matchAll(terms, r.Name, r.Login, r.Practice) {
				out = append(out, r)
			}
		}
		return out, err
	}
	p.list = newList(c, common.PaneLockouts, "locked accounts", maxLockouts, fetch, p.row,
		components.Column{Title: "Name", Width: 16, Flex: true, Max: 26},
		components.Column{Title: "Login", Width: 18, Flex: true, Max: 40},
		components.Column{Title: "Practice", Width: 14, Flex: true, Max: 40, Drop: 2},
		components.Column{Title: "Locked at", Width: 12, Drop: 1}, // "14:05", or "Nov 29 14:05"
		components.Column{Title: "Fails", Width: 5, Right: true, Drop: 3},
		components.Column{Title: "Unlocks in", Width: 10, Right: true},
	)
	p.summary = p.line
	return p
}

// matchAll reports whether every term is in one of the fields (any case).
func matchAll(terms []string, fields ...string) bool {
	for _, t := range terms {
		found := false
		for _, f := range fields {
			if strings.Contains(accounts.Fold(f), t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (p *Lockouts) line() string {
	st := p.c.Styles
	d := p.c.Svc.Config().LockDuration
	return st.Title.Render("Locked accounts") +
		st.Muted.Render(fmt.Sprintf(" · soonest first · each lifts by itself %d min after it began",
			int(d.Minutes())))
}

func (p *Lockouts) row(_ int, r lockRow) components.Row {
	now := p.c.Now()
	return components.Row{Cells: []string{r.Name, r.Login, r.Practice,
		common.Short(r.LockedAt, now, p.c.Loc), strconv.Itoa(r.Failures), common.Countdown(now, r.UnlocksAt)}}
}

// Tick drops the rows whose lock has lifted by now and reports whether any
// did (the root then has the service sweep them, R12).
// Due reports whether a lock shown is due to lift at now: the root sweeps
// then, and reads nothing on the ticks between.
func (p *Lockouts) Due(now time.Time) bool {
	for _, r := range p.items {
		if !r.UnlocksAt.After(now) {
			return true
		}
	}
	return false
}

func (p *Lockouts) Tick(now time.Time) bool {
	n := len(p.items)
	p.Remove(func(r lockRow) bool { return !r.UnlocksAt.After(now) })
	return len(p.items) != n
}

// Drop removes a user's row at once (after an unlock).
func (p *Lockouts) Drop(userID uint64) {
	p.Remove(func(r lockRow) bool { return r.ID == userID })
}

// Rows are the user ids shown, in order.
func (p *Lockouts) Rows() []uint64 {
	out := make([]uint64, len(p.items))
	for i, r := range p.items {
		out[i] = r.ID
	}
	return out
}

// Count is the number of rows shown.
func (p *Lockouts) Count() int { return len(p.items) }

// Title is the tab's name.
func (p *Lockouts) Title() string { return "Lockouts" }

// Update handles the pane's messages and keys.
func (p *Lockouts) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		r, sel := p.Selected()
		switch {
		case sel && key.Matches(k, p.c.Keys.Open):
			return func() tea.Msg { return common.OpenDetailMsg{UserID: r.ID} }
		}
	}
	return cmd
}

// ShortHelp is the footer's list.
func (p *Lockouts) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	out := []key.Binding{k.Move, k.Filter}
	if _, ok := p.Selected(); ok {
		out = append(out, k.Open)
	}
	if p.c.Svc.IsDemo() {
		out = append(out, k.ClockStep)
	}
	return append(out, k.Help, k.Quit, k.NextTab)
}

// Selection is the locked user under the cursor.
func (p *Lockouts) Selection() accounts.Target {
	if r, ok := p.Selected(); ok {
		return accounts.Target{UserID: r.ID}
	}
	return accounts.Target{}
}

// FullHelp is every key that works here.
func (p *Lockouts) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }
