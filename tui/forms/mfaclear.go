package forms

import (
	"errors"
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// R26Warning is what the MFA clear form says before anything else: the help
// desk is the favourite target of social engineering.
const R26Warning = "R26: clearing MFA lets whoever holds the password in without a second factor. " +
	"Callers pretending to be a user are the classic attack on a help desk: verify the caller's identity " +
	"before anything else, and record how. The user is told on their login email."

// ClearMFA clears a user's MFA (R25, R26). It cannot be submitted without
// the identity-verification record: one of accounts.IdentityChecks, a note
// of what was checked, and a reason.
type ClearMFA struct {
	base
	UserID      uint64
	Login, Name string // sanitised
	Method      string
	check       *string
	checkNote   *string
	reason      *string
}

// chooseCheck is the placeholder the check select opens on: it cannot be
// submitted.
const chooseCheck = "— choose how the caller was verified —"

// NewClearMFA returns the form for a user.
func NewClearMFA(c *common.Common, u accounts.User) *ClearMFA {
	f := &ClearMFA{base: base{c: c}, UserID: u.ID, Login: common.Sanitize(u.Login()), Name: common.Sanitize(u.Name),
		Method: accounts.MethodLabel(u.MFA.Method), check: new(string), checkNote: new(string), reason: new(string)}
	f.heading, f.sub = "Clear the MFA of "+f.Name, f.Login+" · "+accounts.MFAStrength(u.MFA.Method)
	f.note, f.loud = R26Warning, true
	opts := []huh.Option[string]{huh.NewOption(chooseCheck, "")}
	for _, c := range accounts.IdentityChecks {
		opts = append(opts, huh.NewOption(c, c))
	}
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			huh.NewSelect[string]().Key("verified_by").Title("How was the caller's identity verified?").
				Options(opts...).Value(f.check).Validate(func(s string) error {
				if s == "" {
					return errors.New("record how the caller's identity was verified (R26)")
				}
				return nil
			}),
			huh.NewInput().Key("verification_note").Title("What was checked").
				Placeholder("e.g. called back +1 503 555 0142 on file, confirmed DOB").
				CharLimit(200).Value(f.checkNote).Validate(required("a note of what was checked (R26)")),
			huh.NewInput().Key("reason").Title("Reason").Placeholder("e.g. lost phone").
				CharLimit(200).Value(f.reason).Validate(required("a reason (R26)")),
		)}
	})
	return f
}

// Record is the identity check chosen, its note and the reason.
func (f *ClearMFA) Record() (check, note, reason string) {
	return *f.check, strings.TrimSpace(*f.checkNote), strings.TrimSpace(*f.reason)
}
