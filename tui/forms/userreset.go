package forms

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// UserReset asks why a reset email is sent to a user without a verified
// login email — a legacy username user or an unverified one — and how the
// caller was verified (R8, R17). Both are required. The operator never sees
// or chooses the password (R15): the user picks it through the link.
type UserReset struct {
	c        *common.Common
	form     *huh.Form
	typing   typeahead
	UserID   uint64
	Login    string // sanitised
	Name     string // sanitised
	Legacy   bool
	reason   *string
	verified *string
}

// R17Note is what the form tells the operator before anything else.
const R17Note = "R17: a single-use reset link goes to the email on file for this account; " +
	"the user chooses the new password themselves. The desk never sets or reads a password (R15)."

// NewUserReset returns the reset-email form for a user.
func NewUserReset(c *common.Common, userID uint64, login, name string, legacy bool) *UserReset {
	u := &UserReset{c: c, UserID: userID, Login: login, Name: name, Legacy: legacy,
		reason: new(string), verified: new(string)}
	u.form = huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("reason").Title("Reason").
			Placeholder("e.g. forgot the password, no verified email to reset it").
			CharLimit(200).Value(u.reason).Validate(requiredFor("a reason", "R17")),
		huh.NewInput().Key("verified").Title("How was the caller verified?").
			Placeholder("e.g. called back on the number on file, confirmed date of birth").
			CharLimit(200).Value(u.verified).Validate(requiredFor("how the caller was verified", "R17")),
	)).WithKeyMap(pwKeyMap()).WithShowHelp(true).WithTheme(pwTheme(c))
	u.SetSize(c.Width, c.Height)
	return u
}

// requiredFor is a validator naming the rule that asks for the field.
func requiredFor(what, rule string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(what + " is required (" + rule + ")")
		}
		return nil
	}
}

// pwKeyMap is Huh's key map with esc as cancel; ctrl+c stays the console's quit.
func pwKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return km
}

// heading is a form's title with what it acts on in brackets, on the same
// line when it fits the screen, else on the next.
func heading(c *common.Common, title, sub string) string {
	st := c.Styles
	t, s := st.Title.Render(title), st.Muted.Render(" ("+sub+")")
	if lipgloss.Width(t)+lipgloss.Width(s) > c.Width {
		return t + "\n" + st.Muted.Render("("+sub+")")
	}
	return t + s
}

func pwTheme(c *common.Common) huh.Theme {
	isDark := c.Styles.IsDark
	return huh.ThemeFunc(func(bool) *huh.Styles { return huh.ThemeCharm(isDark) })
}

// Init focuses the first field.
func (u *UserReset) Init() tea.Cmd { return u.form.Init() }

// Update forwards a message to the form, keeping fast typing in the
// field it was meant for (typeahead.go).
func (u *UserReset) Update(msg tea.Msg) tea.Cmd {
	return u.typing.update(&u.form, msg)
}

// Done reports whether the operator submitted the form.
func (u *UserReset) Done() bool { return u.form.State == huh.StateCompleted }

// Aborted reports whether the operator cancelled the form.
func (u *UserReset) Aborted() bool { return u.form.State == huh.StateAborted }

// Request is what the operator entered.
func (u *UserReset) Request() accounts.Request {
	return accounts.Request{Reason: strings.TrimSpace(*u.reason), VerifiedBy: strings.TrimSpace(*u.verified)}
}

// SetSize fits the form to the screen.
func (u *UserReset) SetSize(w, _ int) {
	u.form = u.form.WithWidth(min(max(w-6, 20), 72))
}

// View draws the form under a heading naming the account.
func (u *UserReset) View() string {
	st := u.c.Styles
	kind := "email not verified"
	if u.Legacy {
		kind = "legacy username"
	}
	note := st.Warn.Width(min(max(u.c.Width-2, 20), 72)).Render(R17Note)
	return heading(u.c, "Send a password reset email to "+u.Name, u.Login+" · "+kind) + "\n" + note + "\n\n" + u.form.View()
}

// ShortHelp is the footer's list while the form is open.
func (u *UserReset) ShortHelp() []key.Binding { return formKeys }

// FullHelp is every key of the form.
func (u *UserReset) FullHelp() [][]key.Binding { return [][]key.Binding{formKeys} }
