package panes

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// userRow is a user as the panes draw them: every string sanitised when it
// enters the view model (R38).
type userRow struct {
	ID          uint64
	Name        string
	Login       string
	Practice    string
	Kind        string
	Roles       string
	Status      string
	MFA         string // the method's short label (MethodLabel), "—" for none
	PracticeID  uint64
	Locked      bool
	LockedUntil int64 // unix nanoseconds; 0 when open
	Failures    int
	Rank        int // the search rank: pages continue after (Rank, ID)
	// rec is the record the row shows, never drawn: what the footer
	// offers for the row is asked of accounts from it (rowoffers.go).
	rec *accounts.User
	// cut: not a row but the mark of a page the service cut short (a
	// status read within its budget): the next page goes on after it.
	cut bool
}

func toUserRow(r accounts.UserRow) userRow {
	u := r.User
	row := userRow{
		ID: u.ID, Name: common.Sanitize(u.Name), Login: common.Sanitize(u.Login()),
		Practice: common.Sanitize(r.PracticeName), Kind: string(u.Kind), Roles: u.Roles.String(),
		Status: string(u.Status), Locked: u.Locked(), Failures: u.Failures,
		MFA: accounts.MethodLabel(u.MFA.Method), PracticeID: u.PracticeID, Rank: r.Rank, rec: &u,
	}
	if u.MFA.Pending != nil {
		row.MFA += "…" // a method being set up (R22)
	}
	if u.Locked() {
		row.LockedUntil = u.LockedUntil.UnixNano()
	}
	return row
}

// Users lists every user a page at a time; the filter finds the caller by
// name, email, username or practice through the service's word index, and
// f narrows the list to one status (locked, pending, inactive, active), with
// the filter or without, in one practice or all.
type Users struct {
	*list[userRow]
	scope     uint64 // only this practice's users (from the practices pane)
	scopeName string
	status    string // "" or one of statuses: f cycles through them
}

// statuses are the values of the status filter, in f's order: the three a
// desk triages first, then active (the same as `users list --status`).
var statuses = []string{"", "locked", "pending", "inactive", "active"}

// usersArg is what a users query asks beyond its words.
type usersArg struct {
	scope  uint64
	status string
}

// statusBudget bounds the records a page reads for a status (a variable:
// tests cut pages short on a small world).
var statusBudget = accounts.StatusBudget

// statusKey cycles the status filter.
var statusKey = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "status filter"))

// usersQuery is the service's query for a page of the pane.
func usersQuery(a usersArg, q string, last *userRow, limit int) accounts.UserQuery {
	uq := accounts.UserQuery{Search: q, Limit: limit, PracticeID: a.scope}
	switch a.status {
	case "":
	case "locked":
		uq.LockedOnly = true // the lockouts index carries it
	default:
		// No index carries a status: the service reads records for it,
		// a bounded number a page, and says where to go on (R31, issue 14).
		uq.Status, uq.Budget = accounts.Status(a.status), statusBudget
	}
	if last != nil {
		uq.After, uq.AfterRank = last.ID, last.Rank
	}
	return uq
}

// NewUsers returns the users pane.
func NewUsers(c *common.Common) *Users {
	p := &Users{}
	fetch := func(arg any, q string, _ int, last *userRow, limit int) ([]userRow, error) {
		a, _ := arg.(usersArg)
		pg, err := c.Svc.UsersPage(usersQuery(a, q, last, limit))
		out := make([]userRow, len(pg.Rows), len(pg.Rows)+1)
		for i, r := range pg.Rows {
			out[i] = toUserRow(r)
		}
		if pg.Cut {
			out = append(out, userRow{cut: true, ID: pg.After, Rank: pg.AfterRank})
		}
		return out, err
	}
	p.list = newList(c, common.PaneUsers, "users", 200, fetch, p.row,
		components.Column{Title: "Name", Width: 16, Flex: true, Max: 26},
		components.Column{Title: "Login", Width: 18, Flex: true, Max: 40},
		components.Column{Title: "Practice", Width: 14, Flex: true, Max: 40, Drop: 1},
		components.Column{Title: "Kind", Width: 8, Drop: 2},
		components.Column{Title: "Roles", Width: 12, Drop: 3},
		components.Column{Title: "MFA", Width: 5},
		components.Column{Title: "Status", Width: 15},
	)
	p.summary = p.scopeLine
	p.cut = func(r userRow) bool { return r.cut }
	p.arg = usersArg{}
	p.filtered = func() bool { return p.status != "" }
	return p
}

