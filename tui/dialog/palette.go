package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sahilm/fuzzy"

	"latchkey/tui/common"
	"latchkey/tui/components"
)

// PaletteItem is one thing the palette can jump to or run.
type PaletteItem struct {
	Kind   string // "user", "practice", "patient", "action", "pane"
	Label  string // sanitised
	Detail string // sanitised: email, login, practice
	Run    tea.Cmd
}

// PaletteResultsMsg is the records a search found for the text typed.
type PaletteResultsMsg struct {
	Seq   int
	Items []PaletteItem
}

// Palette is the command palette (:): it jumps to any user, practice or
// patient by name, email or login, and runs any action on the selection.
// Records come from the service as the text changes; everything is ranked
// by fuzzy matching (sahilm/fuzzy), so a part of an email is enough.
type Palette struct {
	c      *common.Common
	input  textinput.Model
	static []PaletteItem // the actions and panes, always offered
	found  []PaletteItem // the records the last search found
	shown  []PaletteItem
	cursor int
	seq    int  // the number of the text typed now
	asking bool // a search is in flight: the next waits for its answer
	// answered is the number of the text the records found are for; enter
	// pressed before the answer to the text typed now waits for it.
	answered int
	waiting  bool
	search   func(term string, seq int) tea.Cmd
	closed   bool
}

// NewPalette returns the palette over static items; search looks records up.
func NewPalette(c *common.Common, static []PaletteItem, search func(term string, seq int) tea.Cmd) *Palette {
	in := textinput.New()
	in.Prompt = ": "
	in.Placeholder = "a name, an email, a login, or an action"
	in.CharLimit = 120
	p := &Palette{c: c, input: in, static: static, search: search}
	p.rank()
	return p
}

func (p *Palette) ID() string   { return "palette" }
func (p *Palette) Closed() bool { return p.closed }
func (p *Palette) Whole() bool  { return false }

// SetSize fits the input to the box, so its hint shows whole and a long
// text scrolls in its line instead of wrapping the box.
func (p *Palette) SetSize(w, _ int) {
	p.input.SetWidth(max(min(w, 72)-4-lipgloss.Width(p.input.Prompt)-1, 8))
}

// Init focuses the input.
func (p *Palette) Init() tea.Cmd { return p.input.Focus() }

// Shown are the items in view, best first (tests read them).
func (p *Palette) Shown() []PaletteItem { return p.shown }

// Update handles typing, moving and choosing.
func (p *Palette) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case PaletteResultsMsg:
		// One search at a time: keys typed while one runs are merged into
		// the next, asked as its answer comes, so a fast typist's burst
		// costs two searches, not one per key queued behind each other.
		p.asking = false
		if msg.Seq == p.seq {
			p.found, p.answered = msg.Items, msg.Seq
			p.rank()
			if p.waiting {
				p.waiting = false
				return p.choose()
			}
			return nil
		}
		return p.ask()
	case tea.KeyPressMsg:
		if p.waiting && msg.String() != "esc" && msg.String() != "ctrl+c" {
			return nil // enter was pressed: keys after it are not the search's
		}
		switch msg.String() {
		case "esc", "ctrl+c":
			p.closed = true
			return nil
		case "up", "ctrl+p":
			p.cursor = max(p.cursor-1, 0)
			return nil
		case "down", "ctrl+n", "tab":
			p.cursor = min(p.cursor+1, max(len(p.shown)-1, 0))
			return nil
		case "enter":
			if p.answered != p.seq {
				// What is shown was found for the text as it was: go
				// where the answer to the text typed now leads.
				p.waiting = true
				return nil
			}
			return p.choose()
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.seq++
		if strings.TrimSpace(p.input.Value()) == "" {
			p.found, p.answered = nil, p.seq // nothing to ask: the actions are the answer
		}
		p.rank()
		if !p.asking {
			return tea.Batch(cmd, p.ask())
		}
	}
	return cmd
}

// choose runs the item under the cursor.
func (p *Palette) choose() tea.Cmd {
	if p.cursor < len(p.shown) {
		p.closed = true
		return p.shown[p.cursor].Run
	}
	return nil
}

// ask searches for the text typed now, if there is any.
func (p *Palette) ask() tea.Cmd {
	term := strings.TrimSpace(p.input.Value())
	if term == "" {
		return nil
	}
	p.asking = true
	return p.search(term, p.seq)
}

// rank orders the items by how well they match what was typed.
func (p *Palette) rank() {
	all := append(append([]PaletteItem{}, p.found...), p.static...)
	term := strings.TrimSpace(p.input.Value())
	p.cursor = 0
	if term == "" {
		p.shown = p.static
		return
	}
	texts := make([]string, len(all))
	for i, it := range all {
		texts[i] = strings.ToLower(it.Label + " " + it.Detail)
	}
	p.shown = p.shown[:0:0]
	for _, m := range fuzzy.Find(strings.ToLower(term), texts) {
		p.shown = append(p.shown, all[m.Index])
	}
}

// Click on an item runs it.
func (p *Palette) Click(_, y int) tea.Cmd {
	i := y - 3 // border, input, rule
	if i >= 0 && i < len(p.shown) && i < paletteRows {
		p.cursor = i
		p.closed = true
		return p.shown[i].Run
	}
	return nil
}

const paletteRows = 10

// View draws the input and the best matches.
func (p *Palette) View(w, _ int) string {
	st := p.c.Styles
	w = min(w, 72)
	inner := w - 4
	lines := []string{p.input.View(), st.Muted.Render(strings.Repeat("─", inner))}
	for i, it := range p.shown {
		if i >= paletteRows {
			break
		}
		line := components.Fit("  "+st.Muted.Render(pad(it.Kind, 9))+it.Label+st.Muted.Render("  "+it.Detail), inner)
		if i == p.cursor {
			line = st.Selected.Render(components.Fit("› "+pad(it.Kind, 9)+it.Label+"  "+it.Detail, inner))
		}
		lines = append(lines, line)
	}
	if len(p.shown) == 0 {
		lines = append(lines, st.Muted.Render("no match"))
	}
	lines = append(lines, st.Muted.Render("↑↓ choose · enter go · esc close"))
	return st.Dialog.Width(w).Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
}

func pad(s string, n int) string { return s + strings.Repeat(" ", max(n-lipgloss.Width(s), 1)) }

var paletteHelp = []key.Binding{
	key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "choose")),
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go")),
	key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
}

func (p *Palette) ShortHelp() []key.Binding  { return paletteHelp }
func (p *Palette) FullHelp() [][]key.Binding { return [][]key.Binding{paletteHelp} }
