package screen

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// copies is a console that copies to the clipboard as it starts, as the
// desk's "copy login" does.
type copies struct{}

func (copies) Init() tea.Cmd                       { return tea.SetClipboard("login") }
func (copies) Update(tea.Msg) (tea.Model, tea.Cmd) { return copies{}, nil }
func (copies) View() tea.View                      { return tea.NewView("a frame") }

// What Bubble Tea writes itself (a clipboard copy, a colour query) goes out
// through the screen, never beside a frame being written: an SSH channel
// shares one packet buffer between its writers, so two writes at once send
// each other's bytes, and on a slow link the copy lands in the middle of a
// frame's escape sequences. Bubble Tea is given the terminal as its output
// (as an SSH session's options do), and writes while a frame is held.
func TestBubbleTeaWritesThroughTheScreen(t *testing.T) {
	term := newTerminal()
	p, s := NewProgram(copies{}, Config{Out: term, Env: []string{"TERM=xterm-256color"},
		Profile: colorprofile.TrueColor, Width: 20, Height: 3},
		tea.WithOutput(term), tea.WithInput(nil))
	term.next(t)
	term.hold, term.inside = make(chan struct{}), make(chan struct{})
	ran := make(chan error)
	go func() { _, err := p.Run(); ran <- err }()
	<-term.inside // the first frame is being written
	copied := ansi.SetSystemClipboard("login")
	queued := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return strings.Contains(string(s.raw), copied)
	}
	deadline := time.After(10 * time.Second)
	for !queued() {
		select {
		case <-term.inside:
			t.Fatal("Bubble Tea wrote to the terminal while a frame was being written")
		case <-deadline:
			t.Fatal("the copy never reached the screen")
		case <-time.After(10 * time.Millisecond):
		}
	}
	go func() {
		for range term.inside {
		}
	}()
	close(term.hold)
	p.Quit()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(term.writes, "")
	if i, j := strings.Index(all, "a frame"), strings.Index(all, copied); i < 0 || j < i {
		t.Fatalf("want the frame, then the copy: %q", all)
	}
}
