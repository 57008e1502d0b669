package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/printout"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// Document is the credentials document after a portal reset (R28): the
// only place the temporary password is ever drawn, with where the PDF went.
type Document struct {
	c      *common.Common
	Creds  printout.Credentials
	Path   string // the PDF written, "" if it could not be
	Shown  string // the PDF's path as drawn (~ for home); "" if not written
	PDFErr error
	Login  string // sanitised
	closed bool
}

// NewDocument returns the document preview.
func NewDocument(c *common.Common, creds printout.Credentials, path, shown string, pdfErr error, login string) *Document {
	return &Document{c: c, Creds: creds, Path: path, Shown: shown, PDFErr: pdfErr, Login: login}
}

func (d *Document) ID() string       { return "document" }
func (d *Document) Init() tea.Cmd    { return nil }
func (d *Document) Closed() bool     { return d.closed }
func (d *Document) Whole() bool      { return true }
func (d *Document) SetSize(int, int) {}

var docClose = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "close the document"))

// Update closes the document on esc.
func (d *Document) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, docClose) {
		d.closed = true
	}
	return nil
}

func (d *Document) ShortHelp() []key.Binding  { return []key.Binding{docClose} }
func (d *Document) FullHelp() [][]key.Binding { return [][]key.Binding{{docClose}} }

// View draws the document as it will print.
func (d *Document) View(w, _ int) string {
	st := d.c.Styles
	head := st.Title.Render("Credentials document for "+d.Login) + st.Muted.Render(" · hand it to the patient · esc closes")
	where := st.Flash.Render("PDF ") + common.Sanitize(d.Shown)
	note := " (readable by you only)"
	if d.c.Remote {
		// Served over SSH: written where the desk runs, readable by its
		// account, not on the operator's machine.
		where = st.Flash.Render("PDF on the desk server: ") + common.Sanitize(d.Shown)
		note = " (readable by the desk's account only)"
	}
	if lipgloss.Width(where)+len(note) <= w {
		where += st.Muted.Render(note)
	}
	if d.PDFErr != nil {
		where = st.FlashErr.Render("PDF not written: " + common.Sanitize(d.PDFErr.Error()) + " · print this screen instead")
	}
	lines := []string{components.Fit(head, w), components.Fit(where, w)}
	boxed := d.c.Height >= 30 // room for a border around the document
	inner := w
	if boxed {
		inner = w - 4
	}
	pwLines := false
	var doc []string
	for i, l := range strings.Split(printout.Preview(d.Creds, inner), "\n") {
		l = common.Sanitize(l)
		style := st.Value
		switch {
		case i == 0:
			style = st.Title
		case l == "Temporary password":
			style, pwLines = st.Label, true
		case pwLines && strings.HasPrefix(l, "  ") && !strings.Contains(l, "characters"):
			style = st.Brand
		default:
			pwLines = false
		}
		doc = append(doc, components.Fit(style.Render(l), inner))
	}
	body := strings.Join(doc, "\n")
	if boxed {
		body = st.Dialog.Width(w).Render(body)
	} else {
		lines = append(lines, components.Rule(d.c))
	}
	return strings.Join(lines, "\n") + "\n" + body
}
