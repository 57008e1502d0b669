package forms

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// How the new portal password is chosen (R28).
const (
	PortalGenerate  = "generate"
	PortalDesignate = "designate"
)

// PortalReset collects a patient-portal password reset (R28): a generated
// temporary password or one the operator designates (typed twice, never
// echoed), the reason and how the caller was verified.
type PortalReset struct {
	c         *common.Common
	form      *huh.Form
	typing    typeahead
	PatientID uint64
	Login     string // sanitised
	Name      string // sanitised
	Practice  string // sanitised
	mode      *string
	password  *string
	repeat    *string
	reason    *string
	verified  *string
}

// R28Note is what the form tells the operator before anything else.
const R28Note = "R28: the patient gets a temporary password and must change it at the first login. " +
	"It is emailed to the contact email on file, if any, and printed on a credentials document for the patient."

// NewPortalReset returns the portal reset form for a patient.
func NewPortalReset(c *common.Common, patientID uint64, login, name, practice string) *PortalReset {
	p := &PortalReset{c: c, PatientID: patientID, Login: login, Name: name, Practice: practice,
		mode: new(string), password: new(string), repeat: new(string), reason: new(string), verified: new(string)}
	*p.mode = PortalGenerate
	designating := func() bool { return *p.mode == PortalDesignate }
	p.form = huh.NewForm(
		huh.NewGroup(
			huh.NewSelect[string]().Key("mode").Title("New password").
				Options(
					huh.NewOption("Generate a temporary password (easy to read aloud)", PortalGenerate),
					huh.NewOption("Designate one (typed twice, hidden)", PortalDesignate),
				).Value(p.mode),
		),
		huh.NewGroup(
			huh.NewInput().Key("password").Title("Temporary password").
				Description("At least 15 characters; common and breached passwords are refused (R18).").
				EchoMode(huh.EchoModePassword).CharLimit(128).Value(p.password).
				Validate(func(s string) error {
					if s == "" {
						return errors.New("type the password to designate, or go back and generate one")
					}
					return nil
				}),
			huh.NewInput().Key("repeat").Title("The same password again").
				EchoMode(huh.EchoModePassword).CharLimit(128).Value(p.repeat).
				Validate(func(s string) error {
					if s != *p.password {
						return errors.New("the two passwords differ: type the same one twice")
					}
					return nil
				}),
		).WithHideFunc(func() bool { return !designating() }),
		huh.NewGroup(
			huh.NewInput().Key("reason").Title("Reason").
				Placeholder("e.g. patient cannot sign in to the portal").
				CharLimit(200).Value(p.reason).Validate(requiredFor("a reason", "R28")),
			huh.NewInput().Key("verified").Title("How was the caller verified?").
				Placeholder("e.g. date of birth and address on file, in person with ID").
				CharLimit(200).Value(p.verified).Validate(requiredFor("how the caller was verified", "R28")),
		),
	).WithKeyMap(pwKeyMap()).WithShowHelp(true).WithTheme(pwTheme(c))
	p.SetSize(c.Width, c.Height)
	return p
}

// Init focuses the first field.
func (p *PortalReset) Init() tea.Cmd { return p.form.Init() }

// Update forwards a message to the form, keeping fast typing in the
// field it was meant for (typeahead.go).
func (p *PortalReset) Update(msg tea.Msg) tea.Cmd {
	return p.typing.update(&p.form, msg)
}

// Done reports whether the operator submitted the form.
func (p *PortalReset) Done() bool { return p.form.State == huh.StateCompleted }

// Aborted reports whether the operator cancelled the form.
func (p *PortalReset) Aborted() bool { return p.form.State == huh.StateAborted }

// Generate reports whether the system generates the password.
func (p *PortalReset) Generate() bool { return *p.mode != PortalDesignate }

// Designated is the password the operator designated ("" to generate one).
func (p *PortalReset) Designated() string {
	if p.Generate() {
		return ""
	}
	return *p.password
}

// Request is the reason and verification the operator entered.
func (p *PortalReset) Request() accounts.Request {
	return accounts.Request{Reason: strings.TrimSpace(*p.reason), VerifiedBy: strings.TrimSpace(*p.verified)}
}

// SetSize fits the form to the screen.
func (p *PortalReset) SetSize(w, _ int) {
	p.form = p.form.WithWidth(min(max(w-6, 20), 72))
}

// View draws the form under a heading naming the patient.
func (p *PortalReset) View() string {
	st := p.c.Styles
	note := st.Warn.Width(min(max(p.c.Width-2, 20), 72)).Render(R28Note)
	return heading(p.c, "Reset the portal password of "+p.Name, p.Login+" · "+p.Practice) + "\n" + note + "\n\n" + p.form.View()
}

// ShortHelp is the footer's list while the form is open.
func (p *PortalReset) ShortHelp() []key.Binding { return portalKeys }

// FullHelp is every key of the form.
func (p *PortalReset) FullHelp() [][]key.Binding { return [][]key.Binding{portalKeys} }

var portalKeys = []key.Binding{
	key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "choose")),
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/tab", "next field")),
	key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
	key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
}
