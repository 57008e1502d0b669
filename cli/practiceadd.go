package cli

import (
	"github.com/spf13/cobra"

	"latchkey/internal/plural"
)

// practicesAddCmd onboards a practice: its name and purchased licenses. Its
// first user, added next with `users add` and no requester, must be an owner
// (R2: only an owner can ask for licenses).
func (a *app) practicesAddCmd() *cobra.Command {
	var licenses int
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Onboard a practice with its purchased licenses",
		Long: `Onboard a new practice with the number of user licenses it bought (R1).
Its first user is added next with "latchkey users add" and no --requested-by:
onboarding sets up the practice's owner (the financial decision maker, R2),
who then asks for everyone else (R3). On a --db file that does not exist yet,
the database is created (not a demo).`,
		Example: `  latchkey practices add "Riverside Family Medicine" --licenses 25 --db desk.db
  latchkey users add --practice "Riverside Family Medicine" --name "Dr Ana Ruiz" \
      --email ana.ruiz@riversidefm.example --email-confirm ana.ruiz@riversidefm.example \
      --kind provider --roles owner,admin --db desk.db`,
		Args: args("NAME"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if licenses < 0 {
				return usagef("--licenses cannot be negative")
			}
			actor := a.actor
			svc := a.svc
			p, err := svc.CreatePractice(actor, args[0], licenses)
			if err != nil {
				return err
			}
			return a.emit(toPracticeJSON(p), func() {
				printf(a.io.Out, "Onboarded %s (#%d) with %s. Add its owner next: latchkey users add --practice %d ... --roles owner\n",
					p.Name, p.ID, plural.Count(p.Purchased, "license"), p.ID)
			})
		}),
	}
	cmd.Flags().IntVar(&licenses, "licenses", 0, "user licenses purchased (`N`)")
	_ = cmd.MarkFlagRequired("licenses")
	a.addJSON(cmd)
	return cmd
}
