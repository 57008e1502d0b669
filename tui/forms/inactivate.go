package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Inactivate makes a user inactive (R20), at the request of an owner or a
// champion of the practice, or of the user themselves.
type Inactivate struct {
	base
	requesterHolder
	UserID      uint64
	Login, Name string // sanitised
	reason      *string
}

// NewInactivate returns the form for a user of a practice.
func NewInactivate(c *common.Common, u accounts.User, v accounts.PracticeView) *Inactivate {
	f := &Inactivate{base: base{c: c}, UserID: u.ID, Login: common.Sanitize(u.Login()), Name: common.Sanitize(u.Name), reason: new(string)}
	f.people, f.requester = Allowed(AskInactivate, v, &u), new(string)
	f.heading, f.sub = "Inactivate "+f.Name, f.Login
	f.note = "R20: inactivation frees the license, kills any live link and keeps all history. " +
		"A former employee is inactivated, never reassigned (R10)."
	f.loud = true
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			requesterSelect(AskInactivate, f.people, f.requester),
			reasonInput(f.reason, "e.g. left the practice on Friday"),
		)}
	})
	return f
}

// Request is who asked and why.
func (f *Inactivate) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}
