package cli

import (
	"time"

	"github.com/spf13/cobra"
)

func (a *app) clockCmd() *cobra.Command {
	cmd := groupCmd("clock", "A demo database's own clock")
	advance := &cobra.Command{
		Use:   "advance DURATION",
		Short: "Move a demo database's clock forward (demo databases only)",
		Long: `Move a demo database's own clock forward by DURATION (R39), so code expiry
and auto-unlock can be shown without waiting: locks whose time has come lift
at once, recorded as system events. DURATION is Go's form: 5m, 1h, 90m, 2h30m.
A database that is not a demo keeps the wall clock and refuses (exit 2).`,
		Example: `  latchkey clock advance 1h --db demo.db`,
		Args:    args("DURATION"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			d, err := time.ParseDuration(args[0])
			if err != nil {
				return usagef("DURATION %q is not a duration such as 5m, 1h or 2h30m", args[0])
			}
			actor := a.actor
			svc := a.svc
			now, err := svc.AdvanceClock(actor, d)
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "now": now, "offset": svc.ClockOffset().String()}, func() {
				printf(a.io.Out, "Demo clock now %s (%s ahead of the wall clock).\n", humanTime(now), svc.ClockOffset().String())
			})
		}),
	}
	a.addJSON(advance)
	cmd.AddCommand(advance)
	return cmd
}
