package cli

import (
	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/store"
)

func (a *app) checkCmd() *cobra.Command {
	var checkpoint string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the database, its audit chain and its running totals",
		Long: `Verify the database (R36, R44): a bbolt file page by page with bbolt's own
check, or a PostgreSQL database's table layout; then the audit trail's hash
chain (R29); then the running totals and every practice's licenses in use,
recomputed from the records (R1). Exits 0 when healthy, else 1 with the first
problem. With --checkpoint FILE (from "latchkey audit checkpoint") it also
proves the trail still extends that signed checkpoint, naming the first event
that differs or is missing. A database that cannot be opened at all (truncated, corrupt, not a
Latchkey database, in use, a server that does not answer) fails with a
message naming it. Writers wait while it runs. It also says whether this
machine's key file (--key-file) is the one the database's one-time codes,
TOTP secrets and unknown-login markers are keyed with (R37): a missing or other
key is a warning, not a failure, and no key file is made.`,
		Example: `  latchkey check --db demo.db && echo healthy
  latchkey check --db postgres://desk@db.internal:5432/latchkey`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			svc := a.svc
			// A progress bar on a terminal (R36: a million users take
			// seconds); nothing extra when the output is read by a program.
			var bar *checkBar
			var progress func(store.Progress)
			if !a.json && isTerminal(a.io.Out) && isTerminal(a.io.Err) {
				bar = newCheckBar(a.io.Err, termWidth(a.io.Err))
				progress = bar.update
			}
			err := svc.CheckProgress(progress)
			if bar != nil {
				bar.clear() // the answer is written where the bar was
			}
			if err != nil {
				return err
			}
			n, err := svc.AuditCount()
			if err != nil {
				return err
			}
			anchored := ""
			if checkpoint != "" {
				// R29: the trail still extends a signed checkpoint.
				if anchored, err = a.verifyCheckpointFile(checkpoint); err != nil {
					return err
				}
				anchored = "; " + anchored
			}
			path := svc.Where()
			what := "every page checked"
			if svc.Engine() == store.Postgres {
				what = "tables checked"
			}
			// R37: whether this machine holds the database's key file. The
			// database is sound either way, so this informs, never fails.
			key, err := svc.KeyStatus()
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "db": path, "engine": svc.Engine(), "events": n, "checkpoint": checkpoint, "key": key}, func() {
				printf(a.io.Out, "OK: %s: %s, audit chain of %s intact%s, totals and every user's listing of their events match the records.\n", path, what, plural.Count(n, "event"), anchored)
				printf(a.io.Out, "%s\n", keyLine(key))
			})
		}),
	}
	cmd.Flags().StringVar(&checkpoint, "checkpoint", "", "also prove the audit trail extends the signed checkpoint in `FILE` (R29)")
	a.addJSON(cmd)
	return cmd
}

// keyLine says in one line whether this machine can use the database's
// one-time codes and TOTP secrets, and mark unknown logins (R37, R29).
func keyLine(k accounts.KeyStatus) string {
	switch {
	case !k.OK:
		return "Warning: one-time codes and app logins are refused on this machine: " + k.Problem +
			" (failed logins are still audited here, an unknown login's marker withheld; \"Forgot your password?\" sends no email here)"
	case k.Recorded == "":
		return "Key file " + k.File + ": nothing is keyed with it yet (made at the first one-time code, TOTP secret or unknown-login marker, R37)."
	}
	return "Key file " + k.File + ": key " + k.KeyID + ", the one the database's codes, TOTP secrets and unknown-login markers are keyed with (R37)."
}
