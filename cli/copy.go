package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/store"
)

func (a *app) copyCmd() *cobra.Command {
	var from, to string
	var replace bool
	cmd := &cobra.Command{
		Use:   "copy --from DB --to DB",
		Short: "Copy a whole database between engines (a bbolt file and PostgreSQL)",
		Long: `Copy a whole Latchkey database, with its audit chain, from one database to
another (R44): a bbolt file to a PostgreSQL database to move a desk onto a
server, a PostgreSQL database to a bbolt file to take it back or away. Each
--from and --to is a file path or a postgres:// URL.

The source is read from one committed state; the target must be empty (a new
file, or a database or schema no Latchkey has written to) unless --replace.
At the end the target is checked as "latchkey check" would: the audit chain,
and the running totals against the records. A copy that fails leaves nothing
behind. Authenticator secrets stay sealed: open the copy with the same key
file (--key-file) as the source.`,
		Example: `  latchkey copy --from desk.db --to postgres://desk@db.internal:5432/latchkey
  latchkey copy --from postgres://desk@db.internal/latchkey --to desk-copy.db
  latchkey check --db desk-copy.db`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			for _, v := range []string{from, to} {
				if store.KindOf(v) == "" {
					return fmt.Errorf("%s is neither a file path nor a postgres:// URL (R44)", store.Redact(v))
				}
			}
			start := time.Now()
			opts := accounts.CopyOptions{Replace: replace}
			if isTerminal(a.io.Err) {
				opts.Progress = progressBar(a.io.Err, "copying")
			}
			res, err := accounts.CopyDatabase(a.localPath(from), a.localPath(to), opts)
			if opts.Progress != nil {
				fmt.Fprint(a.io.Err, "\r\033[K")
			}
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "from": res.From, "to": res.To, "records": res.Records, "events": res.Events}, func() {
				printf(a.io.Out, "Copied %s to %s in %s: %s, audit chain of %s verified, totals match.\n",
					res.From, res.To, time.Since(start).Round(time.Millisecond), plural.Count(res.Records, "record"), plural.Count(res.Events, "event"))
			})
		}),
	}
	cmd.Flags().StringVar(&from, "from", "", "the database to copy (`FILE` or postgres:// URL)")
	cmd.Flags().StringVar(&to, "to", "", "the database to copy into (`FILE` or postgres:// URL)")
	cmd.Flags().BoolVar(&replace, "replace", false, "overwrite a target that already holds data")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	a.addJSON(cmd)
	return cmd
}

// progressBar redraws one line with a bar, at most ten times a second.
func progressBar(w io.Writer, what string) func(done, total int) {
	var last time.Time
	return func(done, total int) {
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		frac := 1.0
		if total > 0 {
			frac = float64(done) / float64(total)
		}
		const width = 30
		fill := int(frac * width)
		fmt.Fprintf(w, "\r\033[K%s [%s%s] %3d%% %d/%d records", what,
			strings.Repeat("#", fill), strings.Repeat("-", width-fill), int(frac*100), done, total)
	}
}
