// Package screen draws the console's frames on a terminal the moment they
// change, instead of on a ticker.
//
// Bubble Tea's own renderer writes a frame only when its ticker fires (at
// most 120 times a second), so a typed key waits up to a whole frame before
// its answer is written, and the ticker wakes the process 120 times a
// second while nothing changes — 1.8% of a core on the desk's machines,
// where issue 14 asks for under 1%. Here the frame View returns is handed to
// a goroutine of its own and written at once, while the next key's Update
// runs; a frame that arrives while another is being written replaces any
// frame still waiting, so a burst of messages costs one write, and nothing
// wakes while nothing changes. The cell diff and the escape codes are
// ultraviolet's, the renderer Bubble Tea itself uses; this package only
// decides when to draw, and sets the terminal's modes around it.
package screen

import (
	"bytes"
	"io"
	"sync"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Config describes the terminal a Screen draws on.
type Config struct {
	Out     io.Writer
	Env     []string // the terminal's environment ($TERM decides its capabilities)
	Profile colorprofile.Profile
	Width   int
	Height  int
	// MapNewline: the output is not a terminal this process set to raw mode
	// (an SSH session's emulated pty), so a line feed must not be trusted to
	// return the carriage; ultraviolet then writes \r\n.
	MapNewline bool
	Title      string
	Mouse      bool // report clicks, wheel and drags (cell motion)
	// QueryModes asks the terminal whether it has synchronized output and
	// the Unicode core (modes.go); see QueryModes for when to.
	QueryModes bool
}

// MaxWidth and MaxHeight bound the size a screen draws at, whatever the
// terminal reports: an SSH client may claim any window size, and a buffer of
// cells (and the frame the console draws into it) for 100,000 by 100,000
// would take the desk's memory from every operator. No real terminal comes
// near these.
const MaxWidth, MaxHeight = 1000, 500

// Clamp bounds a terminal's reported size to what a screen draws at.
func Clamp(width, height int) (int, int) {
	return min(max(width, 1), MaxWidth), min(max(height, 1), MaxHeight)
}

// Screen owns the terminal's alternate screen from Open to Close.
type Screen struct {
	out  io.Writer
	cfg  Config
	wake chan struct{} // one slot: "a newer frame, size or Close is waiting"
	done chan struct{} // closed when the drawing goroutine has ended
	gone chan struct{} // closed when Close has given the terminal back

	mu      sync.Mutex // guards what passes between the event loop and the goroutine
	next    string     // the newest frame, not yet taken
	pending bool
	raw     []byte // what Bubble Tea wrote itself, to go out before the next frame
	taken   string // the last frame the goroutine took: on the terminal, or about to be
	hasOne  bool
	width   int
	height  int
	resized bool
	closed  bool
	// What the terminal said it has (modes.go).
	syncd    bool
	grapheme bool

	// Owned by the drawing goroutine (and by Close, after it has ended).
	buf   bytes.Buffer
	term  *uv.TerminalRenderer
	cells uv.ScreenBuffer
	shown lines // the frame in cells, line by line
	// graphemeOn: the Unicode core is on, and cells are measured by cluster.
	graphemeOn bool
	spare      lines // the frame before it, whose slices the next frame reuses
	err        error
	left       bool // the terminal was given back for a suspend (suspend.go)

	// A suspend asked of the drawing goroutine (suspend.go), under mu.
	leave, enter bool
	acked        chan struct{} // closed when the goroutine has done it
}

// Open enters the alternate screen and starts drawing. Frames are given
// with Draw; Close restores the terminal.
func Open(cfg Config) *Screen {
	s := &Screen{
		out:  cfg.Out,
		cfg:  cfg,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
		gone: make(chan struct{}),
	}
	s.width, s.height = Clamp(cfg.Width, cfg.Height)
	s.term = s.newRenderer(s.width, s.height)
	s.cells = uv.NewScreenBuffer(s.width, s.height)

	s.enterModes()
	if cfg.QueryModes {
		s.buf.WriteString(ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore)
	}
	s.writeOut()

	go s.loop()
	return s
}

// newRenderer is a cell renderer for the terminal, knowing nothing of what
// it shows: its first render paints the whole screen.
func (s *Screen) newRenderer(width, height int) *uv.TerminalRenderer {
	t := uv.NewTerminalRenderer(&s.buf, s.cfg.Env)
	t.SetColorProfile(s.cfg.Profile)
	t.SetTabStops(-1) // no hard-tab moves: we do not know the pty's tab settings
	t.SetMapNewline(s.cfg.MapNewline)
	t.SetScrollOptim(true)
	t.SaveCursor()
	t.SetFullscreen(true)
	t.SetRelativeCursor(false)
	t.SetGraphemeWidth(s.graphemeOn)
	t.Resize(width, height)
	t.Erase()
	return t
}

// Draw hands the newest frame over; it is written as soon as the drawing
// goroutine is free. It never blocks on the terminal.
func (s *Screen) Draw(frame string) {
	s.mu.Lock()
	// The same frame again (Bubble Tea asks for a view after every message,
	// the clock's included) is dropped here; the cell diff would find
	// nothing to write, but only after parsing the whole frame.
	if s.closed || (!s.pending && s.hasOne && s.taken == frame) {
		s.mu.Unlock()
		return
	}
	s.next, s.pending = frame, true
	s.mu.Unlock()
	s.signal()
}

// Resize tells the screen the terminal's new size; the next frame is drawn
// whole at it.
func (s *Screen) Resize(width, height int) {
	if width <= 0 || height <= 0 {
		return
	}
	width, height = Clamp(width, height)
	s.mu.Lock()
	s.width, s.height, s.resized = width, height, true
	s.mu.Unlock()
	s.signal()
}

// Write takes what Bubble Tea writes itself (a clipboard copy, a colour
// query) and hands it to the drawing goroutine, which writes it ahead of the
// next frame. The screen must be the terminal's only writer: an SSH
// channel's writers share one packet buffer, so two writes at once send
// each other's bytes, and a copy written between a frame's packets would
// land inside an escape sequence. It never blocks on the terminal; after
// Close it drops what it is given (the console has ended).
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	if !s.closed {
		s.raw = append(s.raw, p...)
	}
	s.mu.Unlock()
	s.signal()
	return len(p), nil
}

