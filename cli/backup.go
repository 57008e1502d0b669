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

bbolt lets only one process hold a database file. When a console or a
simulator holds it, this command asks that process (over an owner-only socket
beside the file) to write the copy from one read transaction, so backups work
while the desk is in use.

On PostgreSQL (R44) the copy is a new bbolt file holding every record and the
audit chain, from one snapshot, its chain verified once written; it opens anywhere with
--db OUT. For the server's own backups and point-in-time recovery use
pg_dump or the operations team's usual tools: the tables are latchkey_kv,
latchkey_seq and latchkey_schema.`,
		Example: `  latchkey backup --db demo.db demo-$(date +%F).db
  latchkey backup --db postgres://desk@db.internal/latchkey desk-$(date +%F).db`,
		Args: args("OUT"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, by := a.svc, "this process"
			if a.host != nil {
				by = "the running latchkey" // the open desk ran this for us
			}
			path, out := svc.Where(), a.localPath(args[0])
			n, err := svc.BackupFile(out)
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "db": path, "out": args[0], "bytes": n, "written_by": by}, func() {
				printf(a.io.Out, "Backed up %s to %s (%d bytes, written by %s).\n", path, args[0], n, by)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}
