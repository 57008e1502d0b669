package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/panes"
)

// emptyDesk is a desk with no practice yet: a file of one's own on its
// first run.
type emptyDesk struct{ *fakeService }

func (emptyDesk) Practices(accounts.PracticeQuery) ([]accounts.Practice, error) { return nil, nil }

// R31, R33: an empty desk tells a new operator how to start — the console
// has no form to onboard a practice, so the practices pane names the
// command that does — instead of a bare "nothing here".
func TestEmptyDeskSaysHowToStart(t *testing.T) {
	f, c := newFake()
	c.Svc = emptyDesk{f}
	p := panes.NewPractices(c)
	p.SetSize(100, 20)
	deliverTo(t, p.Init(), p.Update)
	if v := p.View(); !strings.Contains(v, "latchkey practices add") {
		t.Fatalf("the empty practices pane does not say how to start:\n%s", v)
	}
}
