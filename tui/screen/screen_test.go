package screen

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// terminal records what a Screen writes, one entry a write, and can hold a
// write until told to let it through.
type terminal struct {
	mu     sync.Mutex
	writes []string
	wrote  chan struct{}
	hold   chan struct{} // when set, each write waits to receive from it
	inside chan struct{} // and says first that it is waiting
}

func newTerminal() *terminal { return &terminal{wrote: make(chan struct{}, 100)} }

func (t *terminal) Write(p []byte) (int, error) {
	if t.hold != nil {
		t.inside <- struct{}{}
		<-t.hold
	}
	t.mu.Lock()
	t.writes = append(t.writes, string(p))
	t.mu.Unlock()
	t.wrote <- struct{}{}
	return len(p), nil
}

// next waits for the next write and returns it.
func (t *terminal) next(tb testing.TB) string {
	tb.Helper()
	select {
	case <-t.wrote:
	case <-time.After(5 * time.Second):
		tb.Fatal("the screen wrote nothing")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.writes[len(t.writes)-1]
}

func (t *terminal) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.writes)
}

func open(t *testing.T, term *terminal) *Screen {
	t.Helper()
	s := Open(Config{Out: term, Env: []string{"TERM=xterm-256color"}, Profile: colorprofile.TrueColor,
		Width: 40, Height: 5, Title: "Latchkey", Mouse: true})
	return s
}

// The first write takes the terminal: the alternate screen, a hidden cursor,
// mouse and paste reporting, the title; Close gives each back.
func TestScreenTakesAndGivesBackTheTerminal(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	setup := term.next(t)
	for _, seq := range []string{ansi.SetModeAltScreenSaveCursor, ansi.ResetModeTextCursorEnable,
		ansi.SetModeBracketedPaste, ansi.SetModeMouseButtonEvent, ansi.SetWindowTitle("Latchkey")} {
		if !strings.Contains(setup, seq) {
			t.Errorf("the first write lacks %q: %q", seq, setup)
		}
	}
	s.Draw("hello")
	if frame := term.next(t); !strings.Contains(frame, "hello") {
		t.Fatalf("the frame was not written: %q", frame)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	end := term.writes[len(term.writes)-1]
	for _, seq := range []string{ansi.ResetModeAltScreenSaveCursor, ansi.SetModeTextCursorEnable,
		ansi.ResetModeBracketedPaste, ansi.ResetModeMouseButtonEvent, ansi.SetWindowTitle("")} {
		if !strings.Contains(end, seq) {
			t.Errorf("the last write lacks %q: %q", seq, end)
		}
	}
	s.Draw("after close") // ignored, never a panic
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// The same frame again writes nothing: an idle console is silent.
func TestTheSameFrameAgainWritesNothing(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	s.Draw("row one\nrow two")
	term.next(t)
	before := term.count()
	for range 50 {
		s.Draw("row one\nrow two")
	}
	s.Draw("row one\nrow 2") // a change after them is the next write
	if frame := term.next(t); !strings.Contains(frame, "2") || strings.Contains(frame, "row one") {
		t.Fatalf("the change should be written alone: %q", frame)
	}
	if n := term.count(); n != before+1 {
		t.Fatalf("%d writes for 50 unchanged frames and one change; want 1", n-before)
	}
	_ = s.Close()
}

// Frames that come while one is being written are not queued: the newest
// replaces the ones waiting, and the terminal gets it next.
func TestTheNewestFrameWins(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	term.hold, term.inside = make(chan struct{}), make(chan struct{}, 1)
	s.Draw("first")
	<-term.inside // the goroutine is writing "first", held
	for _, f := range []string{"second", "third", "fourth"} {
		s.Draw(f)
	}
	term.hold <- struct{}{}
	if got := term.next(t); !strings.Contains(got, "first") {
		t.Fatalf("first write %q", got)
	}
	<-term.inside
	term.hold <- struct{}{}
	got := term.next(t)
	if !strings.Contains(got, "fourth") || strings.Contains(got, "second") || strings.Contains(got, "third") {
		t.Fatalf("the write after it should draw only the newest frame: %q", got)
	}
	term.hold = nil // Close's own write goes through
	_ = s.Close()
}

// A new size redraws the frame on the terminal whole, even with no new
// frame: the terminal rewrapped what it showed.
func TestAResizeRedrawsTheFrameWhole(t *testing.T) {
	term := newTerminal()
	s := open(t, term)
	term.next(t)
	s.Draw("alpha\nbeta")
	term.next(t)
	s.Resize(30, 4)
	got := term.next(t)
	if !strings.Contains(got, "alpha") || !strings.Contains(got, "beta") {
		t.Fatalf("after a resize the whole frame should be written again: %q", got)
	}
	s.Resize(0, 4) // nonsense sizes are ignored
	_ = s.Close()
}

func TestWriteErrorsAreReportedByClose(t *testing.T) {
	s := Open(Config{Out: failing{}, Width: 10, Height: 2})
	s.Draw("x")
	if err := s.Close(); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("Close = %v, want the write's error", err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errGone }

var errGone = errors.New("the terminal is gone")

// A terminal that claims an absurd size (an SSH client may send any) gets a
// screen of at most MaxWidth by MaxHeight cells, not one that takes the
// desk's memory.
func TestAnAbsurdSizeIsBounded(t *testing.T) {
	term := newTerminal()
	s := Open(Config{Out: term, Width: 1 << 20, Height: 1 << 20})
	term.next(t)
	if s.width != MaxWidth || s.height != MaxHeight {
		t.Fatalf("opened at %dx%d, want %dx%d", s.width, s.height, MaxWidth, MaxHeight)
	}
	s.Draw("x")
	term.next(t)
	s.Resize(100_000, 100_000)
	s.Draw("y")
	term.next(t)
	_ = s.Close()
	if w, h := s.cells.Width(), s.cells.Height(); w != MaxWidth || h != MaxHeight {
		t.Fatalf("cells are %dx%d after a resize to 100000x100000, want %dx%d", w, h, MaxWidth, MaxHeight)
	}
}
