package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// Multi-factor authentication (R21-R26, R37): what the desk sees of a
// user's MFA (never a secret or a code), the support-only clear with its
// identity-verification record, the practice requirement, and the user's
// side of enrolment (demo only).

// identityAliases are short names for accounts.IdentityChecks, for typing.
var identityAliases = []struct{ alias, check string }{
	{"callback", "call-back to the number on file"},
	{"owner", "confirmed by the practice owner"},
	{"admin", "confirmed by a practice admin"},
	{"video", "video call with photo ID"},
	{"in-person", "in person with photo ID"},
}

// identityHelp lists the checks with their aliases, for --help and errors.
func identityHelp() string {
	var b strings.Builder
	for _, c := range accounts.IdentityChecks {
		alias := ""
		for _, al := range identityAliases {
			if al.check == c {
				alias = al.alias
			}
		}
		fmt.Fprintf(&b, "  %-10s %s\n", alias, c)
	}
	return strings.TrimRight(b.String(), "\n")
}

// identityList is the checks with their aliases on one line, for errors.
func identityList() string {
	parts := make([]string, 0, len(identityAliases))
	for _, al := range identityAliases {
		parts = append(parts, al.alias+" ("+al.check+")")
	}
	return strings.Join(parts, ", ")
}

// parseIdentityCheck reads --verified-by: an alias, or one of
// accounts.IdentityChecks in full (any case).
func parseIdentityCheck(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", usagef("--verified-by is required (R26): record how the caller's identity was verified, one of %s", identityList())
	}
	for _, al := range identityAliases {
		if strings.EqualFold(s, al.alias) {
			return al.check, nil
		}
	}
	for _, c := range accounts.IdentityChecks {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	return "", usagef("--verified-by %q is not one of the identity checks (R26): use one of %s", s, identityList())
}

// mfaShowJSON is a user's MFA as the desk may see it.
type mfaShowJSON struct {
	User       string `json:"user"`
	Name       string `json:"name"`
	Practice   string `json:"practice"`
	PracticeID uint64 `json:"practice_id"`
	accounts.MFAView
}

func (a *app) mfaCmd() *cobra.Command {
	cmd := groupCmd("mfa", "Multi-factor authentication: show a user's method, clear it (support only)")
	cmd.AddCommand(a.mfaShowCmd(), a.mfaClearCmd())
	return cmd
}

func (a *app) mfaShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show LOGIN",
		Short: "Show a user's MFA: method, strength, masked phone, enrolled, last used, practice requirement",
		Long: `Show a user's multi-factor authentication as the desk may see it: the method
(sms, email or app; at most one, R21) and its strength (NIST SP 800-63B-4
restricts SMS and does not count email as an authenticator), the phone
masked to its last 4 digits, when it was enrolled and last used, a method
being set up and not active yet (R22), and whether the practice requires MFA
(R24). Never a secret or a code.`,
		Example: `  latchkey mfa show maria.lopez@example.com --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			u, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			p, err := svc.Practice(u.PracticeID)
			if err != nil {
				return err
			}
			d := mfaShowJSON{User: u.Login(), Name: u.Name, Practice: p.Name, PracticeID: p.ID, MFAView: accounts.ViewMFA(u, p)}
			if a.json {
				return writeJSON(a.io.Out, d)
			}
			return a.printMFA(d)
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func (a *app) printMFA(d mfaShowJSON) error {
	t := newTable(a.io.Out)
	t.row("User", d.User+" ("+d.Name+")")
	req := "not required"
	if d.Required {
		req = "REQUIRED for all its users (R24)"
	}
	t.row("Practice", d.Practice+" (#"+uitoa(d.PracticeID)+"): MFA "+req)
	t.row("Method", d.MethodLabel)
	t.row("Strength", d.Strength)
	if d.Phone != "" {
		t.row("Phone", d.Phone)
	}
	if d.Method != accounts.MFANone {
		t.row("Enrolled", humanTime(d.EnrolledAt))
		last := "never"
		if !d.LastUsedAt.IsZero() {
			last = humanTime(d.LastUsedAt)
		}
		t.row("Last used", last)
	}
	if d.Enrolling != accounts.MFANone {
		t.row("Setting up", string(d.Enrolling)+" (not active until a code from it is verified, R22)")
	}
	if d.MustEnroll {
		t.row("Must enroll", "yes: at the next login, before the dashboard (R24)")
	}
	return t.flush()
}

// mfaClearJSON is an operator's clear of a user's MFA (R26, R41-R43): done
// now, or pending a second operator's approval.
type mfaClearJSON struct {
	actionJSON
	Verification uint64                 `json:"verification,omitempty"`
	Outcome      string                 `json:"outcome"`               // "cleared" or "pending_approval"
	Cleared      string                 `json:"cleared,omitempty"`     // the method that was cleared
	NotifiedAt   string                 `json:"notified_at,omitempty"` // the login email told of it
	MessageID    uint64                 `json:"message_id,omitempty"`
	Notified     []string               `json:"notified,omitempty"` // the user and the practice's owners (R43)
	Pending      *accounts.ApprovalView `json:"pending,omitempty"`  // four eyes (R42)
}

func (a *app) mfaClearCmd() *cobra.Command {
	var verifiedBy, note, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "clear LOGIN",
		Short: "Clear a user's MFA after a passed caller verification; four eyes where R42 says (R26, R41-R43)",
		Long: `Clear a user's multi-factor authentication — a lost phone or authenticator.