// scopeLine is the pane's header: which practice, which status.
func (p *Users) scopeLine() string {
	st := p.c.Styles
	line := st.Muted.Render("All practices")
	if p.scope != 0 {
		line = st.Title.Render("Practice: " + p.scopeName)
	}
	if p.status != "" {
		return line + st.Muted.Render(" · ") + st.Title.Render("status: "+strings.ToUpper(p.status)) +
			st.Muted.Render("  (f next status · esc clears)")
	}
	if p.scope != 0 {
		return line + st.Muted.Render("  (esc shows all practices · f filters by status)")
	}
	return line + st.Muted.Render(" · f filters by status")
}

// Status is the status filter ("" for none).
func (p *Users) Status() string { return p.status }

// setStatus filters by a status (or none) and loads the list anew.
func (p *Users) setStatus(s string) tea.Cmd {
	p.status = s
	p.arg = usersArg{scope: p.scope, status: s}
	p.table.SetCursor(0)
	return p.load(0)
}

// nextStatus is f: the next status of statuses, after the last none.
func (p *Users) nextStatus() tea.Cmd {
	i := slices.Index(statuses, p.status)
	return p.setStatus(statuses[(i+1)%len(statuses)])
}

func (p *Users) row(_ int, u userRow) components.Row {
	status := u.Status
	r := components.Row{Cells: []string{u.Name, u.Login, u.Practice, u.Kind, u.Roles, u.MFA, status}}
	if u.Locked {
		r.Cells[6] = "LOCKED " + status
		s := p.c.Styles.Locked
		r.Style = &s
	}
	return r
}

// Title is the tab's name.
func (p *Users) Title() string { return "Users" }

// Scope shows one practice's users (0: all).
func (p *Users) Scope(id uint64, name string) tea.Cmd {
	p.scope, p.scopeName, p.arg = id, name, usersArg{scope: id, status: p.status}
	p.filter.Reset()
	p.table.SetCursor(0)
	return p.load(0)
}

// Find shows the users whose login matches login, across all practices,
// the first selected: where the palette's jump to a user leaves the list,
// so going back from the detail finds that user under the cursor.
func (p *Users) Find(login string) tea.Cmd {
	p.scope, p.scopeName, p.status, p.arg = 0, "", "", usersArg{}
	p.filter.Set(login)
	p.table.SetCursor(0)
	return p.load(0)
}

// Back clears the filter, then the status, then the practice scope.
func (p *Users) Back() (bool, tea.Cmd) {
	if used, cmd := p.list.Back(); used {
		return true, cmd
	}
	if p.status != "" {
		return true, p.setStatus("")
	}
	if p.scope != 0 {
		return true, p.Scope(0, "")
	}
	return false, nil
}

// Update handles the pane's messages and keys.
func (p *Users) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		u, sel := p.Selected()
		switch {
		case sel && key.Matches(k, p.c.Keys.Open):
			return func() tea.Msg { return common.OpenDetailMsg{UserID: u.ID} }
		case key.Matches(k, statusKey):
			return p.nextStatus()
		}
	}
	return cmd
}

// ShortHelp is the footer's list (the root adds the actions' keys).
func (p *Users) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	out := []key.Binding{k.Move, k.Filter, statusKey, k.Open}
	if p.scope != 0 || p.status != "" {
		out = append(out, k.Back)
	}
	return append(out, k.Help, k.Quit, k.NextTab)
}

// FullHelp is every key that works here.
func (p *Users) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// Selection is the user under the cursor, else the practice in scope.
func (p *Users) Selection() accounts.Target {
	if u, ok := p.Selected(); ok {
		return accounts.Target{UserID: u.ID, PracticeID: u.PracticeID}
	}
	return accounts.Target{PracticeID: p.scope}
}

var filterDone = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done typing"))

// fullHelp groups the pane's keys with the moves and the global keys.
func fullHelp(c *common.Common, pane []key.Binding) [][]key.Binding {
	k := c.Keys
	return [][]key.Binding{ownKeys(pane, k.Global()...), k.Moves(), k.Tabs(), k.Global()}
}

// ownKeys are a footer's keys less those full help lists elsewhere: the
// global ones (also any in listed), the moves, and a fold of the action
// keys ("a x p R").
func ownKeys(pane []key.Binding, listed ...key.Binding) []key.Binding {
	elsewhere := map[string]bool{}
	for _, b := range listed {
		elsewhere[b.Help().Key] = true
	}
	own := make([]key.Binding, 0, len(pane))
	for _, b := range pane {
		if h := b.Help().Key; h != "tab" && h != "?" && h != "q" && h != "↑↓" && !strings.Contains(h, " ") && !elsewhere[h] {
			own = append(own, b)
		}
	}
	return own
}
