package cli

import (
	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// The actions on a practice user's life (R1, R3-R10, R19, R20): each calls
// one accounts.Service method, so it writes the same audit event as the
// console. With --json each prints the resulting user as users show does
// (without the audit), or {"error", "rule", "guidance"} when refused.

// userActionJSON is a user after an action, with the outbox message the
// action sent, if any (its link is in that message's body only, R30).
type userActionJSON struct {
	userRecordJSON
	MessageID uint64 `json:"message_id,omitempty"`
}

// replaceJSON is the result of a replace: the leaver, now inactive, and the
// newcomer who took their license (R10).
type replaceJSON struct {
	Leaver   userActionJSON `json:"leaver"`
	Newcomer userActionJSON `json:"newcomer"`
}

// parseRoles reads --roles: a comma-separated list of owner, champion and
// admin; "" is no roles at all.
func (a *app) usersAddCmd() *cobra.Command {
	var nf newUserFlags
	var practice, requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a user to a practice (takes a license) and send their account-setup email",
		Long: `Add a user to a practice at the request of one of its owners, champions or
admins (--requested-by, recorded; R3). The user takes a free license (R1),
starts pending, and is sent the account-setup email with a single-use link
(R4; see "latchkey outbox list"). The login email is typed twice and must be
personal and unused across the whole system (R9). A new practice's first user
is its owner, added at onboarding with no --requested-by (R2). Anyone else
is added only at a request proven, not typed: --verification ID of a passed
caller check of the requester (R3, R41; start one with "latchkey verify
start REQUESTER"), since whoever reads the address given gets an account at
the practice. Anyone with the owner or admin role is added at an owner's
request only, so proven (R19).`,
		Example: `  latchkey verify start owner@example.com --method code --db demo.db   # then verify check ID --code ...
  latchkey users add --db demo.db --practice "Maple Clinic" --name "Jane Doe" \
      --email jane.doe@example.com --email-confirm jane.doe@example.com \
      --kind staff --requested-by owner@example.com --verification 12 --reason "new hire"`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			svc, actor := a.svc, a.actor
			p, err := svc.FindPractice(practice)
			if err != nil {
				return err
			}
			nu, err := nf.newUser(p.ID)
			if err != nil {
				return err
			}
			req := accounts.Request{Requester: requester, Reason: reason, Verification: verification}
			// The user and their setup email land in one transaction (R4).
			var u accounts.User
			var msg accounts.Message
			if nf.noSend {
				u, err = svc.CreateUser(actor, nu, req)
			} else {
				u, msg, err = svc.AddUser(actor, nu, req)
			}
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, msg.ID, func(p accounts.Practice) {
				printf(a.io.Out, "Added %s (%s) to %s: %s, roles %s, %s.\n", u.Name, u.Login(), p.Name, string(u.Kind), u.Roles.String(), string(u.Status))
				if msg.ID != 0 {
					a.sentLine(msg)
				}
				a.licenseLine(p)
			})
		}),
	}
	cmd.Flags().StringVar(&practice, "practice", "", "the practice `P` (its number or exact name; required)")
	_ = cmd.MarkFlagRequired("practice")
	nf.add(cmd)
	// Not required by the flag parser: a new practice's first user, its
	// owner, is added at onboarding with no requester; the service checks R3
	// for everyone else.
	cmd.Flags().StringVar(&requester, "requested-by", "", "`LOGIN` of the owner, champion or admin of the practice who asked (recorded; required except for a new practice's first user, its owner)")
	cmd.Flags().StringVar(&reason, "reason", "", "why (`TEXT`)")
	verificationFlag(cmd, &verification) // the requester's check (R3, R41); an owner or admin added: an owner's (R19)
	a.addJSON(cmd)
	return cmd
}

