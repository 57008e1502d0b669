package panes

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Column sort (s cycles the column, S reverses): the rows loaded are sorted
// by the text of that column as drawn, numbers as numbers, and the cursor
// stays on its record. No column: the service's own order.

// cycleSort moves the sort to the next column (after the last: none).
func (l *list[T]) cycleSort() {
	n := l.table.Columns()
	l.sortCol++
	if l.sortCol > n {
		l.sortCol = 0
	}
	l.sortDesc = false
	l.resort()
}

// reverseSort turns the sort around (on the first column if none).
func (l *list[T]) reverseSort() {
	if l.sortCol == 0 {
		l.sortCol = 1
	}
	l.sortDesc = !l.sortDesc
	l.resort()
}

// resort sorts the loaded rows, keeping the cursor on its record.
func (l *list[T]) resort() {
	l.table.SetSort(l.sortCol-1, l.sortDesc)
	if l.sortCol == 0 {
		return
	}
	key, had := l.selectedKey()
	col := l.sortCol - 1
	cell := func(i int, it T) string {
		r := l.row(i, it)
		if col < len(r.Cells) {
			return strings.TrimSpace(ansi.Strip(r.Cells[col]))
		}
		return ""
	}
	type keyed struct {
		text string
		it   T
	}
	rows := make([]keyed, len(l.items))
	for i, it := range l.items {
		rows[i] = keyed{cell(i, it), it}
	}
	slices.SortStableFunc(rows, func(a, b keyed) int {
		c := compareCells(a.text, b.text)
		if l.sortDesc {
			return -c
		}
		return c
	})
	for i := range rows {
		l.items[i] = rows[i].it
	}
	l.keepCursorOn(key, had)
}

// compareCells compares numbers as numbers, anything else as text.
func compareCells(a, b string) int {
	na, ea := strconv.ParseFloat(strings.TrimSuffix(a, "%"), 64)
	nb, eb := strconv.ParseFloat(strings.TrimSuffix(b, "%"), 64)
	if ea == nil && eb == nil {
		return cmp.Compare(na, nb)
	}
	return cmp.Compare(strings.ToLower(a), strings.ToLower(b))
}