// Close writes any frame still waiting, leaves the alternate screen and
// restores the terminal's modes. It returns the first write error met.
// Every Close returns only once the terminal is given back (a server's
// cleanup may race the console's own), and with the same error.
func (s *Screen) Close() error {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	s.mu.Unlock()
	if first {
		s.restore()
	}
	<-s.gone
	return s.err
}

func (s *Screen) restore() {
	defer close(s.gone)
	s.signal()
	<-s.done
	if !s.left {
		s.leaveModes()
	}
	s.writeOut()
}

// enterModes asks the terminal for the alternate screen and the modes the
// console runs in (into buf).
func (s *Screen) enterModes() {
	cfg := s.cfg
	s.buf.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste)
	if cfg.Mouse {
		s.buf.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
	}
	if cfg.Title != "" {
		s.buf.WriteString(ansi.SetWindowTitle(cfg.Title))
	}
	// Keys as Bubble Tea's renderer asks for them: modifyOtherKeys, and the
	// kitty protocol's disambiguation, so esc, ctrl+i and tab are told apart.
	s.buf.WriteString(ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1))
}

// leaveModes gives the terminal back as it was before enterModes (into buf).
func (s *Screen) leaveModes() {
	s.term.MoveTo(0, s.cells.Height()-1)
	_ = s.term.Flush()
	s.buf.WriteString(ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1))
	if s.cfg.Mouse {
		s.buf.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
	}
	if s.cfg.Title != "" {
		s.buf.WriteString(ansi.SetWindowTitle(""))
	}
	if s.graphemeOn {
		s.buf.WriteString(ansi.ResetModeUnicodeCore)
	}
	s.buf.WriteString(ansi.ResetModeBracketedPaste + ansi.ResetModeAltScreenSaveCursor + ansi.SetModeTextCursorEnable)
}