// requesterFlag adds the required --requested-by.
func (a *app) usersSendVerificationCmd() *cobra.Command {
	var email, confirm, requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "send-verification LOGIN",
		Short: "Send (or resend) the account-setup email of a user who has not verified",
		Long: `Send the account-setup email with a fresh single-use link (R4). For a user
who has not verified, an earlier link dies: only the newest works (R5, R6).
With --email (typed twice with --email-confirm) the setup email goes to a
corrected address, which becomes the login email. Whoever reads that address
owns the account, so a new address needs --requested-by: an owner, champion
or admin of the practice (an owner, for a pending owner), checked as for
adding the user (R3, R19) and recorded, and proven by --verification ID of
a passed caller check of the requester (R41; "latchkey verify start
REQUESTER"); the old address is told. A new practice's only user, its
pending owner, has nobody to ask: that redirect waits for a second
operator (R42).

For a user who has verified, resending is refused (R6): they use "Forgot your
password?", or change their login email themselves after logging in (R7).`,
		Example: `  latchkey users send-verification jane.doe@example.com --db demo.db
  latchkey users send-verification jane.doe@example.com --db demo.db \
      --email jane.doe@example.org --email-confirm jane.doe@example.org \
      --requested-by owner@example.com --verification 12 --reason "typo in the email"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if (email == "") != (confirm == "") {
				return usagef("--email and --email-confirm go together: type the new login email twice")
			}
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			req := accounts.Request{Requester: requester, Reason: reason, Verification: verification}
			var u accounts.User
			var msg accounts.Message
			if email != "" {
				// An operator changes the email only of a user who has not verified (R7).
				u, msg, err = svc.ChangeEmailByOperator(actor, old.ID, email, confirm, req)
			} else {
				u, msg, err = svc.SendVerification(actor, old.ID, "", "", req)
			}
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, msg.ID, func(accounts.Practice) {
				if u.Email != old.Email {
					printf(a.io.Out, "Login email of %s changed from %s to %s.\n", u.Name, old.Email, u.Email)
				}
				a.sentLine(msg)
				if old.SetupLink != 0 {
					printf(a.io.Out, "The earlier link (#%d) no longer works: only the newest one does.\n", old.SetupLink)
				}
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "send to this corrected login `EMAIL` (a user who has not verified only)")
	f.StringVar(&confirm, "email-confirm", "", "the corrected login `EMAIL` typed again")
	f.StringVar(&requester, "requested-by", "", "`LOGIN` of the owner, champion or admin who asked (checked and recorded; required with --email, R3; proven by --verification, R41)")
	f.StringVar(&reason, "reason", "", "why (`TEXT`)")
	verificationFlag(cmd, &verification)
	a.addJSON(cmd)
	return cmd
}

func (a *app) usersInactivateCmd() *cobra.Command {
	var requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "inactivate LOGIN",
		Short: "Inactivate a user who left: frees the license, kills live links, keeps history",
		Long: `Make a user inactive (R20) at the request of an owner or champion of their
practice, or of the user themselves (--requested-by, checked and recorded).
Their license is freed (R1), any live setup or email-change link dies (R5),
and all their history stays. A practice's last active owner cannot be
inactivated (R2): make someone else an owner first. An owner or admin loses
that role with the account: their inactivation needs the request proven by
--verification ID of a passed caller check of the requester (R20, R41), the
user themselves included.`,
		Example: `  latchkey users inactivate jane.doe@example.com --db demo.db \
      --requested-by owner@example.com --reason "left the clinic"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			u, err := svc.Inactivate(actor, old.ID, accounts.Request{Requester: requester, Reason: reason, Verification: verification})
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, 0, func(p accounts.Practice) {
				printf(a.io.Out, "Inactivated %s (%s), requested by %s. Their license is free; their history stays.\n", u.Name, u.Login(), requester)
				for _, id := range []uint64{old.SetupLink, old.EmailChangeLink} {
					if id != 0 {
						printf(a.io.Out, "Their live link #%d no longer works.\n", id)
					}
				}
				a.licenseLine(p)
			})
		}),
	}
	requesterFlag(cmd, &requester, "an owner or champion of the practice, or the user themselves")
	reasonFlag(cmd, &reason)
	verificationFlag(cmd, &verification) // an owner or admin: the requester's check (R20, R41)
	a.addJSON(cmd)
	return cmd
}

func (a *app) usersReactivateCmd() *cobra.Command {
	var requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "reactivate LOGIN",
		Short: "Bring an inactive user back (needs a free license)",
		Long: `Reactivate an inactive user (R20) at the request of an owner, champion or
admin of their practice (--requested-by, recorded; R3). It takes a free
license (R1): at capacity it is refused. A user who had verified comes back
active, with the password they left with; one who had not comes back
pending and needs a new setup email. So the request is proven, not typed:
--verification ID of a passed caller check of the requester (R3, R41; start
one with "latchkey verify start REQUESTER"); an owner or admin comes back
at an owner's request so proven (R19).`,
		Example: `  latchkey verify start owner@example.com --method code --db demo.db   # then verify check ID --code ...
  latchkey users reactivate jane.doe@example.com --db demo.db \
      --requested-by owner@example.com --verification 12 --reason "rehired"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			u, err := svc.Reactivate(actor, old.ID, accounts.Request{Requester: requester, Reason: reason, Verification: verification})
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, 0, func(p accounts.Practice) {
				printf(a.io.Out, "Reactivated %s (%s), requested by %s: now %s.\n", u.Name, u.Login(), requester, string(u.Status))
				if u.Status == accounts.StatusPending {
					printf(a.io.Out, "They have not verified: send a new setup email with `latchkey users send-verification %s`.\n", u.Login())
				}
				a.licenseLine(p)
			})
		}),
	}
	requesterFlag(cmd, &requester, "an owner, champion or admin of the practice")
	reasonFlag(cmd, &reason)
	verificationFlag(cmd, &verification)
	a.addJSON(cmd)
	return cmd
}

func (a *app) usersPermissionsCmd() *cobra.Command {
	var roles, requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "permissions LOGIN",
		Short: "Set a user's roles (owner, champion, admin) at an owner's request",
		Long: `Set a user's roles to exactly --roles (R19): a comma-separated list of owner,
champion and admin; --roles "" removes them all. An owner of the practice
must have asked (--requested-by, checked and recorded). Giving or taking the
owner or the admin role, or giving the champion role, needs that owner's
request proven, not typed: --verification ID of a passed caller check of them (R41: a code to
what is on file, their app, or another owner's or admin's approval). The
last active owner of a practice keeps the owner role (R2).`,
		Example: `  latchkey users permissions jane.doe@example.com --db demo.db --roles admin,champion \
      --requested-by owner@example.com --verification 12 --reason "runs the front desk now"
  latchkey users permissions jane.doe@example.com --db demo.db --roles "" \
      --requested-by owner@example.com --verification 13 --reason "no longer an admin"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			r, err := parseRoles(roles)
			if err != nil {
				return err
			}
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			u, err := svc.SetRoles(actor, old.ID, r, accounts.Request{Requester: requester, Reason: reason, Verification: verification})
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, 0, func(accounts.Practice) {
				printf(a.io.Out, "Roles of %s (%s): %s (were %s), requested by %s.\n", u.Name, u.Login(), u.Roles.String(), old.Roles.String(), requester)
			})
		}),
	}
	cmd.Flags().StringVar(&roles, "roles", "", "the roles to hold, `LIST` of owner,champion,admin (required; \"\" for none)")
	_ = cmd.MarkFlagRequired("roles")
	verificationFlag(cmd, &verification)
	requesterFlag(cmd, &requester, "an owner of the practice")
	reasonFlag(cmd, &reason)
	a.addJSON(cmd)
	return cmd
}

