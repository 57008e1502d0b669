package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
)

// What the user actions (useractions.go) share: parsing roles and kinds,
// the flags of a new user, a requester and a reason, and printing a user
// after an action.

func parseRoles(s string) (accounts.Roles, error) {
	var r accounts.Roles
	for _, name := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "":
		case "owner":
			r.Owner = true
		case "champion":
			r.Champion = true
		case "admin":
			r.Admin = true
		default:
			return r, usagef("--roles takes owner, champion and admin separated by commas, not %q", strings.TrimSpace(name))
		}
	}
	return r, nil
}

// parseKind reads --kind.
func parseKind(s string) (accounts.Kind, error) {
	k, err := accounts.ParseKind(s)
	if err != nil {
		return k, usagef("--kind must be provider or staff, not %q", s)
	}
	return k, nil
}

// printUserResult prints a user after an action: JSON, or the human lines.
func (a *app) printUserResult(svc *accounts.Service, u accounts.User, msgID uint64, human func(p accounts.Practice)) error {
	p, err := svc.Practice(u.PracticeID)
	if err != nil {
		return err
	}
	return a.emit(userActionJSON{userRecordJSON: toUserRecordJSON(u, p.Name, svc.Now()), MessageID: msgID}, func() {
		human(p)
	})
}

// licenseLine is a practice's licenses after an action changed them (R1).
func (a *app) licenseLine(p accounts.Practice) {
	full := ""
	if p.AtCapacity() {
		full = " (at capacity)"
	}
	printf(a.io.Out, "%s: %s in use%s.\n", p.Name, plural.Of(p.InUse, p.Purchased, "license"), full)
}

// sentLine tells where a message went and how to read it.
func (a *app) sentLine(m accounts.Message) {
	printf(a.io.Out, "Sent the account-setup email to %s (latchkey outbox show %d).\n", m.To, m.ID)
}

// newUserFlags are the fields of a new user, shared by add and replace.
type newUserFlags struct {
	name, email, confirm, kind, roles string
	noSend                            bool
}

func (f *newUserFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "the person's full `NAME` (required)")
	fl.StringVar(&f.email, "email", "", "their personal login `EMAIL` (required; unique, no role mailboxes, R9)")
	fl.StringVar(&f.confirm, "email-confirm", "", "the login `EMAIL` typed again (required; must match, R4)")
	fl.StringVar(&f.kind, "kind", "", "what they are: `provider|staff` (required)")
	fl.StringVar(&f.roles, "roles", "", "their roles, `LIST` of owner,champion,admin (default none)")
	fl.BoolVar(&f.noSend, "no-send", false, "do not send the account-setup email yet")
	for _, name := range []string{"name", "email", "email-confirm", "kind"} {
		_ = cmd.MarkFlagRequired(name)
	}
}

func (f *newUserFlags) newUser(practiceID uint64) (accounts.NewUser, error) {
	kind, err := parseKind(f.kind)
	if err != nil {
		return accounts.NewUser{}, err
	}
	roles, err := parseRoles(f.roles)
	if err != nil {
		return accounts.NewUser{}, err
	}
	return accounts.NewUser{PracticeID: practiceID, Name: f.name, Kind: kind, Roles: roles,
		Email: f.email, EmailConfirm: f.confirm}, nil
}

func requesterFlag(cmd *cobra.Command, v *string, who string) {
	cmd.Flags().StringVar(v, "requested-by", "", "`LOGIN` of "+who+" (required, recorded)")
	_ = cmd.MarkFlagRequired("requested-by")
}

// reasonFlag adds the required --reason.
func reasonFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "reason", "", "why (`TEXT`, required, recorded)")
	_ = cmd.MarkFlagRequired("reason")
}
