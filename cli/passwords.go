package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// Passwords (R8, R15-R18): the desk never sets or sees a practice user's
// password. An operator asked for a reset either refuses with the
// self-service guidance (R16) or has a reset email sent (R17); the user's
// own side — forgot, reset, change — is in act, for demos and tests.

// resetSentJSON is an operator's reset email: where it went, and the
// message that carries the link (R17).
type resetSentJSON struct {
	actionJSON
	SentTo    string    `json:"sent_to"`
	MessageID uint64    `json:"message_id"`
	ExpiresAt time.Time `json:"link_expires_at"`
}

func (a *app) usersResetPasswordCmd() *cobra.Command {
	var reason, verifiedBy string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "reset-password LOGIN",
		Short: "Have a password reset email sent to a user without a verified email",
		Long: `A caller asks for a password reset. Nobody at the desk sets or sees a
practice user's password (R15), so:

  - a user with a verified login email is refused (R16, exit 2), with the
    guidance to use "Forgot your password?" on the login page: the link goes
    to their own email;
  - for a legacy username user, or one who never verified (R8, R17), a
    single-use reset link goes to the email on file, and you are told where.

Record why (--reason) and how the caller was verified (--verified-by, or a
caller verification with --verification ID, R41); both are audited under
your name. The link works once, for 60 minutes.`,
		Example: `  latchkey users reset-password pclark --db demo.db \
      --reason "forgot password" --verified-by "called back on the number on file"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if err := needVerification(verifiedBy, verification, "R17"); err != nil {
				return err
			}
			svc, actor := a.svc, a.actor
			u, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			msg, err := svc.OperatorResetPassword(actor, u.ID, accounts.Request{Reason: reason, VerifiedBy: verifiedBy, Verification: verification})
			if err != nil {
				return err
			}
			res := resetSentJSON{
				actionJSON: actionJSON{OK: true, Action: accounts.ActResetSent, User: u.Login(), Operator: actor.Name,
					Reason: reason, VerifiedBy: verifiedBy, Time: svc.Now()},
				SentTo: msg.To, MessageID: msg.ID, ExpiresAt: svc.Now().Add(svc.Config().ResetLinkTTL)}
			return a.emit(res, func() {
				printf(a.io.Out, "Sent a password reset email for %s to the email on file: %s (latchkey outbox show %d).\n",
					u.Login(), msg.To, msg.ID)
				printf(a.io.Out, "The link works once, until %s. Nobody at the desk sees the new password.\n", humanTime(res.ExpiresAt))
			})
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the reset is sent (`TEXT`, required, recorded)")
	cmd.Flags().StringVar(&verifiedBy, "verified-by", "", "how the caller was verified as the user (`TEXT`, recorded; required without --verification)")
	verificationFlag(cmd, &verification)
	_ = cmd.MarkFlagRequired("reason")
	a.addJSON(cmd)
	return cmd
}

// userMessageJSON is what a user's own action showed them.
type userMessageJSON struct {
	User    string `json:"user"`
	Outcome string `json:"outcome"`
	Message string `json:"message"` // what the user sees
}

func (a *app) actForgotCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "forgot LOGIN",
		Short: `Click "Forgot your password?" as the user would (demo databases only)`,
		Long: `Ask for a password reset on the login page, as the user would (R16). A user
with a verified login email is sent a single-use link, valid 60 minutes; a
newer request kills the older link. The answer is the same whoever asks, so
it never tells whether an account exists: look in the outbox for the link
("latchkey outbox list --to EMAIL"), then use it with "latchkey act reset".`,
		Example: `  latchkey act forgot maria.lopez@example.com --db demo.db
  latchkey outbox list --to maria.lopez@example.com --limit 1 --db demo.db`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			answer, err := svc.ForgotPassword(args[0])
			if err != nil {
				return err
			}
			return a.emit(userMessageJSON{User: args[0], Outcome: "answered", Message: answer}, func() {
				printf(a.io.Out, "%s\n", answer)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func (a *app) actResetCmd() *cobra.Command {
	var password string
	cmd := &cobra.Command{
		Use:   "reset LINK",
		Short: "Choose a new password with a reset link, as the user would (demo databases only)",
		Long: `Use a password-reset link (the whole link from "latchkey outbox show", or its
token) to choose a new password, as the user would (R16, R17). The password
must follow R18: at least 15 characters (8 with MFA), not common or breached,
not the login email, username or name; a refusal names every rule it breaks.
The link works once, for 60 minutes, and only the newest one works. Using it
also clears the failure count and lifts a lock: the user proved control of
the email.`,
		Example: `  latchkey act reset https://app.latchkey.example/l/TOKEN --password "correct horse battery staple" --db demo.db`,
		Args:    args("LINK"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			// Opening a link changes nothing (R16): look before using it.
			l, err := svc.InspectLink(accounts.TokenFromLink(args[0]))
			if err != nil {
				return err
			}
			if l.Purpose != accounts.LinkReset {
				return fmt.Errorf("this is an %s link, not a password reset link: use `latchkey act verify` with it", string(l.Purpose))
			}
			before, err := svc.User(l.UserID)
			if err != nil {
				return err
			}
			u, err := svc.UseLink(args[0], password)
			if err != nil {
				return err
			}
			msg := "Your password was reset. Log in as " + u.Login() + " with your new password."
			if before.LockedNow(svc.Now()) {
				msg += " Your account is unlocked too."
			}
			return a.emit(userMessageJSON{User: u.Login(), Outcome: "password_reset", Message: msg}, func() {
				printf(a.io.Out, "%s\n", msg)
			})
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the new password (`P`, required)")
	_ = cmd.MarkFlagRequired("password")
	a.addJSON(cmd)
	return cmd
}

func (a *app) actChangePasswordCmd() *cobra.Command {
	var current, code, newPassword string
	cmd := &cobra.Command{
		Use:   "change-password LOGIN",
		Short: "Change one's own password, as the user would (demo databases only)",
		Long: `Change the user's own password from their settings, as they would (R18):
the current password, then the new one twice (the command types it twice).
A wrong current password counts as a failed login (R11). The new password
must be at least 15 characters (8 where the account has MFA), not common or
breached, not the login email, username or name: a refusal names every rule
it breaks (exit 2).

On an account with MFA, --code is a code from its method as well: a
password alone never replaces itself (R22). Without it, an SMS or email code
is sent and the command is refused (exit 2): run it again with that code.`,
		Example: `  latchkey act change-password maria.lopez@example.com --db demo.db \
      --current "$(latchkey act password maria.lopez@example.com --db demo.db)" --new "correct horse battery staple"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			u, err := svc.ChangePassword(args[0], current, code, newPassword, newPassword)
			if err != nil {
				return err
			}
			msg := "Your password was changed. Log in as " + u.Login() + " with the new one from now on."
			return a.emit(userMessageJSON{User: u.Login(), Outcome: "password_changed", Message: msg}, func() {
				printf(a.io.Out, "%s\n", msg)
			})
		}),
	}
	cmd.Flags().StringVar(&current, "current", "", "the current password (`C`, required)")
	cmd.Flags().StringVar(&newPassword, "new", "", "the new password (`N`, required)")
	cmd.Flags().StringVar(&code, "code", "", "a code from the account's MFA method, if it has one (`C`)")
	_ = cmd.MarkFlagRequired("current")
	_ = cmd.MarkFlagRequired("new")
	a.addJSON(cmd)
	return cmd
}
