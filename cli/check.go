package cli

import (
	"github.com/spf13/cobra"
)

func (a *app) checkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the database file page by page and its audit chain",
		Long: `Verify the database file (R36): bbolt's own check of every page, then the
audit trail's hash chain (R29). Exits 0 when healthy, else 1 with the first
problem. A file that cannot be opened at all (truncated, corrupt, not a
Latchkey database, in use) fails with a message naming it.`,
		Example: `  latchkey check --db demo.db && echo healthy`,
		Args:    cobra.NoArgs,
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
			return a.emit(map[string]any{"ok": true, "db": path, "events": n}, func() {
				printf(a.io.Out, "OK: %s: every page checked, audit chain of %d events intact.\n", path, n)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}
