package tui

import (
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
	"latchkey/tui/screen"
)

// ctrl+z suspends the local console as a shell expects: the terminal is
// given back as it was (normal screen, cooked mode), the process stops, and
// `fg` brings the console back drawn whole, where it was, a form as typed.
// A console served over SSH is never suspended: the process is the desk
// server, and stopping it would stop every operator's console; there ctrl+z
// says so and does nothing.

// suspender gives the terminal back before the process stops and takes it
// again after.
type suspender interface {
	Leave() error
	Back() (width, height int, err error) // the size now (0: unknown)
}

// localSuspend is the on-demand screen's (package screen) suspend: the
// screen leaves the alternate screen and the terminal goes back to cooked
// mode; Bubble Tea then stops its input and the process (tea.Suspend).
type localSuspend struct {
	local *screen.Local
	scr   *screen.Screen
}

func (l localSuspend) Leave() error {
	l.scr.Leave()
	return l.local.Cooked()
}

func (l localSuspend) Back() (int, int, error) {
	if err := l.local.Raw(); err != nil {
		return 0, 0, err
	}
	w, h := l.local.Size() // it may have been resized while stopped
	l.scr.Resize(w, h)
	l.scr.Enter()
	return w, h, nil
}

// tickerSuspend is for Bubble Tea's own renderer ($LATCHKEY_FPS): it gives
// the terminal back and takes it again itself.
type tickerSuspend struct{}

func (tickerSuspend) Leave() error            { return nil }
func (tickerSuspend) Back() (int, int, error) { return 0, 0, nil }

// leftMsg: the terminal was given back (or could not be).
type leftMsg struct{ Err error }

// backMsg: the console has its terminal again, at this size.
type backMsg struct {
	Width, Height int
	Err           error
}

// suspend answers ctrl+z.
func (m *App) suspend() tea.Cmd {
	sp := m.suspender
	switch {
	case m.c.Remote:
		m.setFlash("ctrl+z does not suspend a console served over SSH: that would stop the desk server for every operator. "+
			"q quits; connect again to carry on", true)
		return nil
	case sp == nil:
		m.setFlash("ctrl+z: this console cannot be suspended here", true)
		return nil
	}
	return common.Cmd(func() tea.Msg { return leftMsg{Err: sp.Leave()} })
}

func (m *App) onLeft(msg leftMsg) tea.Cmd {
	if msg.Err != nil {
		m.setFlash("could not suspend: "+common.Sanitize(msg.Err.Error()), true)
		return m.resumed() // take the terminal again, whatever was given back
	}
	return tea.Suspend
}

// resumed takes the terminal again after a suspend (tea.ResumeMsg).
func (m *App) resumed() tea.Cmd {
	sp := m.suspender
	if sp == nil {
		return nil
	}
	return common.Cmd(func() tea.Msg {
		w, h, err := sp.Back()
		return backMsg{Width: w, Height: h, Err: err}
	})
}

func (m *App) onBack(msg backMsg) tea.Cmd {
	if msg.Err != nil {
		m.setFlash("could not take the terminal back: "+common.Sanitize(msg.Err.Error()), true)
	}
	cmds := []tea.Cmd{m.refresh()} // what changed while it was stopped
	if msg.Width > 0 && msg.Height > 0 {
		size := tea.WindowSizeMsg{Width: msg.Width, Height: msg.Height}
		cmds = append(cmds, func() tea.Msg { return size })
	}
	return tea.Batch(cmds...)
}
