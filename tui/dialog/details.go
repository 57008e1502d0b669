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
	// top is the first field line shown when they do not all fit (↑↓
	// scroll); scrolls says whether they did not at the last draw.
	top     int
	scrolls bool
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

var (
	detailsClose  = key.NewBinding(key.WithKeys("esc", "enter", "q", "ctrl+c"), key.WithHelp("esc/enter", "close"))
	detailsScroll = key.NewBinding(key.WithKeys("up", "down", "k", "j", "pgup", "pgdown", "home", "end"), key.WithHelp("↑↓", "scroll"))
)

// Update closes the record on esc, enter, q or ctrl+c, and scrolls it
// where it is taller than the screen (View keeps top in range).
func (d *Details) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, detailsClose):
		d.closed = true
	case k.String() == "up" || k.String() == "k":
		d.top--
	case k.String() == "down" || k.String() == "j":
		d.top++
	case k.String() == "pgup":
		d.top -= 10
	case k.String() == "pgdown":
		d.top += 10
	case k.String() == "home":
		d.top = 0
	case k.String() == "end":
		d.top = 1 << 20
	}
	return nil
}

func (d *Details) ShortHelp() []key.Binding {
	if d.scrolls {
		return []key.Binding{detailsScroll, detailsClose}
	}
	return []key.Binding{detailsClose}
}
func (d *Details) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// View draws every field, long values wrapped under their label.
func (d *Details) View(w, h int) string {
	st := d.c.Styles
	w = min(w, 96)
	labelW := 0
	for _, f := range d.Fields {
		labelW = max(labelW, lipgloss.Width(f.Label))
	}
	valueW := max(w-4-labelW-2, 10)
	var lines []string
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
	// The title, a blank line, the fields, a blank line and the foot,
	// inside the border: fields that do not fit scroll under the title.
	foot := "esc or enter closes"
	room := h - 2 - 4
	d.scrolls = len(lines) > room && room >= 1
	if d.scrolls {
		d.top = max(min(d.top, len(lines)-room), 0)
		below := len(lines) - d.top - room
		foot = fmt.Sprintf("↑↓ scroll (%d more above, %d below) · %s", d.top, below, foot)
		lines = lines[d.top : d.top+room]
	} else {
		d.top = 0
	}
	lines = append(append([]string{st.Title.Render(d.Title), ""}, lines...), "", st.Muted.Render(foot))
	return st.Dialog.Width(w).Render(strings.Join(lines, "\n"))
}
