// Package tui is the operator's console: Bubble Tea v2 over accounts.Service.
package tui

import (
	"errors"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/screen"
)

// Options configure the console.
type Options struct {
	Operator string // the operator every action is recorded under (R35)
	// ReadOnly: the operator sees everything and changes nothing; the
	// service refuses their writes (R35).
	ReadOnly bool
	// Seat is the local operator's OS account and machine, which they do
	// not type (accounts.Actor.Seat, R42); "" over SSH and on a demo.
	Seat string
	// Remote: the console is served over SSH; files it writes are on the
	// desk server, and it says so.
	Remote bool
	// OperatorFrom says where the operator's name came from when the
	// command line did not give it ("your login name"); the header says so.
	OperatorFrom string
	// Start is the tab in front when the console opens (default Practices).
	Start common.PaneID
	// Location is the zone times are drawn in (default the local zone).
	Location *time.Location
	// CredentialsDir is where the credentials documents of portal resets
	// are written (R28); "" means $XDG_DATA_HOME/latchkey/credentials, else
	// ~/.local/share/latchkey/credentials.
	CredentialsDir string
	// Simulator, if set, is started and stopped with ctrl+s (R40).
	Simulator common.Simulator
	// Log is where a panic caught in the console (its value and stack) is
	// written, never on the screen; LogWhere says where, for the operator.
	// Run logs to console.log in the state directory when Log is nil.
	Log      common.Logger
	LogWhere string
	// ProgramOptions are passed to the Bubble Tea program (input and output
	// of an SSH session, for instance).
	ProgramOptions []tea.ProgramOption
}

// Run opens the console full-screen over svc until the operator quits.
func Run(svc *accounts.Service, opts Options) (err error) {
	if opts.Operator == "" {
		return errors.New("the console needs an operator name (R35)")
	}
	if opts.Log == nil {
		if l, where, closeLog, lerr := openConsoleLog(); lerr == nil {
			defer func() { _ = closeLog() }()
			opts.Log, opts.LogWhere = l, where
		}
	}
	model := New(svc, opts)
	model.suspender = tickerSuspend{}
	var p *tea.Program
	// Frames are drawn the moment they change (package screen), unless
	// $LATCHKEY_FPS asks for Bubble Tea's ticker, or the caller brings its
	// own input and output.
	if fps, ticker := screen.TickerFPS(); ticker || len(opts.ProgramOptions) > 0 {
		if !ticker {
			fps = 120
		}
		p = tea.NewProgram(model, append([]tea.ProgramOption{tea.WithFPS(fps)}, opts.ProgramOptions...)...)
	} else {
		local, terr := screen.OpenLocal(os.Stdin, os.Stdout)
		if terr != nil {
			return fmt.Errorf("the console needs a terminal: %w", terr)
		}
		defer func() { _ = local.Restore() }()
		w, h := local.Size()
		var scr *screen.Screen
		p, scr = screen.NewProgram(model, screen.Config{
			Out: os.Stdout, Env: os.Environ(), Profile: colorprofile.Detect(os.Stdout, os.Environ()),
			Width: w, Height: h, Title: Title, Mouse: true, QueryModes: screen.QueryModes(os.Environ()),
		})
		defer func() {
			if cerr := scr.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("the console could not write to the terminal: %w", cerr)
			}
		}()
		local.OnResize(func(w, h int) { p.Send(tea.WindowSizeMsg{Width: w, Height: h}) })
		model.suspender = localSuspend{local: local, scr: scr}
	}
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramPanic) {
		return fmt.Errorf("the console stopped after an internal error; the database is unchanged by it: %w", err)
	}
	return err
}
