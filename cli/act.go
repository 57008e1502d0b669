package cli

import (
	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// actRefusal is why "act" works on demo databases only: operators never log
// in as a user (R40 acts as the practices' users in demos and tests; see the
// Operator actor in SPEC.md).
func actRefusal() error {
	return &accounts.RuleError{Rule: "R40",
		Msg:      "this database is not a demo: operators never log in as a user or see their password",
		Guidance: "act is for demo databases made by `latchkey demo`."}
}

func (a *app) actCmd() *cobra.Command {
	cmd := groupCmd("act", "Act as a practice user, as the simulator does (demo databases only)")
	cmd.Long = `Act as a practice user would, through the same account service (R40): for
demos and tests. Only on demo databases; anywhere else it is refused, because
operators never log in as a user.`
	cmd.AddCommand(a.actLoginCmd(), a.actPasswordCmd())
	return cmd
}

// loginJSON is the outcome of one login attempt.
type loginJSON struct {
	User    string `json:"user"`
	Outcome string `json:"outcome"` // "ok"
	Status  string `json:"status"`
}

func (a *app) actLoginCmd() *cobra.Command {
	var password string
	cmd := &cobra.Command{
		Use:   "login LOGIN",
		Short: "Make one login attempt as the user would (demo databases only)",
		Long: `Make one login attempt as the user would, with --password. Prints the
outcome: exit 0 when the login succeeds, 1 when the login or password is
wrong, 2 when a rule refuses it (R11: the account is locked; R14: inactive or
not yet verified). Failed attempts count towards the lock like any other.`,
		Example: `  latchkey act login maria.lopez@example.com --password wrong --db demo.db
  latchkey act login maria.lopez@example.com --db demo.db \
      --password "$(latchkey act password maria.lopez@example.com --db demo.db)"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, err := a.openExisting()
			if err != nil {
				return err
			}
			defer svc.Close()
			if !svc.IsDemo() {
				return actRefusal()
			}
			u, err := svc.Login(args[0], password)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, loginJSON{User: u.Login(), Outcome: "ok", Status: string(u.Status)})
			}
			printf(a.io.Out, "Login OK: %s\n", u.Login())
			return nil
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the password to try (`P`, required)")
	_ = cmd.MarkFlagRequired("password")
	a.addJSON(cmd)
	return cmd
}

func (a *app) actPasswordCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "password LOGIN",
		Short: "Print a seeded demo user's password alone on a line (demo databases only)",
		Long: `Print a seeded demo user's password alone on a line. Only seeded users of a
demo database have one that can be shown: it is derived from the demo's own
secret, never stored. Everywhere else passwords cannot be looked up (R15).`,
		Example: `  latchkey act password maria.lopez@example.com --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, err := a.openExisting()
			if err != nil {
				return err
			}
			defer svc.Close()
			if !svc.IsDemo() {
				return actRefusal()
			}
			pw, err := svc.DemoPassword(args[0])
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, map[string]string{"user": args[0], "password": pw})
			}
			printf(a.io.Out, "%s\n", pw)
			return nil
		}),
	}
	a.addJSON(cmd)
	return cmd
}
