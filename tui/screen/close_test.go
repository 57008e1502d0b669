package screen

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/internal/testwait"
)

// A second Close (the server's cleanup racing the console's own) returns
// only once the terminal is given back, with the first Close's error:
// returning early would let the goodbye be written on the alternate screen,
// and reading the error while the first Close still writes is a data race.
func TestASecondCloseWaitsForTheFirst(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	term.hold, term.inside = make(chan struct{}), make(chan struct{})
	first := make(chan error)
	go func() { first <- s.Close() }()
	<-term.inside // the first Close is writing the restore, held by the terminal
	before := term.count()
	go func() { term.hold <- struct{}{} }() // let the restore through, whenever
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if term.count() == before {
		t.Fatal("the second Close returned while the first was still giving the terminal back")
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if end := term.writes[len(term.writes)-1]; !strings.Contains(end, ansi.ResetModeAltScreenSaveCursor) {
		t.Fatalf("the last write does not leave the alternate screen: %q", end)
	}
}

// Many goroutines drawing, resizing and closing at once (run with -race).
func TestDrawResizeCloseAtOnce(t *testing.T) {
	s := Open(Config{Out: failing{}, Width: 20, Height: 3})
	done := make(chan error)
	for i := range 8 {
		go func() {
			for j := range 50 {
				switch (i + j) % 3 {
				case 0:
					s.Draw(strings.Repeat("x", j%20))
				case 1:
					s.Resize(10+j, 3+j%4)
				}
			}
			done <- s.Close()
		}()
	}
	for range 8 {
		if err := <-done; err != errGone {
			t.Fatalf("Close = %v, want the write's error from every Close", err)
		}
	}
}

type panics struct{ tea.Model }

func (panics) Update(tea.Msg) (tea.Model, tea.Cmd) { panic("boom") }

// A panic in a model's Update gives the terminal back before Bubble Tea
// prints the panic and its stack: printed on the alternate screen, they
// would vanish when it is left, and the operator would have nothing to
// report. The panic itself goes on to Bubble Tea, which ends the console.
func TestAPanicInUpdateLeavesTheAlternateScreenFirst(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	m := Model(panics{}, s)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the model's panic", r)
			}
			end := term.writes[len(term.writes)-1]
			if !strings.Contains(end, ansi.ResetModeAltScreenSaveCursor) || !strings.Contains(end, ansi.SetModeTextCursorEnable) {
				t.Fatalf("when the panic left Update the terminal was not given back: %q", end)
			}
		}()
		m.Update(tea.KeyPressMsg{})
	}()
}

// A frame the cell parser cannot take (ultraviolet panics on an SGR of more
// than 32 parameters) costs that frame only. Drawing runs in the screen's own
// goroutine, out of reach of Bubble Tea's recovery: a panic there would end
// the process, and with it every operator's console on the shared desk
// (R35), where Bubble Tea's renderer, parsing in the event loop, ended one.
func TestAFrameThatPanicsTheParserIsSkipped(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	hold, inside, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	defer close(done)
	term.hold, term.inside = hold, inside
	s.Draw("one\ntwo")
	<-inside // the goroutine is writing "one"
	s.Draw("\x1b[" + strings.Repeat("1;", 40) + "1mbad\x1b[m\ntwo")
	close(hold) // every write from now on goes through
	go func() {
		for {
			select {
			case <-inside:
			case <-done:
				return
			}
		}
	}()
	term.next(t)
	taken := func() bool { s.mu.Lock(); defer s.mu.Unlock(); return !s.pending }
	testwait.Until(t, 5*time.Second, func() string { return "the bad frame was never taken" }, taken)
	// Nothing is written for the bad frame: the next one is drawn.
	s.Draw("three\ntwo")
	if got := term.next(t); !strings.Contains(got, "three") {
		t.Fatalf("the frame after a bad one was not drawn: %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
