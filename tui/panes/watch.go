package panes

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// maxWatch bounds one load of the watch list: entries wait only until an
// operator reviews them, so the open ones are few.
const maxWatch = 2000

// watchRow is a factor on the watch list as the pane draws it (strings
// sanitised, R38).
type watchRow struct {
	ID         uint64 // the entry
	UserID     uint64
	Name       string
	Login      string
	Practice   string
	Factor     string
	More       int // the user's older entries, waiting behind this one
	EnrolledAt time.Time
	ClearedAt  time.Time
	ClearedBy  string
	rec        *accounts.WatchEntry // never drawn: for what the footer offers (rowoffers.go)
}

func (r watchRow) rowKey() uint64 { return r.ID }

// Watch lists the factors enrolled within 24 hours of an MFA clear that no
// operator has reviewed yet (R43), newest first: what an impostor who
// talked the desk into a clear would enrol next. enter opens the user; W
// records the review, with a note, and the row leaves.
type Watch struct {
	*list[watchRow]
}

// NewWatch returns the watch-list pane.
func NewWatch(c *common.Common) *Watch {
	p := &Watch{}
	fetch := func(_ any, q string, loaded int, _ *watchRow, _ int) ([]watchRow, error) {
		if loaded > 0 {
			return nil, nil // one load holds them all
		}
		ws, err := c.Svc.WatchList(false, maxWatch)
		if err != nil {
			return nil, err
		}
		names := map[uint64]string{} // a practice's name, asked once per load
		terms := strings.Fields(accounts.Fold(q))
		out := make([]watchRow, 0, len(ws))
		// One row per user, their newest entry: the one W reviews (it acts
		// on the user's newest); an older one shows when that is reviewed.
		more := map[uint64]int{}
		for _, w := range ws {
			more[w.UserID]++
		}
		seen := map[uint64]bool{}
		for _, w := range ws {
			if seen[w.UserID] {
				continue
			}
			seen[w.UserID] = true
			name, ok := names[w.PracticeID]
			if !ok {
				if pr, err := c.Svc.Practice(w.PracticeID); err == nil {
					name = common.Sanitize(pr.Name)
				}
				names[w.PracticeID] = name
			}
			r := watchRow{ID: w.ID, UserID: w.UserID, Name: common.Sanitize(w.Name), Login: common.Sanitize(w.Login),
				Practice: name, Factor: factorName(w.Method), More: more[w.UserID] - 1, EnrolledAt: w.EnrolledAt, ClearedAt: w.ClearedAt,
				ClearedBy: common.Sanitize(w.ClearedByWords()), rec: &w}
			if matchAll(terms, r.Name, r.Login, r.Practice, r.Factor, r.ClearedBy) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	p.list = newList(c, common.PaneWatch, "watched users", maxWatch, fetch, p.row,
		components.Column{Title: "#", Width: 4, Right: true, Drop: 3},
		components.Column{Title: "Name", Width: 16},
		components.Column{Title: "Login", Width: 20, Flex: true, Max: 40},
		components.Column{Title: "Practice", Width: 12, Flex: true, Max: 34, Drop: 2},
		components.Column{Title: "Factor", Width: 12},   // "text message", "app +1" (older entries waiting)
		components.Column{Title: "Enrolled", Width: 12}, // "14:05", or "Nov 29 14:05"
		components.Column{Title: "After clear", Width: 11},
		components.Column{Title: "Cleared by", Width: 10, Drop: 1},
	)
	p.summary = p.line
	p.empty = "nothing to review: every factor enrolled after a clear was reviewed"
	return p
}

// factorName says a second factor in words.
func factorName(m accounts.MFAMethod) string {
	switch m {
	case accounts.MFAApp:
		return "app"
	case accounts.MFASMS:
		return "text message"
	case accounts.MFAEmail:
		return "email code"
	}
	return string(m)
}

func (p *Watch) line() string {
	st := p.c.Styles
	return st.Title.Render("Watch list") +
		st.Muted.Render(fmt.Sprintf(" · factors enrolled within %d h of an MFA clear (R43) · W reviews one · newest first",
			int(accounts.WatchWindow.Hours())))
}

func (p *Watch) row(_ int, r watchRow) components.Row {
	now := p.c.Now()
	factor := r.Factor
	if r.More > 0 {
		factor += fmt.Sprintf(" +%d", r.More)
	}
	return components.Row{Cells: []string{fmt.Sprint(r.ID), r.Name, r.Login, r.Practice, factor,
		common.Short(r.EnrolledAt, now, p.c.Loc), common.Span(r.EnrolledAt.Sub(r.ClearedAt)) + " after", r.ClearedBy}}
}

// Title is the tab's name.
func (p *Watch) Title() string { return "Watch" }

// Update handles the pane's messages and keys: enter opens the user.
func (p *Watch) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if r, sel := p.Selected(); sel && key.Matches(k, p.c.Keys.Open) {
			return func() tea.Msg { return common.OpenDetailMsg{UserID: r.UserID} }
		}
	}
	return cmd
}

// ShortHelp is the footer's list.
func (p *Watch) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	out := []key.Binding{k.Move, k.Filter}
	if _, ok := p.Selected(); ok {
		out = append(out, k.Open) // W, where it can run, is the actions' (Eligible)
	}
	return append(out, k.Help, k.Quit, k.NextTab)
}

// FullHelp is every key that works here.
func (p *Watch) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// Selection is the watched user under the cursor: W reviews their factor.
func (p *Watch) Selection() accounts.Target {
	if r, ok := p.Selected(); ok {
		return accounts.Target{UserID: r.UserID}
	}
	return accounts.Target{}
}

// Entries are the watch-list entries shown, in order (tests read them).
func (p *Watch) Entries() []uint64 {
	out := make([]uint64, len(p.items))
	for i, r := range p.items {
		out[i] = r.ID
	}
	return out
}
