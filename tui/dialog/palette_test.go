package dialog

import (
	"testing"

	tea "charm.land/bubbletea/v2"
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