Help desks are the favourite target of social engineering, so:

  - the caller must be verified out of band first (R41): pass --verification
    ID of a passed code, app or approval check ("latchkey verify start"),
    made by you within the last 15 minutes; it is used up by the clear;
  - knowledge checks are recorded but never count. --verified-by records one
    of these (the short name or the whole text), with a --note of what was
    checked (R26):

` + identityHelp() + `

  - for a privileged (owner or admin) or flagged user (R42: a factor or login
    email changed in 7 days, a password reset in 24 hours, two or more desk
    contacts or locks in 24 hours, on the watch list) the clear waits for a
    second operator: "latchkey approvals approve N", within 30 minutes.

When it is carried out, the user and the practice's owners are told by email
(R43), and a new factor enrolled within 24 hours goes on the watch list.
Users cannot turn MFA off themselves (R25).`,
		Example: `  latchkey verify start maria.lopez@example.com --method code --db demo.db      # prints 12
  latchkey verify check 12 --code 123456 --db demo.db
  latchkey mfa clear maria.lopez@example.com --db demo.db --verification 12 --reason "lost phone"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			check := ""
			if strings.TrimSpace(verifiedBy) != "" || verification == 0 {
				var err error
				if check, err = parseIdentityCheck(verifiedBy); err != nil {
					if verification == 0 {
						return usagef("%v; and a clear needs --verification ID of a passed code, app or approval check (R41)", err)
					}
					return err
				}
			}
			return a.withOperator(func(svc *accounts.Service, actor accounts.Actor) error {
				old, err := svc.UserByLogin(args[0])
				if err != nil {
					return err
				}
				r, err := svc.ClearMFAVerified(actor, old.ID, accounts.ClearMFARequest{Verification: verification,
					Check: check, Note: note, Reason: reason})
				if err != nil {
					return err
				}
				res := mfaClearJSON{actionJSON: actionJSON{OK: true, Action: accounts.ActMFACleared, User: old.Login(),
					Operator: actor.Name, Reason: strings.TrimSpace(reason), Time: svc.Now()}, Verification: verification}
				if check != "" {
					res.VerifiedBy = check + ": " + strings.TrimSpace(note)
				}
				if r.Pending != nil {
					res.Outcome, res.Pending, res.Action = "pending_approval", r.Pending, accounts.ActApprovalRequested
					if a.json {
						return writeJSON(a.io.Out, res)
					}
					printf(a.io.Out, "Not cleared yet: %s (%s) is %s.\n", old.Name, old.Login(), riskWords(r.Pending.Signals))
					printf(a.io.Out, "Request #%d waits for a second operator (four eyes, R42), within 30 minutes:\n", r.Pending.ID)
					printf(a.io.Out, "  latchkey approvals approve %d   (any operator but %s)\n", r.Pending.ID, actor.Name)
					return nil
				}
				res.Outcome, res.Cleared, res.Notified = "cleared", string(r.Cleared), r.Notified
				u := r.User
				to := u.Email
				if to == "" {
					to = u.ContactEmail
				}
				if to != "" {
					if ms, err := svc.Outbox(accounts.OutboxQuery{To: to, Limit: 1}); err == nil && len(ms) > 0 && ms[0].Cause == accounts.ActMFACleared {
						res.NotifiedAt, res.MessageID = ms[0].To, ms[0].ID
					}
				}
				if a.json {
					return writeJSON(a.io.Out, res)
				}
				printf(a.io.Out, "Cleared the MFA (%s) of %s (%s).\n", res.Cleared, u.Name, u.Login())
				printf(a.io.Out, "Recorded: operator %s; verification #%d; reason: %s.\n", actor.Name, verification, res.Reason)
				if len(res.Notified) > 0 {
					printf(a.io.Out, "Told by email: %s. They can set up a new method after logging in.\n", strings.Join(res.Notified, ", "))
				} else {
					printf(a.io.Out, "There is no email on file to tell them.\n")
				}
				return nil
			})
		}),
	}
	f := cmd.Flags()
	verificationFlag(cmd, &verification)
	f.StringVar(&verifiedBy, "verified-by", "", "a knowledge check, recorded but never enough (R41): `CHECK`, one of callback, owner, admin, video, in-person")
	f.StringVar(&note, "note", "", "what was checked (`TEXT`, with --verified-by, recorded)")
	f.StringVar(&reason, "reason", "", "why MFA is cleared (`TEXT`, required, recorded)")
	a.addJSON(cmd)
	return cmd
}

