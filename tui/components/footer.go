package components

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
)

// Footer draws the keys that work here: the short list, or all of them when
// full help is on.
type Footer struct {
	c     *common.Common
	help  help.Model
	drawn *drawnFooter
}

// drawnFooter is the last footer drawn and what it was drawn from: the keys
// change only when the focus or a mode does, and measuring the short list
// again at every key typed in a filter was a tenth of a redraw.
type drawnFooter struct {
	from string
	out  string
}

// NewFooter returns a footer showing the short list.
func NewFooter(c *common.Common) Footer {
	h := help.New()
	h.Styles = c.Styles.Help
	return Footer{c: c, help: h, drawn: &drawnFooter{}}
}

// ToggleAll switches between the short list and all keys.
func (f *Footer) ToggleAll() { f.help.ShowAll = !f.help.ShowAll }

// ShowingAll reports whether all keys are shown.
func (f Footer) ShowingAll() bool { return f.help.ShowAll }

// View draws the footer for km at the current width. Nothing that matters
// is cut off on a narrow screen: the short list drops the least needed keys
// (never ? all keys, q quit or esc), and full help stacks its columns.
func (f Footer) View(km help.KeyMap) string {
	w := f.c.Width
	var groups [][]key.Binding
	if f.help.ShowAll {
		groups = km.FullHelp()
	} else {
		groups = [][]key.Binding{km.ShortHelp()}
	}
	from := footerSource(w, f.help.ShowAll, f.c.Styles.IsDark, groups)
	if f.drawn != nil && f.drawn.from == from {
		return f.drawn.out
	}
	f.help.Styles = f.c.Styles.Help
	f.help.SetWidth(0) // measured here, never truncated by help
	var out string
	if f.help.ShowAll {
		out = f.fullView(groups, w)
	} else {
		out = f.shortView(groups[0], w)
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = Fit(l, w)
	}
	out = strings.Join(lines, "\n")
	if f.drawn != nil {
		*f.drawn = drawnFooter{from: from, out: out}
	}
	return out
}

// footerSource says everything a footer is drawn from: the width, the mode,
// the theme and each binding's help and whether it is enabled.
func footerSource(w int, all, dark bool, groups [][]key.Binding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %t %t", w, all, dark)
	for _, g := range groups {
		b.WriteByte('|')
		for _, k := range g {
			h := k.Help()
			fmt.Fprintf(&b, "\x00%s\x01%s\x02%t", h.Key, h.Desc, k.Enabled())
		}
	}
	return b.String()
}

// essential keys stay in the short list at any width.
func essential(b key.Binding) bool {
	switch b.Help().Key {
	case "?", "q", "esc", "enter/esc":
		return true
	}
	return false
}

// spare are the keys a narrow footer drops first: the obvious or global
// ones (? lists them all), then those the lines above a list say already
// ("/ to filter", "f filters by status"), so the row's action keys stay
// (R31).
var spare = []string{"tab", "↑↓", "+", "f status filter", "/ filter"}

// shortView drops bindings until the line fits: the spare ones first, then
// from the end of the list, never the essential ones.
func (f Footer) shortView(bs []key.Binding, w int) string {
	bs = slices.Clone(bs)
	for lipgloss.Width(f.help.ShortHelpView(bs)) > w {
		drop := -1
		for _, k := range spare {
			if i := slices.IndexFunc(bs, func(b key.Binding) bool {
				h := b.Help()
				return h.Key == k || h.Key+" "+h.Desc == k // "/ filter": a list's, not a form's "/ filter a long list"
			}); i >= 0 {
				drop = i
				break
			}
		}
		for i := len(bs) - 1; i >= 0 && drop < 0; i-- {
			if !essential(bs[i]) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		bs = slices.Delete(bs, drop, drop+1)
	}
	return f.help.ShortHelpView(bs)
}

// fullView draws the groups side by side; when they are wider than the
// screen, the shortest column goes under another until they fit.
func (f Footer) fullView(groups [][]key.Binding, w int) string {
	cols := make([][]key.Binding, 0, len(groups))
	for _, g := range groups {
		if enabled(g) > 0 {
			cols = append(cols, slices.Clone(g))
		}
	}
	for len(cols) > 1 && lipgloss.Width(f.help.FullHelpView(cols)) > w {
		// Stack the pair whose stacked height is least.
		bi, bj, best := -1, -1, 0
		for i := range cols {
			for j := range cols {
				if i == j {
					continue
				}
				if h := enabled(cols[i]) + enabled(cols[j]); bi < 0 || h < best {
					bi, bj, best = i, j, h
				}
			}
		}
		if bi > bj {
			bi, bj = bj, bi // keep the order of the columns
		}
		cols[bi] = append(cols[bi], cols[bj]...)
		cols = slices.Delete(cols, bj, bj+1)
	}
	return f.help.FullHelpView(cols)
}

func enabled(bs []key.Binding) int {
	n := 0
	for _, b := range bs {
		if b.Enabled() {
			n++
		}
	}
	return n
}
