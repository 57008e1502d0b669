package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
)

// defaultSeed makes `latchkey demo` without --seed the same database every time.
const defaultSeed = 1

func (a *app) demoCmd() *cobra.Command {
	var practices int
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build a fresh demo database (seeded practices, users, lockouts)",
		Long: `Build a fresh demo database: believable practices and people, a spread of roles
and statuses, some practices at license capacity and a dozen or so accounts
locked by real failed logins at different times. Each practice has a history
before the demo's clock: onboarded months or years ago, its people hired
since, their second factors enrolled weeks or months ago (a few in the last
7 days, so FACTOR CHANGED and four eyes can be shown), their last logins
mostly in the last days (on the record; the trail holds what was done at the
desk and the incidents, not every routine login before the demo's clock).
Everything is made through the account service, so the audit trail is real. The same --seed makes the same database. A demo database has its own clock (see "latchkey clock") and
its seeded users' passwords can be shown ("latchkey act password").

Refuses to overwrite an existing file. Without --db it builds the default
demo database the desk opens.`,
		Example: `  latchkey demo --db /tmp/demo.db --seed 7
  latchkey demo --db big.db --practices 10000`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			if practices < 0 {
				return usagef("--practices must be at least 1")
			}
			path, err := a.dbPath()
			if err != nil {
				return err
			}
			if shared(path) {
				// A database server: the demo goes into an empty database.
			} else if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				if err == nil {
					return fmt.Errorf("%s already exists: a demo is built in a new file (remove it or pick another --db)", path)
				}
				return err
			}
			if a.db == "" && !shared(path) {
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					return err
				}
			}
			start := time.Now()
			svc, err := a.createDemo(path, practices, seed)
			if err != nil {
				return err
			}
			defer svc.Close()
			st, err := svc.Stats()
			if err != nil {
				return err
			}
			return a.emit(demoJSON{DB: path, Seed: seed, Stats: st}, func() {
				printf(a.io.Out, "Built demo database %s in %s (seed %d)\n", path, time.Since(start).Round(time.Millisecond).String(), seed)
				printf(a.io.Out, "  %s, %s (%d active, %d pending, %d inactive), %d locked, %s at capacity\n",
					plural.Count(st.Practices, "practice"), plural.Count(st.Users, "user"), st.Active, st.Pending, st.Inactive, st.Locked, plural.Count(st.AtCap, "practice"))
				printf(a.io.Out, "Open it with: latchkey --db %s\n", path)
			})
		}),
	}
	cmd.Flags().IntVar(&practices, "practices", 0, "how many practices `N` (default 40)")
	cmd.Flags().Int64Var(&seed, "seed", defaultSeed, "seed `S`: the same seed builds the same database")
	a.addJSON(cmd)
	return cmd
}

type demoJSON struct {
	DB   string `json:"db"`
	Seed int64  `json:"seed"`
	accounts.Stats
}

// createDemo builds a demo database at path, showing progress when stderr is
// a terminal (a large demo takes a while).
func (a *app) createDemo(path string, practices int, seed int64) (*accounts.Service, error) {
	cfg := a.config()
	opts := accounts.DemoOptions{Practices: practices, Seed: seed, Clock: clock, Config: &cfg}
	var bar *demoBar
	if isTerminal(a.io.Err) {
		bar = newDemoBar(a.io.Err, termWidth(a.io.Err))
		opts.Progress = bar.update
	}
	svc, err := accounts.CreateDemo(path, opts)
	if bar != nil {
		bar.clear()
	}
	return svc, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
