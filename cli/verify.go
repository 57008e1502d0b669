package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Caller verification (R41): verify start / check / show, and the
// --verification flag the actions it precedes take.

// withOperator runs fn over the service and the operator the runner gave
// the command.
func (a *app) withOperator(fn func(svc *accounts.Service, actor accounts.Actor) error) error {
	return fn(a.svc, a.actor)
}

// verificationFlag adds --verification ID to an action a check precedes.
func verificationFlag(cmd *cobra.Command, v *uint64) {
	cmd.Flags().Uint64Var(v, "verification", 0, "`ID` of the caller verification this action uses (R41; `latchkey verify start`); consumed, recorded with the action")
}

func (a *app) verifyCmd() *cobra.Command {
	cmd := groupCmd("verify", "Verify a caller out of band before acting for them (R41)")
	cmd.Long = `Verify a caller out of band before an unlock, a reset email, an MFA clear or a
change of roles (R41): through something only the real user controls, never
a number or address the caller gives.

  code       a 6-digit code to the phone (--channel sms) or login email
             (--channel email) ON FILE, read back by the caller; 5 wrong
             codes fail the check
  app        the current code of the user's enrolled authenticator app, read
             back (a code works once, as at login)
  approval   a link to an owner's or admin's own verified email; they approve
             or deny (never the caller themselves)
  knowledge  date of birth, employee id, "confirmed by the practice": recorded
             (--note), never counts as verification

A check is valid for one action within 15 minutes of its start: pass its id
to the action with --verification ID.`
	cmd.AddCommand(a.verifyStartCmd(), a.verifyCheckCmd(), a.verifyShowCmd())
	return cmd
}

func (a *app) verifyStartCmd() *cobra.Command {
	var method, channel, approver, note string
	cmd := &cobra.Command{
		Use:   "start LOGIN",
		Short: "Start checking a caller: code, app, approval or knowledge (prints the verification id)",
		Example: `  latchkey verify start maria.lopez@example.com --method code --channel sms --db demo.db
  latchkey verify start maria.lopez@example.com --method approval --approver owner@example.com --db demo.db
  latchkey verify start maria.lopez@example.com --method knowledge --note "date of birth matched" --db demo.db`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			m, err := accounts.ParseVerifyMethod(method)
			if err != nil {
				return usagef("--method must be code, app, approval or knowledge, not %q", method)
			}
			if channel != "" && m != accounts.VerifyCode {
				return usagef("--channel is for --method code only")
			}
			if approver != "" && m != accounts.VerifyApproval {
				return usagef("--approver is for --method approval only")
			}
			return a.withOperator(func(svc *accounts.Service, actor accounts.Actor) error {
				u, err := svc.UserByLogin(args[0])
				if err != nil {
					return err
				}
				v, err := svc.StartVerification(actor, u.ID, accounts.VerifyStart{Method: m, Channel: channel, Approver: approver, Note: note})
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, v)
				}
				printf(a.io.Out, "%d\n", v.ID)
				printf(a.io.Err, "Verification #%d of %s: %s.\n", v.ID, v.User, v.Status)
				switch v.Method {
				case accounts.VerifyCode, accounts.VerifyApp:
					printf(a.io.Err, "When the caller reads the code: latchkey verify check %d --code CODE\n", v.ID)
				case accounts.VerifyApproval:
					printf(a.io.Err, "Follow it with: latchkey verify show %d\n", v.ID)
				}
				return nil
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&method, "method", "", "`code|app|approval|knowledge` (required)")
	f.StringVar(&channel, "channel", "", "for code: `sms|email`, to the phone or login email ON FILE (default: the MFA phone, else the email)")
	f.StringVar(&approver, "approver", "", "for approval: `LOGIN` of an owner or admin of the practice (default: an owner)")
	f.StringVar(&note, "note", "", "what was checked (`TEXT`; required for knowledge)")
	_ = cmd.MarkFlagRequired("method")
	a.addJSON(cmd)
	return cmd
}

