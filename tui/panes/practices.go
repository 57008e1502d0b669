package panes

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// practiceRow is a practice as the panes draw it (name sanitised, R38).
type practiceRow struct {
	ID        uint64
	Name      string
	Purchased int
	InUse     int
	MFA       bool
	rec       *accounts.Practice // never drawn: for what the footer offers (rowoffers.go)
}

func toPracticeRow(p accounts.Practice) practiceRow {
	return practiceRow{ID: p.ID, Name: common.Sanitize(p.Name), Purchased: p.Purchased, InUse: p.InUse, MFA: p.MFARequired, rec: &p}
}

// Practices lists the practices by number; enter opens a practice's detail,
// u shows its users.
type Practices struct {
	*list[practiceRow]
}

// NewPractices returns the practices pane.
func NewPractices(c *common.Common) *Practices {
	p := &Practices{}
	fetch := func(_ any, q string, _ int, last *practiceRow, limit int) ([]practiceRow, error) {
		pq := accounts.PracticeQuery{Search: q, Limit: limit}
		if last != nil {
			pq.After = last.ID
		}
		ps, err := c.Svc.Practices(pq)
		out := make([]practiceRow, len(ps))
		for i, pr := range ps {
			out[i] = toPracticeRow(pr)
		}
		return out, err
	}
	p.list = newList(c, common.PanePractices, "practices", 200, fetch, p.row,
		components.Column{Title: "#", Width: 6, Right: true},
		components.Column{Title: "Practice", Width: 24, Flex: true, Max: 44},
		components.Column{Title: "Purchased", Width: 9, Right: true},
		components.Column{Title: "In use", Width: 6, Right: true},
		components.Column{Title: "Free", Width: 5, Right: true},
		components.Column{Title: "MFA", Width: 8, Drop: 1},
		components.Column{Title: "", Width: 11},
	)
	// A desk of one's own starts empty, and the console has no form to
	// onboard a practice: say which command does.
	p.empty = "no practices yet: onboard one with  latchkey practices add NAME --licenses N"
	return p
}

func (p *Practices) row(_ int, r practiceRow) components.Row {
	mfa, note := "optional", ""
	if r.MFA {
		mfa = "required"
	}
	row := components.Row{Cells: []string{strconv.FormatUint(r.ID, 10), r.Name, strconv.Itoa(r.Purchased),
		strconv.Itoa(r.InUse), strconv.Itoa(r.Purchased - r.InUse), mfa, note}}
	if r.InUse >= r.Purchased {
		row.Cells[6] = "AT CAPACITY"
		s := p.c.Styles.AtCapacity
		row.Style = &s
	}
	return row
}

// Title is the tab's name.
func (p *Practices) Title() string { return "Practices" }

// Update handles the pane's messages and keys.
func (p *Practices) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		r, sel := p.Selected()
		switch {
		case sel && key.Matches(k, p.c.Keys.Open):
			return func() tea.Msg { return common.OpenPracticeMsg{PracticeID: r.ID} }
		case sel && key.Matches(k, p.c.Keys.PracticeUsers):
			return func() tea.Msg { return common.ShowPracticeUsersMsg{PracticeID: r.ID, Name: r.Name} }
		}
	}
	return cmd
}

var openPractice = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail"))

// ShortHelp is the footer's list.
func (p *Practices) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	return []key.Binding{k.Move, k.Filter, openPractice, k.PracticeUsers, k.Help, k.Quit, k.NextTab}
}

// FullHelp is every key that works here.
func (p *Practices) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// Selection is the record actions act on here.
func (p *Practices) Selection() accounts.Target {
	if r, ok := p.Selected(); ok {
		return accounts.Target{PracticeID: r.ID}
	}
	return accounts.Target{}
}
