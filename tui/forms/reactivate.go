package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Reactivate brings an inactive user back (R20): it needs a free license
// (R1) and the request of an owner, champion or admin (R3).
type Reactivate struct {
	base
	requesterHolder
	UserID      uint64
	Login, Name string // sanitised
	reason      *string
}

// NewReactivate returns the form for an inactive user of a practice.
func NewReactivate(c *common.Common, u accounts.User, v accounts.PracticeView) *Reactivate {
	f := &Reactivate{base: base{c: c}, UserID: u.ID, Login: common.Sanitize(u.Login()), Name: common.Sanitize(u.Name), reason: new(string)}
	f.people, f.requester = Allowed(AskAdd, v, nil), new(string)
	f.heading, f.sub = "Reactivate "+f.Name, f.Login
	f.note = licenseNote(v.Practice)
	f.loud = v.AtCapacity()
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			requesterSelect(AskAdd, f.people, f.requester),
			reasonInput(f.reason, "e.g. back from leave"),
		)}
	})
	return f
}

// Request is who asked and why.
func (f *Reactivate) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}
