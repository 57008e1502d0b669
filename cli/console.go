package cli

import (
	"time"

	"errors"
	"fmt"
	"io/fs"
	"latchkey/sim"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/store"
	"latchkey/tui"
)

// runTUI opens the console; a variable so tests can stand in for a terminal.
var runTUI = tui.Run

// runConsole opens the desk (R34): on --db FILE (a missing FILE starts as an
// empty database that is not a demo), else on the default demo database,
// created and seeded on first run.
func (a *app) runConsole(_ *cobra.Command, _ []string) error {
	op, from, err := a.operatorAndSource()
	if err != nil {
		return err
	}
	svc, err := a.openForConsole()
	if errors.Is(err, store.ErrInUse) && a.deskAnswers() {
		return fmt.Errorf("%w; it is open in another latchkey of yours: subcommands run through it, "+
			"and a second console connects to a `latchkey serve` of the file over SSH", err)
	}
	if err != nil {
		return err
	}
	defer svc.Close()
	if stop, err := a.listenLocal(svc); err == nil {
		defer stop() // every subcommand works while the desk is open (R35, R36)
	}
	opts := tui.Options{Operator: op, OperatorFrom: from, ReadOnly: a.readOnly, Seat: seated(accounts.Actor{}, svc).Seat}
	if svc.IsDemo() {
		// S in the console runs the practices' simulated users (R40): ten
		// actions a second, the demo clock an hour ahead every real minute,
		// so new lockouts appear and lift while you watch.
		bg := sim.NewBackground(sim.New(svc, sim.Options{Seed: time.Now().UnixNano()}),
			sim.RunOptions{Rate: 10, Speed: 60, QuickFinish: true})
		defer bg.Stop()
		opts.Simulator = bg
	}
	return runTUI(svc, opts)
}

func (a *app) openForConsole() (*accounts.Service, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if a.db != "" || os.Getenv("LATCHKEY_DB") != "" {
		return accounts.Open(path, clock, a.config())
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// The directory holds a database of account records: owner only (R36).
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the demo database's directory: %w", err)
		}
		fmt.Fprintf(a.io.Err, "First run: creating the demo database %s\n", path)
		return a.createDemo(path, 0, defaultSeed)
	}
	return accounts.Open(path, clock, a.config())
}
