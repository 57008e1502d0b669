package panes

import (
	"fmt"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// Licenses shows purchased / in use / free per practice with a gauge, fullest
// first, under the totals across all practices (R1, R32).
type Licenses struct {
	*list[practiceRow]
}

// NewLicenses returns the licenses pane.
func NewLicenses(c *common.Common) *Licenses {
	p := &Licenses{}
	fetch := func(_ any, q string, loaded int, _ *practiceRow, limit int) ([]practiceRow, error) {
		// Filtered or not, fullest first from the fullness index, a page
		// at a time (a filter once stopped at the first 1,000 matches).
		ps, err := c.Svc.Licenses(accounts.LicenseQuery{Search: q, Offset: loaded, Limit: limit})
		out := make([]practiceRow, len(ps))
		for i, pr := range ps {
			out[i] = toPracticeRow(pr)
		}
		return out, err
	}
	p.list = newList(c, common.PaneLicenses, "practices", 200, fetch, p.row,
		components.Column{Title: "Practice", Width: 16, Flex: true, Max: 44},
		components.Column{Title: "Purchased", Width: 9, Right: true},
		components.Column{Title: "In use", Width: 6, Right: true},
		components.Column{Title: "Free", Width: 5, Right: true},
		components.Column{Title: "Usage", Width: gaugeWidth},
		components.Column{Title: "", Width: 11},
	)
	p.summary = p.totals
	return p
}

// gaugeWidth fits the whole table in 80 columns.
const gaugeWidth = 20

func (p *Licenses) totals() string {
	st := p.c.Styles
	s := p.c.Stats
	line := st.Title.Render("All practices: ") +
		fmt.Sprintf("%d purchased · %d in use · %d free", s.Purchased, s.InUse, s.Purchased-s.InUse)
	atCap := fmt.Sprintf(" · %d of %d at capacity", s.AtCap, s.Practices)
	if s.AtCap > 0 {
		return line + st.AtCapacity.Render(atCap)
	}
	return line + st.Muted.Render(atCap)
}

func (p *Licenses) row(_ int, r practiceRow) components.Row {
	st := p.c.Styles
	row := components.Row{Cells: []string{r.Name, strconv.Itoa(r.Purchased), strconv.Itoa(r.InUse),
		strconv.Itoa(r.Purchased - r.InUse), components.Gauge(st, r.InUse, r.Purchased, gaugeWidth), ""}}
	if r.InUse >= r.Purchased {
		// At capacity stands out by a word as well as by colour (R32).
		row.Cells[5] = "AT CAPACITY"
		s := st.AtCapacity
		row.Style = &s
	}
	return row
}

// Title is the tab's name.
func (p *Licenses) Title() string { return "Licenses" }

// Update handles the pane's messages and keys.
func (p *Licenses) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if r, ok := p.Selected(); ok {
			return func() tea.Msg { return common.OpenPracticeMsg{PracticeID: r.ID} }
		}
	}
	return cmd
}

// ShortHelp is the footer's list.
func (p *Licenses) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	return []key.Binding{k.Move, k.Filter, practiceOpen, k.Help, k.Quit, k.NextTab}
}

// FullHelp is every key that works here.
func (p *Licenses) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// Selection is the record actions act on here.
func (p *Licenses) Selection() accounts.Target {
	if r, ok := p.Selected(); ok {
		return accounts.Target{PracticeID: r.ID}
	}
	return accounts.Target{}
}

var practiceOpen = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the practice"))
