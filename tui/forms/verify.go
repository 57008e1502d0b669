package forms

import (
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// SendVerification sends (or resends) the account-setup email (R4-R6). For
// a user who has not verified, a new login email may be entered, typed
// twice; the new link supersedes the old one.
type SendVerification struct {
	base
	UserID      uint64
	Login, Name string // sanitised
	email       *string
	confirm     *string
	reason      *string
}

// NewSendVerification returns the form for a user.
func NewSendVerification(c *common.Common, u accounts.User) *SendVerification {
	f := &SendVerification{base: base{c: c}, UserID: u.ID, Login: common.Sanitize(u.Login()), Name: common.Sanitize(u.Name),
		email: new(string), confirm: new(string), reason: new(string)}
	f.heading, f.sub = "Send the account-setup email to "+f.Name, f.Login
	f.note = "R5, R6: a new single-use link goes to the login email; any earlier link dies (superseded)."
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			huh.NewInput().Key("email").Title("New login email (optional)").
				Description("Leave empty to send to "+f.Login+". A new address must be personal and unused (R9).").
				CharLimit(254).Value(f.email),
			huh.NewInput().Key("email_confirm").Title("New login email again").
				Description("Only if you typed a new one (R4).").
				CharLimit(254).Value(f.confirm).Validate(sameEmail(f.email, true)),
			reasonInput(f.reason, "e.g. the caller never got the setup email"),
		)}
	})
	return f
}

// NewEmail is the new login email and its second typing ("" to keep).
func (f *SendVerification) NewEmail() (string, string) {
	return strings.TrimSpace(*f.email), strings.TrimSpace(*f.confirm)
}

// Request is why.
func (f *SendVerification) Request() accounts.Request {
	return accounts.Request{Reason: strings.TrimSpace(*f.reason)}
}
