package cli

import (
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// lockoutJSON is one locked account (R11, R12): who, where, since when,
// until when, after how many failures.
type lockoutJSON struct {
	User      string    `json:"user"`
	Name      string    `json:"name"`
	Practice  string    `json:"practice"`
	LockedAt  time.Time `json:"locked_at"`
	UnlocksAt time.Time `json:"unlocks_at"`
	Failures  int       `json:"failures"`
}

func (a *app) lockoutsCmd() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "lockouts",
		Short: "List locked accounts, the soonest to unlock by itself first",
		Long: `List locked accounts, the soonest to unlock by itself first (R11, R12).
Locks whose time is up are lifted first, as the system would.`,
		Example: `  latchkey lockouts --db demo.db
  latchkey lockouts --db demo.db --json | jq -r '.[0].user'`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit < 0 {
				return usagef("--limit must be 0 (all) or more, not %d", limit)
			}
			svc := a.svc
			if _, err := svc.Sweep(); err != nil {
				return err
			}
			locks, err := svc.Lockouts(limit)
			if err != nil {
				return err
			}
			return a.printLockouts(svc.Now(), locks)
		}),
	}
	cmd.Flags().IntVar(&limit, "limit", 0, "show at most `N` (default all)")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printLockouts(now time.Time, locks []accounts.Lockout) error {
	if a.json {
		out := make([]lockoutJSON, 0, len(locks))
		for _, l := range locks {
			out = append(out, lockoutJSON{User: l.Login, Name: l.Name, Practice: l.Practice,
				LockedAt: l.LockedAt, UnlocksAt: l.UnlocksAt, Failures: l.Failures})
		}
		return writeJSON(a.io.Out, out)
	}
	if len(locks) == 0 {
		printf(a.io.Out, "No locked accounts.\n")
		return nil
	}
	t := newTable(a.io.Out, "USER", "NAME", "PRACTICE", "LOCKED AT", "UNLOCKS IN", "FAILURES")
	for _, l := range locks {
		t.row(l.Login, l.Name, l.Practice, humanTime(l.LockedAt), humanLeft(l.UnlocksAt.Sub(now)), itoa(l.Failures))
	}
	return t.flush()
}
