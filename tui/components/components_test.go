package components

import (
	"latchkey/accounts"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/tui/common"
)

func testCommon(w, h int) *common.Common {
	c := common.New(nil, "alice")
	c.Width, c.Height = w, h
	return c
}

// The table asks only for the rows it draws, so a million-row pane costs
// what a screenful costs.
func TestTableDrawsOnlyVisibleRows(t *testing.T) {
	c := testCommon(80, 24)
	tb := NewTable(c, Column{Title: "Name", Width: 10, Flex: true}, Column{Title: "N", Width: 5, Right: true})
	tb.SetSize(80, 11) // header + 10 rows
	tb.SetLen(1_000_000)
	asked := 0
	row := func(i int) Row { asked++; return Row{Cells: []string{"row", "1"}} }
	out := tb.View(row)
	if asked != 10 {
		t.Fatalf("asked for %d rows, want 10", asked)
	}
	if lines := strings.Count(out, "\n") + 1; lines != 11 {
		t.Fatalf("drew %d lines, want 11", lines)
	}
	tb.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	if tb.Cursor() != 999_999 {
		t.Fatalf("end: cursor %d", tb.Cursor())
	}
	asked = 0
	tb.View(row)
	if asked != 10 {
		t.Fatalf("at the end asked for %d rows, want 10", asked)
	}
}

// Every line fits the width; narrow screens drop the droppable columns first.
func TestTableFitsWidth(t *testing.T) {
	for _, w := range []int{40, 80, 140} {
		c := testCommon(w, 24)
		tb := NewTable(c,
			Column{Title: "Name", Width: 16, Flex: true},
			Column{Title: "Login", Width: 18, Flex: true},
			Column{Title: "Roles", Width: 12, Drop: 1},
			Column{Title: "Status", Width: 15})
		tb.SetSize(w, 5)
		tb.SetLen(3)
		out := tb.View(func(int) Row {
			return Row{Cells: []string{strings.Repeat("n", 50), "login@example.com", "owner,admin", "LOCKED active"}}
		})
		for _, l := range strings.Split(out, "\n") {
			if got := ansi.StringWidth(l); got != w {
				t.Errorf("width %d: line is %d wide: %q", w, got, ansi.Strip(l))
			}
		}
		hasRoles := strings.Contains(ansi.Strip(out), "Roles")
		if (w >= 80) != hasRoles {
			t.Errorf("width %d: roles shown = %v", w, hasRoles)
		}
	}
}

// R32: a full gauge reads as full without colour (solid bar, 100%), and a
// nearly full one never does.
func TestGauge(t *testing.T) {
	st := common.NewStyles(true)
	full := ansi.Strip(Gauge(st, 10, 10, 20))
	if strings.Contains(full, "░") || !strings.HasSuffix(full, "100%") {
		t.Errorf("full gauge %q", full)
	}
	almost := ansi.Strip(Gauge(st, 199, 200, 20))
	if !strings.Contains(almost, "░") || strings.HasSuffix(almost, "100%") {
		t.Errorf("almost full gauge %q", almost)
	}
	if w := ansi.StringWidth(almost); w != 20 {
		t.Errorf("gauge is %d wide, want 20", w)
	}
	if none := ansi.Strip(Gauge(st, 0, 10, 20)); strings.Contains(none, "█") {
		t.Errorf("empty gauge %q", none)
	}
}

type testKeys struct{ short []key.Binding }

func (k testKeys) ShortHelp() []key.Binding { return k.short }
func (k testKeys) FullHelp() [][]key.Binding {
	keys := common.NewKeyMap()
	return [][]key.Binding{k.short, keys.Moves(), keys.Tabs(), keys.Global()}
}

