package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// The user's side of MFA (demo only).

// enrolJSON is what the user sees after choosing a method.
type enrolJSON struct {
	User string `json:"user"`
	accounts.Enrolment
	Outcome string `json:"outcome"` // "confirm_code_needed"
}

func (a *app) actEnrollCmd() *cobra.Command {
	var password, code, method, phone string
	cmd := &cobra.Command{
		Use:   "enroll LOGIN",
		Short: "Set up MFA from the security settings, as the user would (demo databases only)",
		Long: `Set up (or switch) the user's second factor from their security settings, as
they would, re-entering their --password (R22). --method is one of:

  app    an authenticator app (TOTP): prints the QR code to scan and the key
         to type by hand (R21);
  sms    a text to a US number (--phone, in any usual form; others are
         refused, R21);
  email  the user's verified login email, and no other address.

SMS and email get a notice that an app is stronger. The new method is active
only after one code from it is verified ("latchkey act confirm-enroll"); until
then any old method stays (R22). The code for sms or email is in the outbox;
for an app, "latchkey act totp LOGIN" shows what the app would.

On an account that has MFA already, a password alone never moves it (R22):
--code is a code from the current method too. Without it, an SMS or email
code is sent to the current method and the command is refused (exit 2): run
it again with that code. For an app, give the code the app shows now.
Five wrong codes lock the account, as at the login page (R11).`,
		Example: `  latchkey act enroll maria.lopez@example.com --password P --method app --db demo.db
  latchkey act enroll maria.lopez@example.com --password P --method sms --phone "(503) 253-0123" --db demo.db`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			m := accounts.MFAMethod(strings.ToLower(strings.TrimSpace(method)))
			if _, err := accounts.ParseMFAMethod(string(m)); err != nil {
				return usagef("--method must be sms, email or app, not %q", method)
			}
			if m == accounts.MFASMS && strings.TrimSpace(phone) == "" {
				return usagef("--method sms needs --phone: a US number (R21)")
			}
			if m != accounts.MFASMS && phone != "" {
				return usagef("--phone is for --method sms only")
			}
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			e, err := svc.StartEnrolment(args[0], password, code, m, phone)
			if err != nil {
				return err
			}
			return a.emit(enrolJSON{User: args[0], Enrolment: e, Outcome: "confirm_code_needed"}, func() {
				a.printEnrolment(args[0], e)
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&password, "password", "", "the user's password, re-entered (`P`, required)")
	f.StringVar(&code, "code", "", "a code from the current method, on an account with MFA (`C`)")
	f.StringVar(&method, "method", "", "the second factor: `sms|email|app` (required)")
	f.StringVar(&phone, "phone", "", "for sms: a US phone `NUMBER`, e.g. \"(503) 253-0123\"")
	_ = cmd.MarkFlagRequired("password")
	_ = cmd.MarkFlagRequired("method")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printEnrolment(login string, e accounts.Enrolment) {
	w := a.io.Out
	if e.Method == accounts.MFAApp {
		printf(w, "Scan this QR code with your authenticator app:\n\n")
		for _, line := range strings.Split(strings.TrimRight(e.QR, "\n"), "\n") {
			printf(w, "  %s\n", line)
		}
		printf(w, "\nOr type this key into the app: %s\n", e.ManualKey)
		printf(w, "Then enter the code the app shows: latchkey act confirm-enroll %s --code CODE\n", login)
		printf(w, "(In a demo, `latchkey act totp %s` shows the code the app would show.)\n", login)
	} else {
		how := map[accounts.MFAMethod]string{accounts.MFASMS: "by text message", accounts.MFAEmail: "by email"}[e.Method]
		printf(w, "We sent a 6-digit code %s to %s. It works for 5 minutes.\n", how, e.SentTo)
		printf(w, "Enter it to turn this method on: latchkey act confirm-enroll %s --code CODE\n", login)
		printf(w, "(In a demo, the code is in `latchkey outbox list --limit 1`.)\n")
	}
	printf(w, "Until a code is verified, your current method (if any) stays (R22).\n")
	if e.Notice != "" {
		printf(w, "\nNote: %s\n", e.Notice)
	}
}

func (a *app) actConfirmEnrollCmd() *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:   "confirm-enroll LOGIN",
		Short: "Enter the code that turns the new MFA method on (demo databases only)",
		Long: `Enter one code from the method being set up, as the user would (R22): from
the text or email that "latchkey act enroll" sent (valid 5 minutes, dead
after 5 wrong tries, R23), or from the app ("latchkey act totp LOGIN"). Only
then does the new method become the user's one method (R21). A wrong or
expired code is refused, exit 2.`,
		Example: `  latchkey act confirm-enroll maria.lopez@example.com --code "$(latchkey act totp maria.lopez@example.com --db demo.db)" --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			u, err := svc.ConfirmEnrolment(args[0], code)
			if err != nil {
				return err
			}
			res := struct {
				User       string    `json:"user"`
				Outcome    string    `json:"outcome"`
				Method     string    `json:"method"`
				Strength   string    `json:"strength"`
				EnrolledAt time.Time `json:"enrolled_at"`
			}{u.Login(), "enrolled", string(u.MFA.Method), accounts.MFAStrength(u.MFA.Method), u.MFA.EnrolledAt}
			return a.emit(res, func() {
				printf(a.io.Out, "Multi-factor authentication is on for %s: %s (%s).\n", u.Login(), res.Method, res.Strength)
				printf(a.io.Out, "From now on, logging in asks for a code after the password.\n")
			})
		}),
	}
	cmd.Flags().StringVar(&code, "code", "", "the 6-digit code (`C`, required)")
	_ = cmd.MarkFlagRequired("code")
	a.addJSON(cmd)
	return cmd
}

func (a *app) actTOTPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "totp LOGIN",
		Short: "Print the code the user's authenticator app shows now, alone on a line (demo databases only)",
		Long: `Print the 6-digit code the user's authenticator app would show now (RFC 6238,
30-second steps, on the demo's own clock), for the app being set up or the
one enabled. A code logs in once (R23): for another, move the demo clock on
("latchkey clock advance 30s").`,
		Example: `  latchkey act login maria.lopez@example.com --password P --db demo.db \
      --code "$(latchkey act totp maria.lopez@example.com --db demo.db)"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			code, err := svc.DemoTOTP(args[0])
			if err != nil {
				return err
			}
			if a.json {
				left := 30 - svc.Now().Unix()%30
				return writeJSON(a.io.Out, map[string]any{"user": args[0], "code": code, "valid_for_seconds": left})
			}
			printf(a.io.Out, "%s\n", code)
			return nil
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func (a *app) actDisableMFACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disable-mfa LOGIN",
		Short: "Try to turn off one's own MFA, as the user would: always refused (demo databases only)",
		Long: `Try to turn off the user's own multi-factor authentication, as they might.
It is always refused (R25, exit 2): only an operator clears MFA, after
verifying the caller ("latchkey mfa clear"). The refusal is audited.`,
		Example: `  latchkey act disable-mfa maria.lopez@example.com --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			if err := svc.DisableOwnMFA(args[0]); err != nil {
				return err
			}
			return fmt.Errorf("turning off MFA was not refused: it should have been (R25)")
		}),
	}
	a.addJSON(cmd)
	return cmd
}