// signal wakes the drawing goroutine. The channel is never closed: a Draw
// or Resize racing Close would send on a closed channel.
func (s *Screen) signal() {
	select {
	case s.wake <- struct{}{}:
	default: // a wake is already waiting; it will take this frame too
	}
}

// loop draws until Close; each turn takes the newest frame and size, and
// the turn that finds the screen closed draws the last frame and ends.
func (s *Screen) loop() {
	defer close(s.done)
	for range s.wake {
		if closed := s.drawPending(); closed {
			return
		}
	}
}

func (s *Screen) drawPending() (closed bool) {
	s.mu.Lock()
	closed = s.closed
	if s.pending {
		s.taken, s.hasOne = s.next, true
	}
	frame, hasOne := s.taken, s.hasOne
	draw := s.pending || (s.resized && hasOne)
	width, height, resized := s.width, s.height, s.resized
	syncd, grapheme := s.syncd, s.grapheme
	s.buf.Write(s.raw) // in the frame's write, ahead of it
	s.next, s.pending, s.resized, s.raw = "", false, false, nil
	leave, enter, acked := s.leave, s.enter, s.acked
	s.leave, s.enter, s.acked = false, false, nil
	s.mu.Unlock()
	if acked != nil {
		defer close(acked)
	}
	switch {
	case leave && !s.left:
		s.leaveModes()
		s.left = true
	case enter && s.left:
		// Back from a suspend: the shell drew on the terminal meanwhile,
		// so everything is drawn again, whole.
		s.left = false
		s.enterModes()
		if s.graphemeOn {
			s.buf.WriteString(ansi.SetModeUnicodeCore)
		}
		resized, draw = true, hasOne
	}
	if s.left {
		s.writeOut() // what Bubble Tea wrote; no frame while suspended
		return closed
	}

	if grapheme && !s.graphemeOn {
		// Measured by cluster from now on, by the terminal and the cells:
		// every width may change, so the frame is drawn whole.
		s.graphemeOn, resized, draw = true, true, draw || hasOne
		s.buf.WriteString(ansi.SetModeUnicodeCore)
		s.cells.Method = ansi.GraphemeWidth
		s.term.SetGraphemeWidth(true)
	}

	if resized {
		s.term.Resize(width, height)
		s.term.Erase() // the terminal rewrapped what it showed: paint it all
		s.cells.Resize(width, height)
		s.cells.Touched = nil
	}
	if draw {
		s.render(frame, resized, syncd, width, height)
	}
	s.writeOut()
	return closed
}

// render puts frame into cells and their diff into buf. A frame the parser
// or the renderer panics on is dropped, and the next is painted whole: this
// goroutine is out of reach of Bubble Tea's recovery, and a panic here
// would end the process — on the SSH desk, every operator's console (R35).
func (s *Screen) render(frame string, whole, syncd bool, width, height int) {
	mark := s.buf.Len() // what Bubble Tea wrote still goes out
	defer func() {
		if recover() != nil {
			s.buf.Truncate(mark)
			s.term = s.newRenderer(width, height)
			s.cells.Clear()
			s.shown = lines{}
		}
	}()
	next := splitLines(frame, s.spare, s.shown)
	if whole || !next.redraw(s.shown, s.cells) {
		s.cells.Clear()
		uv.NewStyledString(frame).Draw(s.cells, s.cells.Bounds())
	}
	s.spare, s.shown = s.shown, next
	if syncd {
		s.buf.WriteString(ansi.SetModeSynchronizedOutput)
	}
	s.term.Render(s.cells.RenderBuffer)
	_ = s.term.Flush()
	if syncd {
		s.buf.WriteString(ansi.ResetModeSynchronizedOutput)
	}
}

// writeOut writes what the renderer buffered in one write, so a frame
// reaches the terminal whole.
func (s *Screen) writeOut() {
	if s.buf.Len() == 0 {
		return
	}
	if _, err := s.out.Write(s.buf.Bytes()); err != nil && s.err == nil {
		s.err = err
	}
	s.buf.Reset()
}
