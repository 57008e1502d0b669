package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// RequireMFA turns a practice's MFA requirement on or off (R24): all its
// users or none, only by an operator, at the request of an owner or admin.
type RequireMFA struct {
	base
	requesterHolder
	PracticeID uint64
	Practice   string // sanitised
	On         bool   // the requirement asked for
	reason     *string
}

// NewRequireMFA returns the form that flips a practice's requirement.
func NewRequireMFA(c *common.Common, v accounts.PracticeView) *RequireMFA {
	f := &RequireMFA{base: base{c: c}, PracticeID: v.ID, Practice: common.Sanitize(v.Name), On: !v.MFARequired, reason: new(string)}
	f.people, f.requester = Allowed(AskRequireMFA, v, nil), new(string)
	if f.On {
		f.heading = "Require MFA at " + f.Practice
		f.note = "R24: every user of the practice must use MFA; a user without it must enrol at their next login before reaching the dashboard."
	} else {
		f.heading = "Stop requiring MFA at " + f.Practice
		f.note = "R24: MFA becomes optional for every user of the practice; users who enabled it keep it (R25)."
	}
	f.sub, f.loud = "#"+itoa(v.ID), true
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			requesterSelect(AskRequireMFA, f.people, f.requester),
			reasonInput(f.reason, "e.g. the practice's security policy"),
		)}
	})
	return f
}

// Request is who asked and why.
func (f *RequireMFA) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}
