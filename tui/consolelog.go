package tui

import (
	"errors"
	"os"
	"path/filepath"

	"charm.land/log/v2"
)

// openConsoleLog opens the local console's log, where a caught panic's value
// and stack go instead of the screen: console.log in $XDG_STATE_HOME/latchkey,
// else ~/.local/state/latchkey, a directory and a file only the operator can
// read (a stack may name what they were doing). It returns the logger, its
// path as the operator reads it, and its close.
func openConsoleLog() (*log.Logger, string, func() error, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, "", nil, err
		}
		if home == "" {
			return nil, "", nil, errors.New("no home directory for the console's log")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "latchkey")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", nil, err
	}
	path := filepath.Join(dir, "console.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, "", nil, err
	}
	l := log.NewWithOptions(f, log.Options{ReportTimestamp: true, Prefix: "latchkey console"})
	return l, path, f.Close, nil
}
