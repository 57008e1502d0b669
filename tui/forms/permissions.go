package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Permissions sets a user's roles (R19) at an owner's request; the last
// active owner keeps the owner role (R2).
type Permissions struct {
	base
	requesterHolder
	UserID      uint64
	Login, Name string // sanitised
	Current     accounts.Roles
	roles       *[]string
	reason      *string
}

// NewPermissions returns the form for a user of a practice, with the
// current roles ticked.
func NewPermissions(c *common.Common, u accounts.User, v accounts.PracticeView) *Permissions {
	f := &Permissions{base: base{c: c}, UserID: u.ID, Login: common.Sanitize(u.Login()), Name: common.Sanitize(u.Name),
		Current: u.Roles, roles: new([]string), reason: new(string)}
	*f.roles = roleList(u.Roles)
	f.people, f.requester = Allowed(AskPermissions, v, nil), new(string)
	f.heading, f.sub = "Permissions of "+f.Name, f.Login+" · now "+u.Roles.String()
	f.note = "R19: a permission change needs the request of an owner of the practice, recorded."
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			rolesSelect(f.roles, accounts.Roles{}), // ticked from f.roles
			requesterSelect(AskPermissions, f.people, f.requester),
			reasonInput(f.reason, "e.g. new office manager"),
		)}
	})
	return f
}

// Roles are the roles chosen.
func (f *Permissions) Roles() accounts.Roles { return rolesOf(*f.roles) }

// Request is who asked and why.
func (f *Permissions) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}

// roleList is the roles as the multi-select's values.
func roleList(r accounts.Roles) []string {
	var out []string
	if r.Owner {
		out = append(out, "owner")
	}
	if r.Champion {
		out = append(out, "champion")
	}
	if r.Admin {
		out = append(out, "admin")
	}
	return out
}
