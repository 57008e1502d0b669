package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
)

// Field is one line of a record shown whole: a label and its value
// (sanitised by whoever builds it, R38).
type Field struct{ Label, Value string }

// Details shows one record whole — an audit event with its reason,
// requester, verification, approval, outcome and hash — where a table row
// has to cut it short.
type Details struct {
	c      *common.Common
	id     string
	Title  string
	Fields []Field
	closed bool
}

// NewDetails returns the record dialog.
func NewDetails(c *common.Common, id, title string, fields []Field) *Details {
	return &Details{c: c, id: id, Title: title, Fields: fields}
}

func (d *Details) ID() string       { return d.id }
func (d *Details) Init() tea.Cmd    { return nil }
func (d *Details) Closed() bool     { return d.closed }
func (d *Details) Whole() bool      { return false }
func (d *Details) SetSize(int, int) {}

// Click anywhere closes it.
func (d *Details) Click(int, int) tea.Cmd {
	d.closed = true
	return nil
}

var detailsClose = key.NewBinding(key.WithKeys("esc", "enter", "q", "ctrl+c"), key.WithHelp("esc/enter", "close"))

// Update closes the record on esc, enter, q or ctrl+c.
func (d *Details) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, detailsClose) {
		d.closed = true
	}
	return nil
}

func (d *Details) ShortHelp() []key.Binding  { return []key.Binding{detailsClose} }
func (d *Details) FullHelp() [][]key.Binding { return [][]key.Binding{{detailsClose}} }

// View draws every field, long values wrapped under their label.
func (d *Details) View(w, h int) string {
	st := d.c.Styles
	w = min(w, 96)
	labelW := 0
	for _, f := range d.Fields {
		labelW = max(labelW, lipgloss.Width(f.Label))
	}
	valueW := max(w-4-labelW-2, 10)
	lines := []string{st.Title.Render(d.Title), ""}
	for _, f := range d.Fields {
		if f.Value == "" {
			continue
		}
		wrapped := strings.Split(lipgloss.NewStyle().Width(valueW).Render(f.Value), "\n")
		for i, l := range wrapped {
			label := ""
			if i == 0 {
				label = f.Label
			}
			lines = append(lines, st.Label.Render(fmt.Sprintf("%-*s  ", labelW, label))+l)
		}
	}
	lines = append(lines, "", st.Muted.Render("esc or enter closes"))
	if len(lines) > h-2 && h > 6 {
		lines = append(lines[:h-4], st.Muted.Render("…"), lines[len(lines)-1])
	}
	return st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
}