// At 80 columns the footer keeps ? all keys and q quit, dropping the least
// needed keys instead; full help stacks its columns so that every key shows.
func TestFooterKeepsQuitAndAllKeysWhenNarrow(t *testing.T) {
	c := testCommon(80, 24)
	k := c.Keys
	km := testKeys{short: []key.Binding{k.Move, k.Filter, k.Open, unlockKey, k.ClockStep, k.Help, k.Quit, k.NextTab}}
	f := NewFooter(c)
	short := ansi.Strip(f.View(km))
	if !strings.Contains(short, "? all keys") || !strings.Contains(short, "q quit") || strings.Contains(short, "…") {
		t.Fatalf("short footer at 80: %q", short)
	}
	if !strings.Contains(short, "u unlock") {
		t.Fatalf("the pane's own key was dropped before the spare ones: %q", short)
	}
	f.ToggleAll()
	full := ansi.Strip(f.View(km))
	for _, b := range km.FullHelp() {
		for _, b := range b {
			if h := b.Help(); !strings.Contains(full, h.Key+" ") || !strings.Contains(full, h.Desc) {
				t.Fatalf("full help at 80 lacks %q %q:\n%s", h.Key, h.Desc, full)
			}
		}
	}
	for _, l := range strings.Split(full, "\n") {
		if ansi.StringWidth(l) > 80 || strings.Contains(l, "…") {
			t.Fatalf("full help line cut at 80: %q", l)
		}
	}
}

var unlockKey = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unlock"))

