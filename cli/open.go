package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"latchkey/accounts"
	"latchkey/store"
)

// The clock and configuration every command opens a database with. Tests
// swap in a fake clock and cheap password hashes; nothing else touches them.
var (
	clock     accounts.Clock = accounts.SystemClock{}
	newConfig                = accounts.DefaultConfig
)

// config is the configuration every database is opened with: the hook's,
// with --key-file when given (R37: TOTP secrets and one-time codes). Without it, accounts falls back to
// $LATCHKEY_KEY_FILE, else the default beside the user's config.
func (a *app) config() accounts.Config {
	cfg := newConfig()
	if a.keyFile != "" {
		cfg.KeyFile = a.keyFile
	}
	// On stderr, so that --json output stays JSON; said before the console
	// takes the screen, which stays blank until the file is ready.
	cfg.Preparing = func(what string) { fmt.Fprintf(a.io.Err, "latchkey: preparing the database: %s…\n", what) }
	return cfg
}

// defaultDBPath is the demo database the desk opens without --db (R34):
// $XDG_DATA_HOME/latchkey/demo.db, else ~/.local/share/latchkey/demo.db.
func defaultDBPath() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(x) { // the XDG spec ignores relative values
		return filepath.Join(x, "latchkey", "demo.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the default database (no home directory): %w; use --db FILE", err)
	}
	return filepath.Join(home, ".local", "share", "latchkey", "demo.db"), nil
}

// dbPath is --db, else $LATCHKEY_DB, else the default demo database: a
// file path or a postgres:// URL (R44). Anything else is refused here,
// before any file is looked for or created.
func (a *app) dbPath() (string, error) {
	target := a.db
	if target == "" {
		target = os.Getenv("LATCHKEY_DB")
	}
	if target == "" {
		return defaultDBPath()
	}
	if store.KindOf(target) == "" {
		return "", fmt.Errorf("--db %s is neither a file path nor a postgres:// URL (R44): give a path such as desk.db or a URL such as postgres://user@host:5432/latchkey", store.Redact(target))
	}
	return target, nil
}

// shared reports whether target is a database server rather than a file.
func shared(target string) bool { return store.KindOf(target) == store.Postgres }

// openExisting opens the database for a subcommand. Unlike the desk, a
// subcommand never creates a file: a mistyped --db must not leave an empty
// database behind and report that it holds nothing.
func (a *app) openExisting() (*accounts.Service, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if shared(path) {
		return accounts.Open(path, clock, a.config())
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		hint := "make one with `latchkey demo --db " + path + "`"
		if a.db == "" {
			hint = "run `latchkey` once to create the demo database, or pass --db FILE"
		}
		return nil, fmt.Errorf("database %s does not exist: %s", path, hint)
	}
	return accounts.Open(path, clock, a.config())
}

// operatorName is who the actions are recorded under (R35): --operator, else
// $LATCHKEY_OPERATOR, else the OS login name.
func (a *app) operatorName() (string, error) {
	name, _, err := a.operatorAndSource()
	return name, err
}

// operatorAndSource is the operator's name and, when --operator did not give
// it, where it came from ("$LATCHKEY_OPERATOR", "your login name"): the
// console's header says so.
func (a *app) operatorAndSource() (string, string, error) {
	name, from := strings.TrimSpace(a.operator), ""
	if name == "" {
		name, from = strings.TrimSpace(os.Getenv("LATCHKEY_OPERATOR")), "$LATCHKEY_OPERATOR"
	}
	if name == "" {
		if u, err := user.Current(); err == nil {
			name, from = strings.TrimSpace(u.Username), "your login name"
		}
	}
	name, err := checkOperator(name)
	return name, from, err
}

func checkOperator(name string) (string, error) {
	if name == "" {
		return "", errors.New("no operator name: pass --operator NAME or set LATCHKEY_OPERATOR")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return "", usagef("operator name %q contains control characters", name)
		}
	}
	return name, nil
}

// operator is the acting operator (R35).
func (a *app) operatorActor() (accounts.Actor, error) {
	name, err := a.operatorName()
	if err != nil {
		return accounts.Actor{}, err
	}
	if a.readOnly {
		return accounts.ReadOnlyOperator(name), nil
	}
	return accounts.Operator(name), nil
}
