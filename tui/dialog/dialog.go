// Package dialog is the console's one stack of overlays: action forms (Huh),
// confirms that open on No, alerts, the enrolment QR and the credentials
// document. Only the dialog on top gets keys; when it closes, the one below
// it gets the focus back as it was (a form reopens with what was typed).
package dialog

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// Dialog is one overlay on the stack.
type Dialog interface {
	help.KeyMap
	// ID names the dialog, so a late answer finds the one it belongs to.
	ID() string
	Init() tea.Cmd
	// Update handles a message while the dialog is on top.
	Update(msg tea.Msg) tea.Cmd
	// View draws the dialog within w×h cells.
	View(w, h int) string
	SetSize(w, h int)
	// Whole reports whether the dialog takes the body's place (forms,
	// documents) rather than floating in a box over it.
	Whole() bool
	// Closed reports whether the dialog is done and leaves the stack.
	Closed() bool
}

// Focuser is a dialog told when it is on top again.
type Focuser interface{ Focus() tea.Cmd }

// Clicker is a dialog that answers a mouse click at (x, y), relative to its
// own top-left corner.
type Clicker interface{ Click(x, y int) tea.Cmd }

// OpenMsg asks the root to push a dialog.
type OpenMsg struct{ Dialog Dialog }

// CloseMsg asks the root to close the dialog with an ID, wherever it is.
type CloseMsg struct{ ID string }

// Open is a command that pushes d.
func Open(d Dialog) tea.Cmd { return func() tea.Msg { return OpenMsg{Dialog: d} } }

// Close is a command that closes the dialog with id.
func Close(id string) tea.Cmd { return func() tea.Msg { return CloseMsg{ID: id} } }

// Stack holds the open dialogs, the top one last.
type Stack struct{ ds []Dialog }

// Len is the number of open dialogs.
func (s *Stack) Len() int { return len(s.ds) }

// Top is the dialog on top, or nil.
func (s *Stack) Top() Dialog {
	if len(s.ds) == 0 {
		return nil
	}
	return s.ds[len(s.ds)-1]
}

// Has reports whether a dialog with id is open.
func (s *Stack) Has(id string) bool {
	for _, d := range s.ds {
		if d.ID() == id {
			return true
		}
	}
	return false
}

// Find returns the open dialog with id, or nil.
func (s *Stack) Find(id string) Dialog {
	for _, d := range s.ds {
		if d.ID() == id {
			return d
		}
	}
	return nil
}

// Push opens d on top.
func (s *Stack) Push(d Dialog) tea.Cmd {
	s.ds = append(s.ds, d)
	return d.Init()
}

// Update gives msg to the top dialog and drops it once it closed.
func (s *Stack) Update(msg tea.Msg) tea.Cmd {
	top := s.Top()
	if top == nil {
		return nil
	}
	cmd := top.Update(msg)
	return tea.Batch(cmd, s.prune())
}

// Close removes the dialog with id, wherever it is.
func (s *Stack) Close(id string) tea.Cmd {
	top := s.Top()
	out := s.ds[:0]
	for _, d := range s.ds {
		if d.ID() != id {
			out = append(out, d)
		}
	}
	s.ds = out
	return s.refocus(top)
}

// prune drops closed dialogs off the top.
func (s *Stack) prune() tea.Cmd {
	top := s.Top()
	for len(s.ds) > 0 && s.Top().Closed() {
		s.ds = s.ds[:len(s.ds)-1]
	}
	return s.refocus(top)
}

// refocus tells the new top it has the focus again, if the top changed.
func (s *Stack) refocus(was Dialog) tea.Cmd {
	now := s.Top()
	if now == nil || now == was {
		return nil
	}
	if f, ok := now.(Focuser); ok {
		return f.Focus()
	}
	return nil
}

// SetSize gives every dialog the body's size.
func (s *Stack) SetSize(w, h int) {
	for _, d := range s.ds {
		d.SetSize(w, h)
	}
}

// Whole is the topmost dialog that takes the body's place, if any: it is
// drawn under the boxes above it.
func (s *Stack) Whole() Dialog {
	for i := len(s.ds) - 1; i >= 0; i-- {
		if s.ds[i].Whole() {
			return s.ds[i]
		}
	}
	return nil
}

// Boxes are the floating dialogs above the topmost whole one, bottom first.
func (s *Stack) Boxes() []Dialog {
	var out []Dialog
	for i := len(s.ds) - 1; i >= 0 && !s.ds[i].Whole(); i-- {
		out = append([]Dialog{s.ds[i]}, out...)
	}
	return out
}
