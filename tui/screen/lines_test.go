package screen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

func TestEndsClean(t *testing.T) {
	for _, c := range []struct {
		line  string
		clean bool
	}{
		{"plain text", true},
		{"", true},
		{"\x1b[1mbold\x1b[m", true},
		{"\x1b[1mbold\x1b[0m tail", true},
		{"\x1b[1mbold\x1b[m\x1b[31mred", false},              // the last SGR opens red
		{"\x1b[31mred\x1b[39m", false},                       // resets the colour only: not every attribute
		{"\x1b[0;1mbold", false},                             // a reset, then bold
		{"\x1b[1mbold\x1b[m\x1b[2K", true},                   // a CSI after the reset is not an SGR
		{"\x1b[1mbold\x1b[", false},                          // cut short
		{"\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", false}, // links are not followed
	} {
		if got := endsClean(c.line); got != c.clean {
			t.Errorf("endsClean(%q) = %v, want %v", c.line, got, c.clean)
		}
	}
}

// styledFrame builds a frame of h lines as Lip Gloss draws them: each line
// styled on its own, some with two styles, some plain.
func styledFrame(r *rand.Rand, w, h int) []string {
	styles := []lipgloss.Style{
		lipgloss.NewStyle(),
		lipgloss.NewStyle().Bold(true),
		lipgloss.NewStyle().Foreground(lipgloss.Color("#ff8700")),
		lipgloss.NewStyle().Background(lipgloss.Color("53")).Underline(true),
		lipgloss.NewStyle().Reverse(true).Italic(true),
	}
	lines := make([]string, h)
	for y := range lines {
		lines[y] = styledLine(r, styles, w)
	}
	return lines
}

func styledLine(r *rand.Rand, styles []lipgloss.Style, w int) string {
	words := []string{"Łukasiewicz", "Núñez", "maria", "LOCKED", "active", "│", "日本語", "—", "42", "pending"}
	var b strings.Builder
	for n := r.IntN(6); n >= 0; n-- {
		b.WriteString(styles[r.IntN(len(styles))].Render(words[r.IntN(len(words))] + " "))
	}
	line := b.String()
	if r.IntN(5) == 0 { // longer than the screen: cut at its edge
		line += strings.Repeat("x", w)
	}
	return line
}

// drawWhole parses a frame as one string into a fresh buffer.
func drawWhole(frame string, w, h int) uv.ScreenBuffer {
	cells := uv.NewScreenBuffer(w, h)
	uv.NewStyledString(frame).Draw(cells, cells.Bounds())
	return cells
}

func sameCells(t *testing.T, got, want uv.ScreenBuffer, what string) {
	t.Helper()
	for y := range want.Height() {
		for x := range want.Width() {
			g, w := got.CellAt(x, y), want.CellAt(x, y)
			if (g == nil) != (w == nil) || (g != nil && !g.Equal(w)) {
				t.Fatalf("%s: cell %d,%d is %#v, a whole parse gives %#v", what, x, y, g, w)
			}
		}
	}
}

// A frame drawn line by line over the one before gives exactly the cells a
// parse of the whole frame gives — after hundreds of random edits of a few
// lines each, in styled text with wide runes and lines cut at the edge.
func TestLineByLineDrawsWhatAWholeParseDraws(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const w, h = 60, 12
	styles := []lipgloss.Style{lipgloss.NewStyle().Bold(true), lipgloss.NewStyle().Foreground(lipgloss.Color("#00afff"))}
	text := styledFrame(r, w, h)
	cells := drawWhole(strings.Join(text, "\n"), w, h)
	shown := splitLines(strings.Join(text, "\n"), lines{}, lines{})
	var spare lines
	for step := range 500 {
		for n := 1 + r.IntN(3); n > 0; n-- {
			text[r.IntN(h)] = styledLine(r, styles, w)
		}
		frame := strings.Join(text, "\n")
		next := splitLines(frame, spare, shown)
		if !next.redraw(shown, cells) {
			t.Fatalf("step %d: Lip Gloss lines should each stand alone", step)
		}
		spare, shown = shown, next
		sameCells(t, cells, drawWhole(frame, w, h), fmt.Sprintf("step %d", step))
	}
}

// A style left open across a line break makes the next line's cells depend
// on the line before: such a frame is not drawn line by line.
func TestAStyleOpenAcrossLinesIsDrawnWhole(t *testing.T) {
	const w, h = 20, 3
	before := "one\ntwo\nthree"
	after := "\x1b[31mone\ntwo\nthree" // red from line one on, through all three
	cells := drawWhole(before, w, h)
	shown := splitLines(before, lines{}, lines{})
	next := splitLines(after, lines{}, shown)
	if next.redraw(shown, cells) {
		t.Fatal("a frame whose first line leaves red open was drawn line by line")
	}
	if StandsAlone(after) || !StandsAlone(before) {
		t.Fatal("StandsAlone disagrees with redraw")
	}
	// A change in the number of lines is drawn whole as well.
	if splitLines("one\ntwo", lines{}, shown).redraw(shown, cells) {
		t.Fatal("a frame with fewer lines was drawn line by line")
	}
}

// Whatever the frames hold — any bytes, escape sequences of every kind,
// broken UTF-8 — a frame drawn line by line over another gives the cells a
// whole parse gives, or is refused and drawn whole.
func FuzzLineByLine(f *testing.F) {
	f.Add("one\n\x1b[1mtwo\x1b[m\nthree", "one\n\x1b[1mTWO\x1b[m\nthree")
	f.Add("a\x1b[31m\nb", "a\x1b[31m\nc")
	f.Add("\x9b31ma\nb", "\x9b31ma\nc")
	f.Add("\x1b(0lqk\x1b(B\nx", "\x1b(0lqk\x1b(B\ny")
	f.Add("a\x1b]8;;http://x\x1b\\b\nc", "a\x1b]8;;http://x\x1b\\b\nd")
	f.Add("日本\u0301\n\x1b[38;2;1;2;3mx\x1b[0m", "日本\u0301\n\x1b[38;2;1;2;3my\x1b[0m")
	f.Fuzz(func(t *testing.T, before, after string) {
		const w, h = 12, 4
		cells := drawWhole(before, w, h)
		shown := splitLines(before, lines{}, lines{})
		next := splitLines(after, lines{}, shown)
		if !next.redraw(shown, cells) {
			return
		}
		sameCells(t, cells, drawWhole(after, w, h), "line by line")
	})
}
