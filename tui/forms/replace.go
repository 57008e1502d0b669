package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Replace inactivates a leaver and adds the newcomer in one step (R10): the
// license passes from one to the other, both audited. The requester must be
// allowed both (R20 and R3).
type Replace struct {
	base
	newcomer
	requesterHolder
	LeaverID          uint64
	Leaver, LeaverLog string // sanitised
	PracticeID        uint64
	reason            *string
}

// NewReplace returns the form for a leaver.
func NewReplace(c *common.Common, leaver accounts.User, v accounts.PracticeView) *Replace {
	f := &Replace{base: base{c: c}, newcomer: newNewcomer(), LeaverID: leaver.ID, Leaver: common.Sanitize(leaver.Name),
		LeaverLog: common.Sanitize(leaver.Login()), PracticeID: v.ID, reason: new(string)}
	f.people, f.requester = Allowed(AskReplace, v, &leaver), new(string)
	f.heading, f.sub = "Replace "+f.Leaver, f.LeaverLog
	f.note = "R10: an account belongs to one person for life. " + f.Leaver + " is inactivated and the newcomer " +
		"below gets a new account and the license, in one step."
	f.loud = true
	f.setup(func() []*huh.Group {
		groups := f.groups()
		groups = append(groups, huh.NewGroup(
			requesterSelect(AskReplace, f.people, f.requester),
			reasonInput(f.reason, "e.g. Dana replaces Lee at the front desk"),
		))
		return groups
	})
	return f
}

// Request is who asked and why.
func (f *Replace) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}