// requireMFAJSON is a practice's MFA requirement after a change (R24).
type requireMFAJSON struct {
	practiceJSON
	Operator    string    `json:"operator"`
	RequestedBy string    `json:"requested_by"`
	Reason      string    `json:"reason,omitempty"`
	Time        time.Time `json:"time"`
}

func (a *app) practicesRequireMFACmd() *cobra.Command {
	var requester, reason string
	cmd := &cobra.Command{
		Use:   "require-mfa PRACTICE on|off",
		Short: "Require MFA for all of a practice's users, or for none (R24)",
		Long: `Turn a practice's MFA requirement on or off: all its users or none (R24).
Only an operator does it, at the request of an owner or admin of the
practice (--requested-by, checked and recorded). When it is on, a user
without MFA must set it up at their next login before reaching the
dashboard.`,
		Example: `  latchkey practices require-mfa 3 on --db demo.db --requested-by owner@example.com --reason "cyber insurance"
  latchkey practices require-mfa "Maple Clinic" off --db demo.db --requested-by owner@example.com`,
		Args: args("PRACTICE", "on|off"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			var on bool
			switch strings.ToLower(args[1]) {
			case "on":
				on = true
			case "off":
			default:
				return usagef("the requirement is on or off, not %q", args[1])
			}
			svc, actor := a.svc, a.actor
			p, err := svc.FindPractice(args[0])
			if err != nil {
				return err
			}
			p, err = svc.RequireMFA(actor, p.ID, on, accounts.Request{Requester: requester, Reason: reason})
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, requireMFAJSON{practiceJSON: toPracticeJSON(p), Operator: actor.Name,
					RequestedBy: requester, Reason: reason, Time: svc.Now()})
			}
			if on {
				printf(a.io.Out, "%s now requires MFA of all its users, requested by %s: a user without MFA sets it up at their next login (R24).\n", p.Name, requester)
			} else {
				printf(a.io.Out, "%s no longer requires MFA, requested by %s: users keep the methods they have.\n", p.Name, requester)
			}
			return nil
		}),
	}
	requesterFlag(cmd, &requester, "an owner or admin of the practice")
	cmd.Flags().StringVar(&reason, "reason", "", "why (`TEXT`, recorded)")
	a.addJSON(cmd)
	return cmd
}
