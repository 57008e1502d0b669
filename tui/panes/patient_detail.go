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

// patientData is one patient's detail as drawn: every outside string
// sanitised when it enters the view model (R38). The password is never
// part of it (R15).
type patientData struct {
	ID          uint64
	Name, Login string
	Practice    string
	PracticeID  uint64
	Contact     string
	MustChange  bool
	HasPassword bool
	LastLogin   time.Time
	ResetAt     time.Time
	CreatedAt   time.Time
}

// PatientDetail is one portal account: name, login, practice, the contact
// email on file, whether the password must change at the next login, the
// last login and the last reset (R28). It lives inside the patients pane.
type PatientDetail struct {
	c             *common.Common
	id            uint64
	open          bool
	req           int
	data          *patientData
	err           error
	width, height int
}

func newPatientDetail(c *common.Common) *PatientDetail { return &PatientDetail{c: c} }

// Open reports whether the detail is showing.
func (d *PatientDetail) Open() bool { return d.open }

// PatientID is the patient shown.
func (d *PatientDetail) PatientID() uint64 { return d.id }

// Close goes back to the list.
func (d *PatientDetail) Close() { d.open = false }

// Show loads a patient's detail.
func (d *PatientDetail) Show(id uint64) tea.Cmd {
	if d.id != id {
		d.data, d.err = nil, nil
	}
	d.id, d.open = id, true
	return d.Reload()
}

// Reload asks the service for the patient shown again.
func (d *PatientDetail) Reload() tea.Cmd {
	if !d.open || d.id == 0 {
		return nil
	}
	d.req++
	c, id := d.c, d.id
	return common.Query(common.PanePatients, d.req, func() (any, error) {
		p, err := c.Svc.Patient(id)
		if err != nil {
			return (*patientData)(nil), err
		}
		pr, err := c.Svc.Practice(p.PracticeID)
		if err != nil && !accounts.IsNotFound(err) {
			return (*patientData)(nil), err
		}
		return &patientData{
			ID: p.ID, Name: common.Sanitize(p.Name), Login: common.Sanitize(p.Login),
			Practice: common.Sanitize(pr.Name), PracticeID: p.PracticeID, Contact: common.Sanitize(p.ContactEmail),
			MustChange: p.MustChange, HasPassword: p.Password.Hash != "",
			LastLogin: p.LastLoginAt, ResetAt: p.ResetAt, CreatedAt: p.CreatedAt,
		}, nil
	})
}

// SetSize sets the space the detail fills.
func (d *PatientDetail) SetSize(w, h int) { d.width, d.height = w, h }

// Update handles the detail's data and keys.
func (d *PatientDetail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.DataMsg:
		if msg.Req != d.req {
			return nil // a stale answer
		}
		d.err = msg.Err
		if pd, ok := msg.Data.(*patientData); ok && pd != nil {
			d.data = pd
		}
	}
	return nil
}

// View draws the detail.
func (d *PatientDetail) View() string {
	st := d.c.Styles
	if d.err != nil {
		return st.FlashErr.Render(components.Fit("could not load the patient: "+common.Sanitize(d.err.Error()), d.width))
	}
	if d.data == nil {
		return st.Muted.Render("loading…")
	}
	p := d.data
	lines := []string{st.Title.Render(p.Name) + st.Muted.Render("  patient-portal account")}
	field := func(label, value string) {
		lines = append(lines, st.Label.Render(fmt.Sprintf("%-14s", label))+value)
	}
	stamp := func(t time.Time, none string) string {
		if t.IsZero() {
			return none
		}
		return common.Stamp(t, d.c.Loc)
	}
	field("Portal login", p.Login)
	field("Practice", fmt.Sprintf("%s (#%d)", p.Practice, p.PracticeID))
	if p.Contact == "" {
		field("Contact email", st.Warn.Render("none on file")+st.Muted.Render(" · a reset sends no email: hand over the printout"))
	} else {
		field("Contact email", p.Contact+st.Muted.Render("  (on file: a reset emails the new credentials here)"))
	}
	switch {
	case !p.HasPassword:
		field("Password", st.Muted.Render("none set yet"))
	case p.MustChange:
		field("Password", st.Warn.Render("MUST CHANGE")+" at the next login (temporary password, R28)")
	default:
		field("Password", "chosen by the patient")
	}
	field("Last login", stamp(p.LastLogin, "never"))
	field("Last reset", stamp(p.ResetAt, "never"))
	field("Created", stamp(p.CreatedAt, "unknown"))
	lines = append(lines, "", st.Muted.Render("P resets the portal password: a temporary one, printed for the patient and emailed to the contact email on file."))
	for i, l := range lines {
		lines[i] = components.Fit(l, d.width)
	}
	return strings.Join(lines, "\n")
}

// ShortHelp is the footer's list.
func (d *PatientDetail) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{backKey, k.Help, k.Quit}
}

// FullHelp is every key that works here.
func (d *PatientDetail) FullHelp() [][]key.Binding {
	k := d.c.Keys
	return [][]key.Binding{ownKeys(d.ShortHelp(), k.Global()...), k.Tabs(), k.Global()}
}
