package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// newcomer holds the fields of a new user (R4: the login email typed twice).
type newcomer struct {
	name, kind, email, confirm *string
	roles                      *[]string
}

func newNewcomer() newcomer {
	n := newcomer{name: new(string), kind: new(string), email: new(string), confirm: new(string), roles: new([]string)}
	*n.kind = string(accounts.KindStaff)
	return n
}

func (n newcomer) groups() []*huh.Group {
	return []*huh.Group{
		huh.NewGroup(
			huh.NewInput().Key("name").Title("Name").Placeholder("the person's full name").
				CharLimit(120).Value(n.name).Validate(required("a name")),
			huh.NewSelect[string]().Key("kind").Title("Kind").Options(
				huh.NewOption("office staff", string(accounts.KindStaff)),
				huh.NewOption("provider", string(accounts.KindProvider)),
			).Value(n.kind),
			rolesSelect(n.roles, accounts.Roles{}),
		),
		huh.NewGroup(
			huh.NewInput().Key("email").Title("Login email").
				Description("Personal: shared mailboxes (info@, frontdesk@…) are refused (R9).").
				Placeholder("name@example.com").CharLimit(254).Value(n.email).Validate(required("a login email")),
			huh.NewInput().Key("email_confirm").Title("Login email again").
				Description("Typed twice, the two must match (R4).").
				CharLimit(254).Value(n.confirm).Validate(sameEmail(n.email, false)),
		),
	}
}

// NewUser is what was entered, for the service.
func (n newcomer) NewUser(practiceID uint64) accounts.NewUser {
	return accounts.NewUser{PracticeID: practiceID, Name: strings.TrimSpace(*n.name), Kind: accounts.Kind(*n.kind),
		Roles: rolesOf(*n.roles), Email: strings.TrimSpace(*n.email), EmailConfirm: strings.TrimSpace(*n.confirm)}
}

// rolesSelect is the multi-select of owner, champion and admin.
func rolesSelect(v *[]string, cur accounts.Roles) *huh.MultiSelect[string] {
	return huh.NewMultiSelect[string]().Key("roles").Title("Roles").
		Description("x or space toggles; none is fine.").Options(
		huh.NewOption("owner (financial decision maker)", "owner").Selected(cur.Owner),
		huh.NewOption("champion", "champion").Selected(cur.Champion),
		huh.NewOption("admin (admin privileges)", "admin").Selected(cur.Admin),
	).Value(v).Height(5) // its title, description and three options: all shown
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

// AddUser adds a user to a practice (R1, R3, R4, R9): name, kind, roles,
// the login email typed twice, who asked (an owner, champion or admin of
// the practice) and why; the setup email can go at once.
type AddUser struct {
	base
	newcomer
	requesterHolder
	PracticeID uint64
	Practice   string // sanitised
	reason     *string
	sendNow    *bool
}

// NewAddUser returns the add-user form for a practice.
func NewAddUser(c *common.Common, v accounts.PracticeView) *AddUser {
	f := &AddUser{base: base{c: c}, newcomer: newNewcomer(), PracticeID: v.ID, Practice: common.Sanitize(v.Name),
		reason: new(string), sendNow: new(bool)}
	f.people, f.requester = Allowed(AskAdd, v, nil), new(string)
	*f.sendNow = true
	f.heading, f.sub = "Add a user to "+f.Practice, "#"+itoa(v.ID)
	f.note = licenseNote(v.Practice)
	f.loud = v.AtCapacity()
	f.setup(func() []*huh.Group {
		groups := f.groups()
		groups = append(groups, huh.NewGroup(
			requesterSelect(AskAdd, f.people, f.requester),
			reasonInput(f.reason, "e.g. new hire starting Monday"),
			huh.NewConfirm().Key("send").Title("Send the account-setup email now? (R4)").
				Affirmative("Send").Negative("Later").Value(f.sendNow),
		))
		return groups
	})
	return f
}

// Request is who asked and why.
func (f *AddUser) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}

// SendNow reports whether the setup email goes at once.
func (f *AddUser) SendNow() bool { return *f.sendNow }

func licenseNote(p accounts.Practice) string {
	s := "R1: a new user takes a free license — " + itoa(uint64(p.InUse)) + " of " + itoa(uint64(p.Purchased)) + " in use."
	if p.AtCapacity() {
		s += " AT CAPACITY: the service will refuse until an owner's license request is fulfilled (L in the practice)."
	}
	return s
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
