package panes

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// patientRow is a portal account as the pane draws it: every string
// sanitised when it enters the view model (R38).
type patientRow struct {
	ID         uint64
	Name       string
	Login      string
	Practice   string
	Contact    string
	MustChange bool
	ResetAt    string // "" when never reset
	Rank       int    // the search rank: pages continue after (Rank, ID)
}

func toPatientRow(c *common.Common, r accounts.PatientRow) patientRow {
	row := patientRow{
		ID: r.ID, Name: common.Sanitize(r.Name), Login: common.Sanitize(r.Login),
		Practice: common.Sanitize(r.PracticeName), Contact: common.Sanitize(r.ContactEmail),
		MustChange: r.MustChange, Rank: r.Rank,
	}
	if !r.ResetAt.IsZero() {
		row.ResetAt = r.ResetAt.In(c.Loc).Format("01-02 15:04")
	}
	return row
}

// Patients lists patient-portal accounts a page at a time (R28); the filter
// finds a patient by name, portal login or contact email through the
// service's word index. enter opens the patient's detail, P resets the
// portal password.
type Patients struct {
	*list[patientRow]
	detail *PatientDetail
}

// NewPatients returns the patients pane.
func NewPatients(c *common.Common) *Patients {
	p := &Patients{detail: newPatientDetail(c)}
	fetch := func(_ any, q string, _ int, last *patientRow, limit int) ([]patientRow, error) {
		pq := accounts.PatientQuery{Search: q, Limit: limit}
		if last != nil {
			pq.After, pq.AfterRank = last.ID, last.Rank
		}
		rs, err := c.Svc.Patients(pq)
		out := make([]patientRow, len(rs))
		for i, r := range rs {
			out[i] = toPatientRow(c, r)
		}
		return out, err
	}
	p.list = newList(c, common.PanePatients, "patients", 200, fetch, p.row,
		components.Column{Title: "Name", Width: 16, Flex: true, Max: 24},
		components.Column{Title: "Portal login", Width: 14, Flex: true, Max: 20},
		components.Column{Title: "Practice", Width: 14, Flex: true, Max: 30},
		components.Column{Title: "Contact email", Width: 16, Flex: true, Max: 36, Drop: 1},
		components.Column{Title: "Change", Width: 6},
		components.Column{Title: "Last reset", Width: 11, Drop: 2},
	)
	p.filter = components.NewFilter(c, "name, portal login or contact email")
	return p
}

func (p *Patients) row(_ int, r patientRow) components.Row {
	change, reset := "", r.ResetAt
	if r.MustChange {
		change = "MUST"
	}
	if reset == "" {
		reset = "never"
	}
	return components.Row{Cells: []string{r.Name, r.Login, r.Practice, r.Contact, change, reset}}
}

// Title is the tab's name.
func (p *Patients) Title() string { return "Patients" }

// Detail is the patient detail inside the pane (tests read it).
func (p *Patients) Detail() *PatientDetail { return p.detail }

// InDetail reports whether a patient's detail is showing.
func (p *Patients) InDetail() bool { return p.detail.Open() }

// Reload asks the service again for the rows and the patient shown.
func (p *Patients) Reload() tea.Cmd { return tea.Batch(p.list.Reload(), p.detail.Reload()) }

// Capturing: a focused filter takes every key as text; the detail has none.
func (p *Patients) Capturing() bool { return !p.detail.Open() && p.list.Capturing() }

// Back closes the detail, then clears the filter.
func (p *Patients) Back() (bool, tea.Cmd) {
	if p.detail.Open() {
		p.detail.Close()
		return true, nil
	}
	return p.list.Back()
}

// SetSize sets the space the pane fills.
func (p *Patients) SetSize(w, h int) {
	p.list.SetSize(w, h)
	p.detail.SetSize(w, h)
}

// Update handles the pane's messages and keys.
func (p *Patients) Update(msg tea.Msg) tea.Cmd {
	if dm, ok := msg.(common.DataMsg); ok {
		if _, ok := dm.Data.(*patientData); ok {
			return p.detail.Update(dm)
		}
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && p.detail.Open() {
		return p.detail.Update(k)
	}
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		r, sel := p.Selected()
		switch {
		case sel && key.Matches(k, p.c.Keys.Open):
			return p.detail.Show(r.ID)
		}
	}
	return cmd
}

// Selection is the patient shown, else the one under the cursor.
func (p *Patients) Selection() accounts.Target {
	if p.detail.Open() && p.detail.data != nil {
		return accounts.Target{PatientID: p.detail.data.ID}
	}
	if r, ok := p.Selected(); ok {
		return accounts.Target{PatientID: r.ID}
	}
	return accounts.Target{}
}

// View draws the list, or the patient's detail over it.
func (p *Patients) View() string {
	if p.detail.Open() {
		return p.detail.View()
	}
	return p.list.View()
}

// ShortHelp is the footer's list.
func (p *Patients) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.detail.Open() {
		return p.detail.ShortHelp()
	}
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	out := []key.Binding{k.Move, k.Filter}
	if _, ok := p.Selected(); ok {
		out = append(out, k.Open)
	}
	return append(out, k.Help, k.Quit, k.NextTab)
}

// FullHelp is every key that works here.
func (p *Patients) FullHelp() [][]key.Binding {
	if p.detail.Open() {
		return p.detail.FullHelp()
	}
	return fullHelp(p.c, p.ShortHelp())
}

// Open shows a patient's detail (the palette jumps here).
func (p *Patients) Open(id uint64) tea.Cmd { return p.detail.Show(id) }