func (a *app) verifyCheckCmd() *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:   "check ID",
		Short: "Enter the code the caller read back (code and app checks)",
		Long: `Enter the code the caller read back. A right code passes the check (good for
one action within 15 minutes of its start); a wrong one is refused (exit 2)
and after 5 wrong codes the check fails for good (R41).`,
		Example: `  latchkey verify check 12 --code 123456 --db demo.db`,
		Args:    args("ID"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("ID", args[0])
			if err != nil {
				return err
			}
			if !common.SixDigits(code) {
				// Checked here, so a slip spends none of the caller's tries.
				return &accounts.FieldError{Field: "--code", Msg: fmt.Sprintf("a code is 6 digits (R23), not %q: nothing was checked", code)}
			}
			return a.withOperator(func(svc *accounts.Service, actor accounts.Actor) error {
				v, err := svc.CheckVerification(actor, id, code)
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, v)
				}
				printf(a.io.Out, "Verification #%d of %s %s\n", v.ID, v.User, v.Status)
				printf(a.io.Out, "Use it with --verification %d on the action (unlock, reset-password, permissions, mfa clear; an owner's check: adding or bringing back an owner or admin, licenses request; the requester's check: adding, replacing or bringing back anyone, a setup email to a new address, inactivating an owner or admin).\n", v.ID)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&code, "code", "", "the 6-digit code the caller read back (`CODE`, required)")
	_ = cmd.MarkFlagRequired("code")
	a.addJSON(cmd)
	return cmd
}

func (a *app) verifyShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "show ID",
		Short:   "Show a verification: method, state, expiry, what it was used for",
		Example: `  latchkey verify show 12 --db demo.db --json`,
		Args:    args("ID"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("ID", args[0])
			if err != nil {
				return err
			}
			return a.withOperator(func(svc *accounts.Service, _ accounts.Actor) error {
				v, err := svc.Verification(id)
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, v)
				}
				return printVerification(a, v)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func printVerification(a *app, v accounts.VerificationView) error {
	t := newTable(a.io.Out)
	t.row("Verification", "#"+uitoa(v.ID))
	t.row("User", v.User)
	how := string(v.Method)
	switch {
	case v.Channel != "":
		how += " by " + v.Channel + " to " + v.SentTo + " (on file)"
	case v.Approver != "":
		how += " by " + v.ApproverName + " (" + v.Approver + ", " + v.ApproverRole + ")"
	}
	t.row("Method", how)
	if v.Note != "" {
		t.row("Note", v.Note)
	}
	t.row("Operator", v.Operator)
	t.row("State", string(v.State))
	t.row("Status", v.Status)
	t.row("Counts (R41)", map[bool]string{true: "yes: good for one action", false: "no"}[v.Counts])
	t.row("Started", humanTime(v.StartedAt))
	t.row("Expires", humanTime(v.ExpiresAt))
	if !v.UsedAt.IsZero() {
		t.row("Used", humanTime(v.UsedAt)+" for "+v.UsedFor)
	}
	return t.flush()
}

// act approve / act deny: the owner's or admin's side of an approval check.

func (a *app) actApproveCmd(approve bool) *cobra.Command {
	use, short := "approve LINK", "Approve a caller check from the link in your email, as an owner or admin would (demo databases only)"
	if !approve {
		use, short = "deny LINK", "Deny a caller check from the link in your email, as an owner or admin would (demo databases only)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: `Answer the approval link that "latchkey verify start --method approval" sent
to an owner's or admin's own email (R41): approve if the caller is really
who they say, deny if not. The link works once.`,
		Example: `  latchkey act approve "https://app.latchkey.example/l/TOKEN" --db demo.db`,
		Args:    args("LINK"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if err := a.demoOnly(); err != nil {
				return err
			}
			v, err := a.svc.AnswerApproval(args[0], approve)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, v)
			}
			printf(a.io.Out, "Verification #%d of %s: %s\n", v.ID, v.User, v.Status)
			return nil
		}),
	}
	a.addJSON(cmd)
	return cmd
}

// riskWords is a user's risk signals as worded badges (R42).
func riskWords(rs []accounts.RiskSignal) string {
	if len(rs) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, r.Label()+" ("+r.Detail+")")
	}
	return strings.Join(parts, "; ")
}

// needVerification: an action for a caller records how they were verified,
// by --verified-by or a caller verification (R41); neither is a usage error.
func needVerification(verifiedBy string, verification uint64, rule string) error {
	if verifiedBy == "" && verification == 0 {
		return usagef("record how the caller was verified: --verified-by TEXT (%s) or --verification ID of a caller check (R41)", rule)
	}
	return nil
}
