// Package components holds the console's reusable widgets: the virtualised
// table, the filter line, the gauge, the header, the footer and the confirm
// dialog. They render strings; only the root returns a tea.View.
package components

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/tui/common"
)

// Column describes one column of a Table.
type Column struct {
	Title string
	Width int  // the width it wants (the least it gets, if Flex)
	Flex  bool // takes a share of the spare width
	Max   int  // a flex column grows no wider than this (0: no limit)
	Right bool // right-aligned (numbers)
	Drop  int  // >0: dropped when the screen is narrow, highest first
}

// Row is one drawn row. Cells must already be sanitised (R38).
type Row struct {
	Cells []string
	Style *lipgloss.Style // nil: the table's row style
}

// Table is a virtualised table: it knows how many rows there are and where
// the cursor is, and asks for the cells of only the rows it draws, so a pane
// with a million rows costs what a screenful costs.
type Table struct {
	c        *common.Common
	cols     []Column
	width    int
	height   int // the whole table, header included
	n        int
	cursor   int
	offset   int
	sortCol  int // the column sorted by, -1 for none: its title is marked
	sortDesc bool
}

// Columns is the number of columns.
func (t Table) Columns() int { return len(t.cols) }

// Title is the title of column i ("" when there is none).
func (t Table) Title(i int) string {
	if i < 0 || i >= len(t.cols) {
		return ""
	}
	return t.cols[i].Title
}

// SetSort marks the column sorted by (-1: none) in the header.
func (t *Table) SetSort(col int, desc bool) { t.sortCol, t.sortDesc = col, desc }

// NewTable returns a table with these columns.
func NewTable(c *common.Common, cols ...Column) Table {
	return Table{c: c, cols: cols, sortCol: -1}
}

// SetSize sets the space the table fills.
func (t *Table) SetSize(w, h int) {
	t.width, t.height = w, max(h, 2)
	t.clamp()
}

// SetLen sets how many rows there are, keeping the cursor in range.
func (t *Table) SetLen(n int) {
	t.n = n
	t.clamp()
}

// Len is the number of rows.
func (t Table) Len() int { return t.n }

// Cursor is the selected row, or -1 when there are no rows.
func (t Table) Cursor() int {
	if t.n == 0 {
		return -1
	}
	return t.cursor
}

// SetCursor selects row i.
func (t *Table) SetCursor(i int) {
	t.cursor = i
	t.clamp()
}

func (t *Table) visible() int { return max(t.height-1, 1) }

func (t *Table) clamp() {
	t.cursor = min(max(t.cursor, 0), max(t.n-1, 0))
	vis := t.visible()
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+vis {
		t.offset = t.cursor - vis + 1
	}
	t.offset = min(max(t.offset, 0), max(t.n-vis, 0))
}

// Update moves the cursor on the list keys; it reports whether the key was one.
func (t *Table) Update(msg tea.KeyPressMsg) bool {
	k := t.c.Keys
	switch {
	case key.Matches(msg, k.Up):
		t.cursor--
	case key.Matches(msg, k.Down):
		t.cursor++
	case key.Matches(msg, k.PageUp):
		t.cursor -= t.visible()
	case key.Matches(msg, k.PageDown):
		t.cursor += t.visible()
	case key.Matches(msg, k.Top):
		t.cursor = 0
	case key.Matches(msg, k.Bottom):
		t.cursor = t.n - 1
	default:
		return false
	}
	t.clamp()
	return true
}

