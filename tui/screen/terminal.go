package screen

import (
	"errors"
	"os"

	"github.com/charmbracelet/x/term"
)

// Local is the process's own terminal, in raw mode from OpenLocal to
// Restore: Bubble Tea sets raw mode only for its own renderer.
type Local struct {
	in, out *os.File
	was     *term.State
	stop    func()
}

// ErrNotATerminal: the console was started without a terminal on both ends.
var ErrNotATerminal = errors.New("standard input and output are not both a terminal")

// OpenLocal puts in into raw mode (keys arrive one by one, unechoed) and
// reads out's size.
func OpenLocal(in, out *os.File) (*Local, error) {
	if !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return nil, ErrNotATerminal
	}
	was, err := term.MakeRaw(in.Fd())
	if err != nil {
		return nil, err
	}
	return &Local{in: in, out: out, was: was, stop: func() {}}, nil
}

// Size is the terminal's size now (80x24 if it cannot be read).
func (l *Local) Size() (width, height int) {
	w, h, err := term.GetSize(l.out.Fd())
	if err != nil || w <= 0 || h <= 0 {
		return 80, 24
	}
	return w, h
}

// OnResize calls resized with the new size each time the terminal changes
// size, until Restore.
func (l *Local) OnResize(resized func(width, height int)) {
	l.stop = watchResize(func() { resized(l.Size()) })
}

// Restore stops watching the size and puts the terminal back as it was.
func (l *Local) Restore() error {
	l.stop()
	return term.Restore(l.in.Fd(), l.was)
}

// Cooked gives the terminal its modes from before OpenLocal (a suspend:
// the shell reads lines again); Raw takes raw mode again after it.
func (l *Local) Cooked() error { return term.Restore(l.in.Fd(), l.was) }

// Raw puts the terminal in raw mode again after Cooked.
func (l *Local) Raw() error {
	_, err := term.MakeRaw(l.in.Fd())
	return err
}
