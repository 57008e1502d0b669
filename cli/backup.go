package cli

import (
	"github.com/spf13/cobra"
)

func (a *app) backupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup OUT",
		Short: "Write a consistent copy of the database to a new file OUT",
		Long: `Write a consistent copy of the database (one committed state) to OUT, a new
file readable by its owner only (R36). OUT must not exist.

bbolt lets only one process hold a database file, so this command backs up a
file that no console (or other latchkey) has open; while a console holds the
file it fails within a second saying the file is in use.`,
		Example: `  latchkey backup --db demo.db demo-$(date +%F).db`,
		Args:    args("OUT"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, err := a.openExisting()
			if err != nil {
				return err
			}
			defer svc.Close()
			n, err := svc.DB().BackupFile(args[0])
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, map[string]any{"ok": true, "db": svc.DB().Path(), "out": args[0], "bytes": n})
			}
			printf(a.io.Out, "Backed up %s to %s (%d bytes).\n", svc.DB().Path(), args[0], n)
			return nil
		}),
	}
	a.addJSON(cmd)
	return cmd
}
