package panes

import (
	"fmt"
	"strings"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
)

// actionLines say which actions apply to the user now, by key, and which
// do not with the rule that says why (accounts.Eligible): the operator sees
// why not before pressing anything. Lines wider than width wrap, item by
// item, under their label rather than lose the last keys off the edge (80
// columns; width 0: no limit).
func actionLines(st *common.Styles, el []accounts.Eligibility, width int) []string {
	var can, cannot, keys []string
	rules := map[string]bool{}
	for _, e := range el {
		a := actions.ByID(e.Action)
		if a == nil {
			continue
		}
		k := a.Key.Help().Key
		if e.OK {
			can = append(can, k+" "+a.Key.Help().Desc)
		} else {
			cannot, keys = append(cannot, k+" "+e.Rule), append(keys, k)
			rules[e.Rule] = true
		}
	}
	var out []string
	if len(can) == 0 {
		out = append(out, st.Label.Render("Actions    ")+st.Muted.Render("none now"))
	} else {
		out = append(out, wrapItems(st, "Actions", can, " · ", "", width, false)...)
	}
	switch {
	case len(cannot) > 1 && len(rules) == 1:
		// One rule refuses them all (a read-only operator, R35): said once.
		for rule := range rules {
			out = append(out, st.Label.Render("Not now    ")+st.Muted.Render(strings.Join(keys, " ")+": "+rule+"  (the key says why)"))
		}
	case len(cannot) > 0:
		out = append(out, wrapItems(st, "Not now", cannot, " · ", "  (the key says why)", width, true)...)
	}
	return out
}

// wrapItems lays items out after a label, as many a line as fit in width,
// the next lines indented under the first; the note goes at the end if it
// fits on the last line, else is left out (it only explains).
func wrapItems(st *common.Styles, label string, items []string, sep, note string, width int, muted bool) []string {
	const indent = 11
	room := width - indent
	if width <= 0 {
		room = 1 << 30
	}
	var rows [][]string
	n := 0
	for _, it := range items {
		w := len([]rune(it))
		if len(rows) > 0 && n+len(sep)+w <= room {
			rows[len(rows)-1] = append(rows[len(rows)-1], it)
			n += len(sep) + w
			continue
		}
		rows, n = append(rows, []string{it}), w
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		var line string
		if muted { // the whole line, as the Not now line always was
			line = strings.Join(r, sep)
			if i == len(rows)-1 && n+len(note) <= room {
				line += note
			}
			line = st.Muted.Render(line)
		} else { // the keys plain, their separators muted
			line = strings.Join(r, st.Muted.Render(sep))
		}
		head := st.Label.Render(fmt.Sprintf("%-*s", indent, label))
		if i > 0 {
			head = strings.Repeat(" ", indent)
		}
		out[i] = head + line
	}
	return out
}
