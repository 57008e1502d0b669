// Package tui is the operator's console: Bubble Tea v2 over accounts.Service.
package tui

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Options configure the console.
type Options struct {
	Operator string // the operator every action is recorded under (R35)
	// ReadOnly: the operator sees everything and changes nothing; the
	// service refuses their writes (R35).
	ReadOnly bool
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
	// ProgramOptions are passed to the Bubble Tea program (input and output
	// of an SSH session, for instance).
	ProgramOptions []tea.ProgramOption
}

// Run opens the console full-screen over svc until the operator quits.
func Run(svc *accounts.Service, opts Options) (err error) {
	if opts.Operator == "" {
		return errors.New("the console needs an operator name (R35)")
	}
	p := tea.NewProgram(New(svc, opts), append(frameRate(), opts.ProgramOptions...)...)
	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramPanic) {
		return fmt.Errorf("the console stopped after an internal error; the database is unchanged by it: %w", err)
	}
	return err
}

// FPS is the console's frame rate: at 120 frames a key's redraw waits at
// most about 8 ms for the next frame instead of 17, and an idle console
// draws nothing (Bubble Tea renders only a changed view). $LATCHKEY_FPS
// overrides it, for measuring (issue 14 item 8).
const FPS = 120

func frameRate() []tea.ProgramOption {
	fps := FPS
	if v, err := strconv.Atoi(os.Getenv("LATCHKEY_FPS")); err == nil && v > 0 {
		fps = v
	}
	return []tea.ProgramOption{tea.WithFPS(fps)}
}
