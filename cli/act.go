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
	cmd.AddCommand(a.actLoginCmd(), a.actPasswordCmd(), a.actVerifyCmd(), a.actChangeEmailCmd(),
		a.actForgotCmd(), a.actResetCmd(), a.actChangePasswordCmd(),
		a.actPatientLoginCmd(), a.actPatientChangePasswordCmd(),
		a.actEnrollCmd(), a.actConfirmEnrollCmd(), a.actTOTPCmd(), a.actDisableMFACmd(),
		a.actApproveCmd(true), a.actApproveCmd(false))
	return cmd
}

// loginJSON is the outcome of one login attempt.
type loginJSON struct {
	User    string `json:"user"`
	Outcome string `json:"outcome"` // "ok", "code_needed" or "must_enroll"
	Status  string `json:"status"`
	Stage   string `json:"stage"`             // dashboard, code or enroll
	Method  string `json:"method,omitempty"`  // the second factor asked for
	SentTo  string `json:"sent_to,omitempty"` // where a code went, masked
}

func (a *app) actLoginCmd() *cobra.Command {
	var password, code string
	cmd := &cobra.Command{
		Use:   "login LOGIN",
		Short: "Make one login attempt as the user would (demo databases only)",
		Long: `Make one login attempt as the user would, with --password. Prints the
outcome: exit 0 when the login succeeds, 1 when the login or password is
wrong, 2 when a rule refuses it (R11: the account is locked; R14: inactive or
not yet verified; R23: a wrong second-factor code). Failed attempts count
towards the lock like any other.

A user with MFA gets a second step: without --code, an SMS or email code is
sent (read it with "latchkey outbox list --to ADDRESS"), or the app is asked
for ("latchkey act totp LOGIN" shows the code the app would show); run again
with --code. Where the practice requires MFA and the user has none, the login
stops at enrolment (R24).`,
		Example: `  latchkey act login maria.lopez@example.com --password wrong --db demo.db
  latchkey act login maria.lopez@example.com --db demo.db \
      --password "$(latchkey act password maria.lopez@example.com --db demo.db)"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if !svc.IsDemo() {
				return actRefusal()
			}
			r, err := svc.Authenticate(args[0], password, code)
			if err != nil {
				return err
			}
			out := loginJSON{User: r.User.Login(), Outcome: "ok", Status: string(r.User.Status), Stage: string(r.Stage),
				Method: string(r.Method), SentTo: r.SentTo}
			switch r.Stage {
			case accounts.StageCode:
				out.Outcome = "code_needed"
			case accounts.StageEnroll:
				out.Outcome = "must_enroll"
			}
			return a.emit(out, func() {
				switch r.Stage {
				case accounts.StageCode:
					printf(a.io.Out, "Password accepted for %s. %s (run again with --code).\n", r.User.Login(),
						(&accounts.NextStepError{Result: r}).Error())
				case accounts.StageEnroll:
					printf(a.io.Out, "Password accepted for %s, but the practice requires multi-factor authentication (R24):\nset it up before reaching the dashboard (latchkey act enroll).\n", r.User.Login())
				default:
					printf(a.io.Out, "Login OK: %s\n", r.User.Login())
				}
			})
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the password to try (`P`, required)")
	cmd.Flags().StringVar(&code, "code", "", "the second-factor code, for a user with MFA (`C`)")
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
			svc := a.svc
			if !svc.IsDemo() {
				return actRefusal()
			}
			pw, err := svc.DemoPassword(args[0])
			if err != nil {
				return err
			}
			return a.emit(map[string]string{"user": args[0], "password": pw}, func() {
				printf(a.io.Out, "%s\n", pw)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}

// userSideJSON is what a user's own action came to, and what they were shown.
type userSideJSON struct {
	User         string `json:"user"`
	Outcome      string `json:"outcome"` // "verified", "email_changed", "email_change_requested"
	Status       string `json:"status"`
	Email        string `json:"email"`
	PendingEmail string `json:"pending_email,omitempty"`
	Message      string `json:"message"` // what the user sees
}

func (a *app) actVerifyCmd() *cobra.Command {
	var password string
	cmd := &cobra.Command{
		Use:   "verify LINK",
		Short: "Follow a link from an email as its user would (demo databases only)",
		Long: `Follow a link from an email (the whole link from "latchkey outbox show", or
just its token), as its user would. An account-setup link verifies the login
email, sets --password as the user's chosen password and makes the account
active (R4); an email-change link, with the user's current --password, makes
the new address their login (R7). A link works once, and dies when a newer
one is sent or the user is made inactive (R5): then it is refused, exit 2.`,
		Example: `  latchkey act verify https://app.latchkey.example/l/TOKEN --password "correct horse battery staple" --db demo.db`,
		Args:    args("LINK"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if !svc.IsDemo() {
				return actRefusal()
			}
			u, err := svc.UseLink(args[0], password)
			if err != nil {
				return err
			}
			res := userSideJSON{User: u.Login(), Outcome: "verified", Status: string(u.Status), Email: u.Email,
				Message: "Your account is active. Log in as " + u.Login() + " with the password you chose."}
			// Which kind of link it was shows in what it did (R4 or R7).
			if evs, err := svc.Audit(accounts.AuditQuery{UserID: u.ID, Limit: 1}); err == nil && len(evs) > 0 &&
				evs[0].Action == accounts.ActEmailChanged {
				res.Outcome = "email_changed"
				res.Message = "Your login email is now " + u.Email + ". Log in with it from now on."
			}
			return a.emit(res, func() {
				printf(a.io.Out, "%s\n", res.Message)
			})
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the password the user chooses (setup) or their current one (email change) (`P`, required)")
	_ = cmd.MarkFlagRequired("password")
	a.addJSON(cmd)
	return cmd
}

func (a *app) actChangeEmailCmd() *cobra.Command {
	var password, code, newEmail string
	cmd := &cobra.Command{
		Use:   "change-email LOGIN",
		Short: "Change one's own login email, logged in, as the user would (demo databases only)",
		Long: `Log in as the user with --password and change their own login email, as
they would (R7): the new address is sent a link to verify it, the old one is
told of the change, and the old one stays the login until the link is used
("latchkey act verify LINK --password P"). Operators cannot do this for a
verified user. On an account with MFA, --code is a code from its method too
(R22): without it an SMS or email code is sent and the command is refused
(exit 2); run it again with that code.`,
		Example: `  latchkey act change-email jane.doe@example.com --password "$(latchkey act password jane.doe@example.com --db demo.db)" \
      --new-email jane@example.org --db demo.db`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if !svc.IsDemo() {
				return actRefusal()
			}
			// The service checks the password again (a wrong one counts
			// towards the lock, R11) and, with MFA, the code (R22).
			u, err := svc.ChangeOwnEmail(args[0], password, code, newEmail)
			if err != nil {
				return err
			}
			res := userSideJSON{User: u.Login(), Outcome: "email_change_requested", Status: string(u.Status),
				Email: u.Email, PendingEmail: u.PendingEmail,
				Message: "We sent a link to " + u.PendingEmail + ". Until you use it, you keep logging in with " + u.Email + "."}
			return a.emit(res, func() {
				printf(a.io.Out, "%s\n", res.Message)
				if ms, err := svc.Outbox(accounts.OutboxQuery{To: u.PendingEmail, Limit: 1}); err == nil && len(ms) > 0 {
					printf(a.io.Out, "(The link is in latchkey outbox show %d.)\n", ms[0].ID)
				}
			})
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the user's current password (`P`, required)")
	cmd.Flags().StringVar(&newEmail, "new-email", "", "the new login `EMAIL` (required)")
	cmd.Flags().StringVar(&code, "code", "", "a code from the account's MFA method, if it has one (`C`)")
	_ = cmd.MarkFlagRequired("password")
	_ = cmd.MarkFlagRequired("new-email")
	a.addJSON(cmd)
	return cmd
}