// "/" twice finds the second name: the old search is selected when the
// filter opens again, and typing replaces it instead of appending (item 4).
func TestFilterStartsANewSearch(t *testing.T) {
	f := NewFilter(testCommon(80, 24), "filter")
	f.Focus()
	for _, r := range "ana" {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	f.Blur()
	f.Focus()
	if !f.Selected() || !strings.Contains(ansi.Strip(f.View()), "type to replace") {
		t.Fatalf("the old search is not selected: %q", ansi.Strip(f.View()))
	}
	for _, r := range "bob" {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if f.Value() != "bob" {
		t.Fatalf("second search %q, want bob", f.Value())
	}
	// An arrow keeps the old text, to edit it.
	f.Blur()
	f.Focus()
	f.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	f.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if f.Value() != "boxb" {
		t.Fatalf("edit after an arrow: %q", f.Value())
	}
}

// R35: where the operator's name came from is said at every width the
// console draws on: whole on a wide screen, shortened at 80 columns.
func TestHeaderSaysWhereTheOperatorCameFrom(t *testing.T) {
	badges := HeaderInfo{Demo: true, Watch: 2, Approvals: 1}
	for _, tc := range []struct {
		w    int
		h    HeaderInfo
		want string
	}{
		{140, badges, "operator alice, from your login name"},
		{100, badges, "operator alice, from your login name"},
		{80, HeaderInfo{Demo: true}, "operator alice, from login name"},
		{80, badges, "operator alice (login name)"}, // the first total keeps its place
	} {
		c := testCommon(tc.w, 24)
		c.OperatorFrom = "your login name"
		got := ansi.Strip(Header(c, tc.h))
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "0 practices") || ansi.StringWidth(got) != tc.w {
			t.Errorf("width %d: %q, want it to say %q", tc.w, got, tc.want)
		}
	}
	// Crowded by the demo clock and the simulator: shortest, still said.
	c := testCommon(80, 24)
	c.OperatorFrom = "your login name"
	got := ansi.Strip(Header(c, HeaderInfo{Demo: true, Offset: 200 * time.Hour, Now: time.Now(), Sim: "SIM 10/s"}))
	if !strings.Contains(got, "operator alice (login name)") || !strings.Contains(got, "SIM 10/s") {
		t.Errorf("crowded at 80: %q", got)
	}
	c = testCommon(80, 24)
	if got := ansi.Strip(Header(c, HeaderInfo{})); strings.Contains(got, "from") {
		t.Errorf("a name given with --operator needs no origin: %q", got)
	}
}

// R31, R43: eight tabs fit 80 columns: the others' names are cut short
// before they go, the active tab and the tabs with a badge (what needs the
// desk: locks, the watch list) keep theirs, and every number stays.
func TestTabsFitEightAt80(t *testing.T) {
	names := []string{"Practices", "Users", "Licenses", "Lockouts", "Audit", "Outbox", "Patients", "Watch"}
	badges := map[int]string{3: "(18)", 7: "(1)"}
	c := testCommon(80, 24)
	got := ansi.Strip(Tabs(c, names, 0, badges))
	if w := ansi.StringWidth(got); w != 80 {
		t.Fatalf("tab line %d wide: %q", w, got)
	}
	for _, want := range []string{"[1 Practices]", "4 Lockouts (18)", "8 Watch (1)", "2 ", "3 ", "5 ", "6 ", "7 "} {
		if !strings.Contains(got, want) {
			t.Errorf("tab line %q lacks %q", got, want)
		}
	}
	if TabAt(c, names, 0, badges, ansi.StringWidth(got[:strings.Index(got, "8 Watch")])) != 7 {
		t.Errorf("a click on the Watch tab is not on it: %q", got)
	}
}

// fit's printable-ASCII shortcut draws exactly what the grapheme-aware path
// draws: the same cells, the same truncation with its ellipsis.
func TestFitPlainMatchesGraphemes(t *testing.T) {
	slow := func(s string, w int, right bool) string {
		sw := ansi.StringWidth(s)
		if sw > w {
			return ansi.Truncate(s, w, "…")
		}
		if right {
			return strings.Repeat(" ", w-sw) + s
		}
		return s + strings.Repeat(" ", w-sw)
	}
	for _, s := range []string{"", "a", "maria.lopez@example.com", "Summit Cardiology Associates", "LOCKED active", "~!@#$%^&*()_+ {}|",
		"—", "› Zoë Müller-Łukasiewicz — TOTP…", "José Núñez", "Ærø ‘quoted’ “twice” ←↑→↓ ‹›", "e\u0301 combining", "東京 wide", "\x1b[1mbold\x1b[0m", "a\u00adb"} {
		for w := 1; w <= 30; w++ {
			for _, right := range []bool{false, true} {
				if got, want := fit(s, w, right), slow(s, w, right); got != want {
					t.Fatalf("fit(%q, %d, %v) = %q, want %q", s, w, right, got, want)
				}
			}
		}
	}
	// Random lines of the runes the narrow path takes, fitted both ways.
	var pool []rune
	for r := rune(0); r <= 0x2fff; r++ {
		if narrowRune(r) {
			pool = append(pool, r)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		rs := make([]rune, rng.IntN(24))
		for i := range rs {
			rs[i] = pool[rng.IntN(len(pool))]
		}
		s, w, right := string(rs), 1+rng.IntN(30), rng.IntN(2) == 0
		if got, want := fit(s, w, right), slow(s, w, right); got != want {
			t.Fatalf("fit(%q, %d, %v) = %q, want %q", s, w, right, got, want)
		}
	}
	// Every rune the narrow path accepts is one cell, alone and between
	// others, as the grapheme walk measures it.
	for r := rune(0); r <= 0x2fff; r++ {
		if !narrowRune(r) {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r) + "b", string(r) + string(r), "é" + string(r) + "—"} {
			if n, ok := narrowWidth(s); !ok || n != ansi.StringWidth(s) {
				t.Fatalf("%q (U+%04X): %d cells, ok %v; the grapheme walk says %d", s, r, n, ok, ansi.StringWidth(s))
			}
		}
	}
}

// A table row drawn as its style's escape sequences around the text is
// byte for byte what lipgloss draws, for the styles rows use.
func TestLineStylesMatchRender(t *testing.T) {
	st := common.New(nil, "alice").Styles
	lines := []string{"", "plain row", "  Jiří Johnson  jirij@example.com  Summit Cardiolo…  —  active", "tab\there", "two\nlines", "›  x"}
	ls := lineStyles{}
	for i, style := range []lipgloss.Style{st.Row, st.Selected, st.Locked, st.TableHeader} {
		for _, l := range lines {
			if got, want := ls.render(i, style, l), style.Render(l); got != want {
				t.Fatalf("style %d, %q: %q, lipgloss %q", i, l, got, want)
			}
		}
		if !ls[i].wraps {
			t.Errorf("style %d is not drawn as its escape sequences", i)
		}
	}
}

// R31: the header's totals read as English: "1 practice", "1 user".
func TestHeaderCountsSayOneInTheSingular(t *testing.T) {
	c := testCommon(140, 24)
	got := ansi.Strip(Header(c, HeaderInfo{Stats: accounts.Stats{Practices: 1, Users: 1, Locked: 1, AtCap: 1}}))
	if !strings.Contains(got, "1 practice · 1 user · 1 locked · 1 at capacity") {
		t.Errorf("%q", got)
	}
	got = ansi.Strip(Header(c, HeaderInfo{Stats: accounts.Stats{Practices: 2, Users: 0}}))
	if !strings.Contains(got, "2 practices · 0 users") {
		t.Errorf("%q", got)
	}
}
