package actions

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// The fields several actions share. Who a requester field offers is what
// accounts.Requesters answered: the console decides nothing.

// personLabel is one line per person, so every allowed person is in view.
func personLabel(u accounts.User) string {
	label := common.Sanitize(u.Name)
	if r := u.Roles.String(); r != "—" {
		label += " (" + r + ")"
	}
	if u.Status == accounts.StatusPending {
		label += " pending"
	}
	label += " · " + common.Sanitize(u.Login())
	return ansi.Truncate(label, 62, "…")
}

// requester is who asked (R2, R3, R19, R20, R24): typed — a part of the
// name or the login is enough — and resolved against exactly the people
// accounts.Requesters allows; the field says who they are and whom the
// text matches. Nobody is recorded by default.
func requester(d *Data, v *dialog.Values) *huh.Input {
	return requesterIf(d, v, func() bool { return true })
}

// requesterIf is the requester field of an action that needs one only
// sometimes (needed says when): otherwise it may stay empty.
func requesterIf(d *Data, v *dialog.Values, needed func() bool) *huh.Input {
	r := d.Requesters
	var names, logins []string
	for _, u := range r.People {
		names = append(names, personLabel(u))
		logins = append(logins, u.Login())
	}
	desc := r.Rule + " allows: " + strings.Join(names, "; ")
	if len(names) > 4 {
		desc = r.Rule + " allows " + strconv.Itoa(len(names)) + " people: " + strings.Join(names[:4], "; ") + "; …"
	}
	return huh.NewInput().Key("requester").Title("Requested by — " + r.Rule + ": " + r.Who).
		Description(desc + " · type a part of the name or login").
		Placeholder("who asked").CharLimit(254).Suggestions(logins).Value(v.S("requester")).
		Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				if !needed() {
					return nil
				}
				return errors.New("record who asked (" + r.Rule + ")")
			}
			_, err := whoAsked(r, s)
			return err
		})
}

// whoAsked resolves what was typed to one allowed person: their login
// exactly, else the one whose name or login contains the text.
func whoAsked(r accounts.Requesters, typed string) (accounts.User, error) {
	t := strings.ToLower(strings.TrimSpace(typed))
	var found []accounts.User
	for _, u := range r.People {
		if strings.ToLower(u.Login()) == t {
			return u, nil
		}
		if strings.Contains(strings.ToLower(u.Name), t) || strings.Contains(strings.ToLower(u.Login()), t) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return accounts.User{}, errors.New("nobody " + r.Rule + " allows matches " + strconv.Quote(typed) + ": " + r.Who)
	}
	names := make([]string, len(found))
	for i, u := range found {
		names[i] = common.Sanitize(u.Login())
	}
	return accounts.User{}, errors.New(strconv.Quote(typed) + " matches " + strings.Join(names, ", ") + ": type more")
}

// request is who asked and why, with the version of the user the form was
// opened on: a user someone else changed meanwhile is refused, not acted on
// twice (R35).
func request(d *Data, v *dialog.Values) accounts.Request {
	asker := v.Str("requester")
	if u, err := whoAsked(d.Requesters, asker); err == nil {
		asker = u.Login()
	}
	return accounts.Request{Requester: asker, Reason: v.Str("reason"), VerifiedBy: v.Str("verified"),
		Version: d.Version}
}

// verified is how the caller was verified as the person acted on. Its
// example names no knowledge question: those never count (R41).
func verified(v *dialog.Values, rule string) *huh.Input {
	return dialog.Text(v, "verified", "How was the caller verified?", 200).
		Placeholder("e.g. called back on the number on file").
		Validate(dialog.RequiredBy("how the caller was verified", rule))
}

// newcomerGroups are the fields of a new user (R4: the login email twice).
func newcomerGroups(v *dialog.Values) []*huh.Group {
	return []*huh.Group{
		huh.NewGroup(
			dialog.Text(v, "name", "Name", 120).Placeholder("the person's full name").Validate(dialog.Required("a name")),
			huh.NewSelect[string]().Key("kind").Title("Kind").Options(
				huh.NewOption("office staff", string(accounts.KindStaff)),
				huh.NewOption("provider", string(accounts.KindProvider)),
			).Value(v.S("kind")),
			rolesSelect(v),
		),
		huh.NewGroup(
			huh.NewInput().Key("email").Title("Login email").
				Description("Personal: shared mailboxes (info@, frontdesk@…) are refused (R9). Up to 254 characters.").
				Placeholder("name@example.com").CharLimit(254).Value(v.S("email")).Validate(dialog.Required("a login email")),
			huh.NewInput().Key("email_confirm").Title("Login email again").
				Description("Typed twice, the two must match (R4).").
				CharLimit(254).Value(v.S("email_confirm")).Validate(sameEmail(v.S("email"), false)),
		),
	}
}

// newUser is the newcomer typed, for the service.
func newUser(practiceID uint64, v *dialog.Values) accounts.NewUser {
	return accounts.NewUser{PracticeID: practiceID, Name: v.Str("name"), Kind: accounts.Kind(v.Str("kind")),
		Roles: rolesOf(v.List("roles")), Email: v.Str("email"), EmailConfirm: v.Str("email_confirm")}
}

// rolesSelect is the multi-select of owner, champion and admin, ticked from
// the values.
func rolesSelect(v *dialog.Values) *huh.MultiSelect[string] {
	cur := rolesOf(v.List("roles"))
	return huh.NewMultiSelect[string]().Key("roles").Title("Roles").
		Description("x or space toggles; none is fine.").Options(
		huh.NewOption("owner (financial decision maker)", "owner").Selected(cur.Owner),
		huh.NewOption("champion", "champion").Selected(cur.Champion),
		huh.NewOption("admin (admin privileges)", "admin").Selected(cur.Admin),
	).Value(v.L("roles")).Height(5)
}

func rolesOf(list []string) accounts.Roles {
	var r accounts.Roles
	for _, s := range list {
		switch s {
		case "owner":
			r.Owner = true
		case "champion":
			r.Champion = true
		case "admin":
			r.Admin = true
		}
	}
	return r
}

// sameEmail checks the second typing of a login email against the first (R4).
func sameEmail(first *string, optional bool) func(string) error {
	return func(s string) error {
		a, b := strings.ToLower(strings.TrimSpace(*first)), strings.ToLower(strings.TrimSpace(s))
		if a == "" && optional {
			if b != "" {
				return errors.New("type the new email in the first field too (R4)")
			}
			return nil
		}
		if a != b {
			return errors.New("the two login emails do not match (R4)")
		}
		return nil
	}
}

// licenseNote is what a form that takes a license says first (R1).
func licenseNote(p accounts.Practice) string {
	return "R1: a new user takes a free license — " + itoa(p.InUse) + " of " + itoa(p.Purchased) + " in use."
}

func itoa(n int) string { return strconv.Itoa(n) }

// asked is the person recorded as asking, as the confirm names them.
func asked(d *Data, v *dialog.Values) string {
	u, err := whoAsked(d.Requesters, v.Str("requester"))
	if err != nil {
		return common.Sanitize(v.Str("requester"))
	}
	return common.Sanitize(u.Name) + " (" + common.Sanitize(u.Login()) + ")"
}
