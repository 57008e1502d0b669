package components

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/common"
)

// HeaderInfo is what the header shows besides the operator.
type HeaderInfo struct {
	Stats  accounts.Stats
	Demo   bool
	Offset time.Duration // the demo clock's lead on the wall clock (R39)
	Now    time.Time
	Sim    string // "SIM 10/s" while the simulated users act (R40)
	// Approvals counts other operators' MFA clears waiting for a second
	// operator (R42): a worded badge, never colour alone.
	Approvals int
	// Watch counts factors enrolled soon after a clear, not reviewed (R43).
	Watch int
	// Offline, when set, says the shared database cannot be reached and
	// the store is reconnecting (R44).
	Offline string
}

// Header draws the top line: the app, the operator (and where their name
// came from when it was not given), the demo clock whenever it is not the
// wall clock, the badges, and the running totals.
func Header(c *common.Common, h HeaderInfo) string {
	st := c.Styles
	who := st.Brand.Render("Latchkey") + st.Muted.Render(" · operator ") + st.Operator.Render(common.Sanitize(c.Operator))
	if c.ReadOnly {
		who += st.Muted.Render(" (read-only)") // sees everything, changes nothing (R35)
	}
	badges := ""
	if h.Demo {
		badges += "  " + st.Demo.Render("DEMO")
		if h.Offset != 0 {
			clock := common.Clock(h.Now, h.Now, c.Loc)
			if c.Width < 100 {
				clock = common.Short(h.Now, h.Now, c.Loc) // the minute will do on a narrow line
			}
			badges += st.Demo.Render(" clock " + clock + " (" + common.Offset(h.Offset) + ")")
		}
	}
	if h.Sim != "" {
		badges += "  " + st.Demo.Render(h.Sim)
	}
	if h.Approvals > 0 {
		badges += "  " + st.Warn.Render(fmt.Sprintf("APPROVALS %d", h.Approvals))
	}
	if h.Watch > 0 {
		badges += "  " + st.Warn.Render(fmt.Sprintf("WATCH %d", h.Watch))
	}
	if h.Offline != "" {
		badges += "  " + st.Locked.Render("RECONNECTING: "+common.Sanitize(h.Offline))
	}
	counts := []string{
		plural.Count(h.Stats.Practices, "practice"),
		plural.Count(h.Stats.Users, "user"),
		fmt.Sprintf("%d locked", h.Stats.Locked),
		fmt.Sprintf("%d at capacity", h.Stats.AtCap),
	}
	// The first total keeps its place beside the operator's origin.
	left := who + from(c, ansi.StringWidth(who+badges)+ansi.StringWidth(counts[0])+2) + badges
	room := c.Width - ansi.StringWidth(left) - 2
	right := ""
	// Drop counts from the end until the rest fits: the operator and the
	// clock matter more than totals on a narrow screen.
	for n := len(counts); n > 0; n-- {
		if s := strings.Join(counts[:n], " · "); ansi.StringWidth(s) <= room {
			right = s
			break
		}
	}
	gap := max(c.Width-ansi.StringWidth(left)-ansi.StringWidth(right), 1)
	return Fit(left+strings.Repeat(" ", gap)+st.Counts.Render(right), c.Width)
}

// from says where the operator's name came from when --operator did not
// give it, at every width: whole (", from your login name") on a wide line
// with room beside the rest (used: the cells the rest needs); shortened (", from login name")
// so the totals keep their place at 80 columns; shortest (" (login
// name)") when the badges need the room.
func from(c *common.Common, used int) string {
	if c.OperatorFrom == "" {
		return ""
	}
	short := strings.TrimPrefix(c.OperatorFrom, "your ")
	for _, s := range []string{", from " + c.OperatorFrom, ", from " + short} {
		if (c.Width >= 100 || s != ", from "+c.OperatorFrom) && used+ansi.StringWidth(s)+2 <= c.Width {
			return c.Styles.Muted.Render(s)
		}
	}
	return c.Styles.Muted.Render(" (" + short + ")")
}

// Tabs draws the tab line; the active tab is bracketed as well as styled.
func Tabs(c *common.Common, names []string, active int, badges map[int]string) string {
	return Fit(strings.Join(tabParts(c, names, active, badges), c.Styles.TabGap.Render("│")), c.Width)
}

// TabAt is the tab drawn at column x of the tab bar, or -1 (mouse clicks).
func TabAt(c *common.Common, names []string, active int, badges map[int]string, x int) int {
	pos := 0
	for i, p := range tabParts(c, names, active, badges) {
		w := ansi.StringWidth(p)
		if x >= pos && x < pos+w {
			return i
		}
		pos += w + 1 // the gap
	}
	return -1
}

// tabParts are the tabs as drawn at the screen's width, without the gaps.
func tabParts(c *common.Common, names []string, active int, badges map[int]string) []string {
	st := c.Styles
	parts := make([]string, len(names))
	for i, name := range names {
		label := fmt.Sprintf("%d %s", i+1, name)
		if b := badges[i]; b != "" {
			label += " " + b
		}
		if i == active {
			parts[i] = st.ActiveTab.Render("[" + label + "]")
		} else {
			parts[i] = st.Tab.Render(" " + label + " ")
		}
	}
	line := strings.Join(parts, st.TabGap.Render("│"))
	if ansi.StringWidth(line) > c.Width {
		// Narrower: the names without the padding around them.
		for i, name := range names {
			if i != active {
				label := fmt.Sprintf("%d %s", i+1, name)
				if b := badges[i]; b != "" {
					label += " " + b
				}
				parts[i] = st.Tab.Render(label)
			}
		}
		line = strings.Join(parts, st.TabGap.Render("│"))
	}
	// Narrower still: the other tabs' names cut short, the longest first,
	// one cell at a time (down to three) until the line fits; the tabs with
	// a badge (what needs the desk) keep their names longest.
	caps := make([]int, len(names))
	for i, name := range names {
		caps[i] = ansi.StringWidth(name)
	}
	for _, badged := range []bool{false, true} {
		for ansi.StringWidth(line) > c.Width {
			cut := -1
			for i := range names {
				if i == active || (badges[i] != "" && !badged) || caps[i] <= 3 {
					continue
				}
				if cut < 0 || caps[i] > caps[cut] {
					cut = i
				}
			}
			if cut < 0 {
				break
			}
			caps[cut]--
			label := fmt.Sprintf("%d %s", cut+1, ansi.Truncate(names[cut], caps[cut], "…"))
			if b := badges[cut]; b != "" {
				label += " " + b
			}
			parts[cut] = st.Tab.Render(label)
			line = strings.Join(parts, st.TabGap.Render("│"))
		}
	}
	if ansi.StringWidth(line) > c.Width {
		// Too narrow for names: numbers only (and badges), the active one
		// still named.
		for i, name := range names {
			if i == active {
				parts[i] = st.ActiveTab.Render(fmt.Sprintf("[%d %s]", i+1, name))
			} else {
				label := fmt.Sprintf(" %d ", i+1)
				if b := badges[i]; b != "" {
					label = fmt.Sprintf(" %d %s ", i+1, b)
				}
				parts[i] = st.Tab.Render(label)
			}
		}
	}
	return parts
}

// Rule is a horizontal line the width of the screen.
func Rule(c *common.Common) string {
	return c.Styles.Muted.Render(strings.Repeat("─", max(c.Width, 0)))
}

// Box draws body in a dialog box no wider than the screen allows.
func Box(style lipgloss.Style, width int, body string) string {
	return style.Width(width).Render(body)
}
