package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A burst of keys asks one search for the first key and one for all the
// rest, asked when the first answer comes; the answer shown is the one for
// the whole text, never a stale one ranked against it.
func TestPaletteMergesKeysTypedWhileASearchRuns(t *testing.T) {
	var asked []string
	var seqs []int
	search := func(term string, seq int) tea.Cmd {
		asked, seqs = append(asked, term), append(seqs, seq)
		return func() tea.Msg { return nil }
	}
	p := NewPalette(testCommon(), nil, search)
	p.Init()
	for _, k := range "cooper" {
		press(p, string(k))
	}
	if len(asked) != 1 || asked[0] != "c" {
		t.Fatalf("while the first search runs, keys asked %q", asked)
	}
	// The answer for "c" is stale: it is not shown, and "cooper" is asked.
	stale := []PaletteItem{{Kind: "user", Label: "Carla Diaz", Detail: "carla@x.test"}}
	p.Update(PaletteResultsMsg{Seq: seqs[0], Items: stale})
	if len(asked) != 2 || asked[1] != "cooper" {
		t.Fatalf("after the first answer, asked %q", asked)
	}
	if len(p.Shown()) != 0 {
		t.Fatalf("a stale answer was shown: %+v", p.Shown())
	}
	want := []PaletteItem{{Kind: "user", Label: "Omar Cooper", Detail: "omar_cooper@fairview.test"}}
	p.Update(PaletteResultsMsg{Seq: seqs[1], Items: want})
	if got := p.Shown(); len(got) != 1 || got[0].Label != "Omar Cooper" {
		t.Fatalf("shown %+v", got)
	}
	// A key typed now, with nothing in flight, asks at once.
	press(p, "x")
	if len(asked) != 3 || asked[2] != "cooperx" {
		t.Fatalf("a key with nothing in flight asked %q", asked)
	}
}

// R31: enter pressed before the search for the text typed has answered
// waits for that answer and goes to its best match — never to a record
// found for the shorter text typed before (a fast typist's ": teresa m⏎"
// must not open Teresa Moore), and never does nothing.
func TestPaletteEnterWaitsForTheAnswerToWhatWasTyped(t *testing.T) {
	var seqs []int
	search := func(term string, seq int) tea.Cmd {
		seqs = append(seqs, seq)
		return func() tea.Msg { return nil }
	}
	ran := ""
	item := func(label string) PaletteItem {
		return PaletteItem{Kind: "user", Label: label, Run: func() tea.Msg { ran = label; return nil }}
	}
	p := NewPalette(testCommon(), nil, search)
	p.Init()
	for _, k := range "teresa" {
		press(p, string(k))
	}
	p.Update(PaletteResultsMsg{Seq: seqs[0], Items: nil}) // "t": stale, asks "teresa"
	p.Update(PaletteResultsMsg{Seq: seqs[1], Items: []PaletteItem{item("Teresa Moore"), item("Teresa Mensah"), item("Teresa Mens")}})
	for _, k := range " mensah" {
		press(p, string(k))
	}
	if cmd := press(p, "enter"); msgOf(cmd) != nil || ran != "" || p.Closed() {
		t.Fatalf("enter before the answer for %q ran %q", "teresa mensah", ran)
	}
	press(p, "u") // typed after enter: not part of the search
	// The answer to "teresa " (asked at the space) is stale: it asks again.
	p.Update(PaletteResultsMsg{Seq: seqs[len(seqs)-1], Items: []PaletteItem{item("Teresa Moore")}})
	if ran != "" || p.Closed() {
		t.Fatalf("a stale answer took the waiting enter to %q", ran)
	}
	msgOf(p.Update(PaletteResultsMsg{Seq: seqs[len(seqs)-1], Items: []PaletteItem{item("Teresa Mensah")}}))
	if !p.Closed() || ran != "Teresa Mensah" {
		t.Fatalf("the answer came and the enter waiting for it ran %q (closed %v)", ran, p.Closed())
	}
}

// R31: the palette's hint shows whole (not its first letter), and a long
// text scrolls in its one line instead of wrapping the box, at the sizes
// the desk is used at.
func TestPaletteInputFitsItsLine(t *testing.T) {
	for _, w := range []int{140, 80} {
		p := NewPalette(testCommon(), nil, func(string, int) tea.Cmd { return nil })
		p.SetSize(w, 24)
		p.Init()
		if v := ansi.Strip(p.View(w, 24)); !strings.Contains(v, "a name, an email, a login, or an action") {
			t.Fatalf("%d: the hint is cut:\n%s", w, v)
		}
		for range 100 {
			press(p, "x")
		}
		lines := strings.Split(ansi.Strip(p.View(w, 24)), "\n")
		if len(lines) < 3 || strings.Contains(lines[2], "x") || !strings.Contains(lines[1], "xxxxxxxx") {
			t.Fatalf("%d: a long text wrapped the box:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}