func (a *app) usersReplaceCmd() *cobra.Command {
	var nf newUserFlags
	var requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "replace LOGIN",
		Short: "Inactivate a leaver and add the newcomer in their place, in one step",
		Long: `Replace a leaver with a newcomer (R10): an account belongs to one person for
life, so it is never handed on. In one transaction the leaver is inactivated
and the newcomer added to the same practice, the license passing from one to
the other; both are audited. The requester must be an owner or champion of
the practice (R20). The newcomer is sent their account-setup email (R4). The
newcomer is added only at the request proven by --verification ID of a
passed caller check of the requester (R3, R41), as users add is; one check
serves the leaver too (R20: an owner or admin leaves at a proven request;
an owner's, for a newcomer with the role, R19).`,
		Example: `  latchkey users replace old.hire@example.com --db demo.db --name "New Hire" \
      --email new.hire@example.com --email-confirm new.hire@example.com --kind staff \
      --requested-by owner@example.com --verification 12 --reason "took over the front desk"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			nu, err := nf.newUser(old.PracticeID)
			if err != nil {
				return err
			}
			req := accounts.Request{Requester: requester, Reason: reason, Verification: verification}
			var leaver, newcomer accounts.User
			var msg accounts.Message
			if nf.noSend {
				leaver, newcomer, err = svc.Replace(actor, old.ID, nu, req)
			} else {
				leaver, newcomer, msg, err = svc.ReplaceAndSend(actor, old.ID, nu, req)
			}
			if err != nil {
				return err
			}
			p, err := svc.Practice(leaver.PracticeID)
			if err != nil {
				return err
			}
			now := svc.Now()
			if a.json {
				return writeJSON(a.io.Out, replaceJSON{
					Leaver:   userActionJSON{userRecordJSON: toUserRecordJSON(leaver, p.Name, now)},
					Newcomer: userActionJSON{userRecordJSON: toUserRecordJSON(newcomer, p.Name, now), MessageID: msg.ID}})
			}
			printf(a.io.Out, "Inactivated %s (%s); added %s (%s) in their place, %s. The license passed to them.\n",
				leaver.Name, leaver.Login(), newcomer.Name, newcomer.Login(), string(newcomer.Status))
			if msg.ID != 0 {
				a.sentLine(msg)
			}
			a.licenseLine(p)
			return nil
		}),
	}
	nf.add(cmd)
	requesterFlag(cmd, &requester, "an owner or champion of the practice")
	reasonFlag(cmd, &reason)
	verificationFlag(cmd, &verification)
	a.addJSON(cmd)
	return cmd
}

func (a *app) usersRenameCmd() *cobra.Command {
	var name, reason string
	cmd := &cobra.Command{
		Use:   "rename LOGIN",
		Short: "Correct the name of a user who has not verified yet",
		Long: `Correct the name of a pending user who has not verified (a typo at setup).
A verified account belongs to one person for life: renaming it is refused
(R10); if the account is now someone else's, use "latchkey users replace".`,
		Example: `  latchkey users rename jane.doe@example.com --db demo.db --name "Jane Doe-Smith" --reason "typo at setup"`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			old, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			u, err := svc.Rename(actor, old.ID, name, accounts.Request{Reason: reason})
			if err != nil {
				return err
			}
			return a.printUserResult(svc, u, 0, func(accounts.Practice) {
				printf(a.io.Out, "Renamed %s: %s, was %s.\n", u.Login(), u.Name, old.Name)
			})
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "the corrected full `NAME` (required)")
	_ = cmd.MarkFlagRequired("name")
	reasonFlag(cmd, &reason)
	a.addJSON(cmd)
	return cmd
}
