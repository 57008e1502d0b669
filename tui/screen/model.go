package screen

import (
	"os"
	"strconv"

	tea "charm.land/bubbletea/v2"
)

// TickerFPS reads $LATCHKEY_FPS: when it is set, a console runs Bubble
// Tea's own renderer on its ticker at that many frames a second instead of
// a Screen — to measure against (issue 14 items 2 and 8), or for a
// terminal the on-demand screen does not suit.
func TickerFPS() (fps int, set bool) {
	if v, err := strconv.Atoi(os.Getenv("LATCHKEY_FPS")); err == nil && v > 0 {
		return v, true
	}
	return 0, false
}

// NewProgram opens a Screen on cfg's terminal and a program that draws m
// on it. The caller runs the program, then closes the screen.
func NewProgram(m tea.Model, cfg Config, opts ...tea.ProgramOption) (*tea.Program, *Screen) {
	s := Open(cfg)
	// Bubble Tea's own output goes through the screen (see Screen.Write),
	// whatever output opts gave it; its profile is the screen's, not one
	// it would detect on that writer.
	opts = append(append(ProgramOptions(), opts...), tea.WithWindowSize(s.width, s.height),
		tea.WithOutput(s), tea.WithColorProfile(cfg.Profile))
	return tea.NewProgram(Model(m, s), opts...), s
}

// ProgramOptions are the Bubble Tea options a program drawn by a Screen
// needs: no renderer of its own, and its ticker slowed to 4 a second. The
// ticker cannot be stopped; with no renderer it only writes what Bubble Tea
// queued itself (a background-colour query, a clipboard copy), so a copy
// reaches the terminal within a quarter of a second, and the idle console
// wakes 4 times a second instead of 120.
func ProgramOptions() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithoutRenderer(), tea.WithFPS(4)}
}

// Model wraps a console's root model so that every view it returns is drawn
// on s, and every new terminal size reaches s before the model redraws.
func Model(m tea.Model, s *Screen) tea.Model { return drawn{m, s} }

type drawn struct {
	tea.Model
	s *Screen
}

func (d drawn) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// Bubble Tea recovers a panic in Update and prints it with its stack;
	// the terminal is given back first, or they would be printed on the
	// alternate screen and vanish when Close leaves it.
	defer func() {
		if r := recover(); r != nil {
			_ = d.s.Close()
			panic(r)
		}
	}()
	if r, ok := msg.(tea.ModeReportMsg); ok {
		d.s.TerminalReports(r.Mode, r.Value)
	}
	if size, ok := msg.(tea.WindowSizeMsg); ok {
		size.Width, size.Height = Clamp(size.Width, size.Height)
		d.s.Resize(size.Width, size.Height)
		msg = size
	}
	m, cmd := d.Model.Update(msg)
	return drawn{m, d.s}, cmd
}

// View draws the model's view and gives Bubble Tea an empty one: with no
// renderer, Bubble Tea throws it away.
func (d drawn) View() tea.View {
	d.s.Draw(d.Model.View().Content)
	return tea.View{}
}
