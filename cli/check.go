package cli

import (
	"github.com/spf13/cobra"

	"latchkey/store"
)

func (a *app) checkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the database, its audit chain and its running totals",
		Long: `Verify the database (R36, R44): a bbolt file page by page with bbolt's own
check, or a PostgreSQL database's table layout; then the audit trail's hash
chain (R29); then the running totals and every practice's licenses in use,
recomputed from the records (R1). Exits 0 when healthy, else 1 with the first
problem. A database that cannot be opened at all (truncated, corrupt, not a
Latchkey database, in use, a server that does not answer) fails with a
message naming it. Writers wait while it runs.`,
		Example: `  latchkey check --db demo.db && echo healthy
  latchkey check --db postgres://desk@db.internal:5432/latchkey`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			svc := a.svc
			if err := svc.Check(); err != nil {
				return err
			}
			n, err := svc.AuditCount()
			if err != nil {
				return err
			}
			path := svc.Where()
			what := "every page checked"
			if svc.Engine() == store.Postgres {
				what = "tables checked"
			}
			return a.emit(map[string]any{"ok": true, "db": path, "engine": svc.Engine(), "events": n}, func() {
				printf(a.io.Out, "OK: %s: %s, audit chain of %d events intact, totals match the records.\n", path, what, n)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}