// widths fits the columns to the width: narrow screens drop the droppable
// columns first, then flex columns share what is left.
func (t Table) widths() []int {
	const gutter = 2 // the cursor marker
	ws := make([]int, len(t.cols))
	dropped := make([]bool, len(t.cols))
	need := func() int {
		sum, n := gutter, 0
		for i, col := range t.cols {
			if !dropped[i] {
				sum += col.Width
				n++
			}
		}
		return sum + max(n-1, 0)
	}
	for need() > t.width {
		worst := -1
		for i, col := range t.cols {
			if !dropped[i] && col.Drop > 0 && (worst < 0 || col.Drop > t.cols[worst].Drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		dropped[worst] = true
	}
	spare := t.width - need()
	flex := 0
	for i, col := range t.cols {
		if !dropped[i] && col.Flex {
			flex++
		}
	}
	for i, col := range t.cols {
		if dropped[i] {
			ws[i] = -1
			continue
		}
		ws[i] = col.Width
		if col.Flex && flex > 0 && spare > 0 {
			share := spare / flex
			if col.Max > 0 {
				share = min(share, max(col.Max-col.Width, 0))
			}
			ws[i] += share
			spare -= share
			flex--
		}
	}
	return ws
}

// View draws the header and the visible rows; row(i) is asked only for them.
func (t Table) View(row func(i int) Row) string {
	st := t.c.Styles
	ws := t.widths()
	var b strings.Builder
	head := make([]string, 0, len(t.cols))
	for i, col := range t.cols {
		if ws[i] >= 0 {
			title := col.Title
			if i == t.sortCol {
				title += map[bool]string{false: "↑", true: "↓"}[t.sortDesc] // the sort, in words too: s/S
			}
			head = append(head, fit(title, ws[i], col.Right))
		}
	}
	b.WriteString(st.TableHeader.Render(fit("  "+strings.Join(head, " "), t.width, false)))
	end := min(t.offset+t.visible(), t.n)
	wraps := lineStyles{}
	for i := t.offset; i < end; i++ {
		r := row(i)
		cells := make([]string, 0, len(t.cols))
		for j, col := range t.cols {
			if ws[j] < 0 {
				continue
			}
			cell := ""
			if j < len(r.Cells) {
				cell = r.Cells[j]
			}
			cells = append(cells, fit(cell, ws[j], col.Right))
		}
		marker := "  "
		var key any = "row"
		style := st.Row
		if r.Style != nil {
			key, style = r.Style, *r.Style
		}
		if i == t.cursor {
			marker, key, style = "› ", "selected", st.Selected
		}
		b.WriteByte('\n')
		b.WriteString(wraps.render(key, style, fit(marker+strings.Join(cells, " "), t.width, false)))
	}
	return b.String()
}

// fit pads or truncates s (which may hold styles) to exactly w cells.
func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	if plain(s) {
		// Printable ASCII (most cells): a cell a byte, no grapheme walk (a
		// row's cells were a third of a frame's time at a million users).
		if len(s) > w {
			return s[:w-1] + "…"
		}
		pad := strings.Repeat(" ", w-len(s))
		if right {
			return pad + s
		}
		return s + pad
	}
	sw, narrowOnly := narrowWidth(s)
	if !narrowOnly {
		sw = ansi.StringWidth(s)
	}
	if sw > w {
		if narrowOnly {
			return cutRunes(s, w-1) + "…"
		}
		return ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// lineStyles renders one line in a style as the style's escape sequences
// around it, found once per style and frame: lipgloss's Render measures
// the line's graphemes for alignment and margins even when the style has
// none (a frame's rows were a tenth of a filter key's time at a million
// users). Only for styles where that is exactly what Render writes.
type lineStyles map[any]*lineStyle

type lineStyle struct {
	before, after string
	wraps         bool // Render(s) is before+s+after for any one line s
}

// render draws line in style; key names the style within the frame.
func (ls lineStyles) render(key any, style lipgloss.Style, line string) string {
	w := ls[key]
	if w == nil {
		w = &lineStyle{}
		const probe = "a b\u00e9\u2014x"
		if style.GetWidth() == 0 && style.GetMaxWidth() == 0 && style.GetHeight() == 0 && style.GetMaxHeight() == 0 &&
			style.GetTransform() == nil && !style.GetUnderline() && !style.GetStrikethrough() {
			if out := style.Render(probe); strings.Count(out, probe) == 1 {
				w.before, w.after, _ = strings.Cut(out, probe)
				w.wraps = style.Render("z") == w.before+"z"+w.after
			}
		}
		ls[key] = w
	}
	if !w.wraps || strings.ContainsAny(line, "\t\r\n") {
		return style.Render(line)
	}
	return w.before + line + w.after
}

// plain reports whether s is printable ASCII only: one cell a byte.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// narrowWidth counts the cells of s when every rune of it takes one cell
// and is a grapheme of its own (ok): printable ASCII, Latin letters with
// their accents precomposed, and the dashes, quotes, arrows and marks the
// console draws (the "—" of a user without MFA, the "›" of the cursor
// row). A row holding one of them was measured grapheme by grapheme, the
// whole row again once its cells were joined (a fifth of a frame's time).
// Anything else (escape sequences, combining marks, wide letters): not ok.
func narrowWidth(s string) (cells int, ok bool) {
	for _, r := range s {
		if !narrowRune(r) {
			return 0, false
		}
		cells++
	}
	return cells, true
}

// narrowRune reports whether r takes one cell and never joins the runes
// around it into one grapheme (a test checks every rune it accepts against
// ansi.StringWidth).
func narrowRune(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0x24f: // Latin-1 Supplement, Latin Extended-A and -B
		return r != 0xad // the soft hyphen
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x203e: // dashes, quotes, …, ‹ ›
		return true
	case r >= 0x2190 && r <= 0x2199: // arrows ← ↑ → ↓
		return true
	}
	return false
}

// cutRunes is the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Fit pads or truncates s to exactly w cells (exported for panes' lines).
func Fit(s string, w int) string { return fit(s, w, false) }

// ClickRow selects the row drawn at line y of the table (0 is the header);
// it reports whether there was a row there.
func (t *Table) ClickRow(y int) bool {
	i := t.offset + y - 1
	if y < 1 || i >= t.n {
		return false
	}
	t.SetCursor(i)
	return true
}
