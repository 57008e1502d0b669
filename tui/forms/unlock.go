// Package forms holds one file per action form (Huh v2). A form collects
// what an action needs; the root confirms it and runs the action.
package forms

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// Unlock asks why an account is unlocked and how the caller was verified as
// the locked-out user themselves (R13). Both are required.
type Unlock struct {
	c        *common.Common
	form     *huh.Form
	typing   typeahead
	UserID   uint64
	Login    string // sanitised
	Name     string // sanitised
	reason   *string
	verified *string
}

// R13Warning is what the form tells the operator before anything else.
const R13Warning = "R13: the person asking must be the locked-out user themselves. " +
	"Never unlock an account for a colleague, a manager or anyone calling on someone else's behalf."

// NewUnlock returns the unlock form for a user.
func NewUnlock(c *common.Common, userID uint64, login, name string) *Unlock {
	u := &Unlock{c: c, UserID: userID, Login: login, Name: name, reason: new(string), verified: new(string)}
	required := func(what string) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(what + " is required (R13)")
			}
			return nil
		}
	}
	km := huh.NewDefaultKeyMap()
	// esc cancels the form; ctrl+c stays the console's quit.
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	isDark := c.Styles.IsDark
	u.form = huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("reason").Title("Reason").
			Placeholder("why the account is unlocked now").
			CharLimit(200).Value(u.reason).Validate(required("a reason")),
		huh.NewInput().Key("verified").Title("How was the caller verified?").
			Placeholder("e.g. called back on the number on file, confirmed date of birth").
			CharLimit(200).Value(u.verified).Validate(required("how the caller was verified")),
	)).WithKeyMap(km).WithShowHelp(true).
		WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return huh.ThemeCharm(isDark) }))
	u.SetSize(c.Width, c.Height)
	return u
}

// Init focuses the first field.
func (u *Unlock) Init() tea.Cmd { return u.form.Init() }

// Update forwards a message to the form, keeping fast typing in the
// field it was meant for (typeahead.go).
func (u *Unlock) Update(msg tea.Msg) tea.Cmd {
	return u.typing.update(&u.form, msg)
}

// Done reports whether the operator submitted the form.
func (u *Unlock) Done() bool { return u.form.State == huh.StateCompleted }

// Aborted reports whether the operator cancelled the form.
func (u *Unlock) Aborted() bool { return u.form.State == huh.StateAborted }

// Request is what the operator entered.
func (u *Unlock) Request() accounts.Request {
	return accounts.Request{Reason: strings.TrimSpace(*u.reason), VerifiedBy: strings.TrimSpace(*u.verified)}
}

// SetSize fits the form to the screen.
func (u *Unlock) SetSize(w, _ int) {
	u.form = u.form.WithWidth(min(max(w-6, 20), 72))
}

// View draws the form under a heading naming the account.
func (u *Unlock) View() string {
	st := u.c.Styles
	warn := st.Warn.Width(min(max(u.c.Width-2, 20), 72)).Render(R13Warning)
	return st.Title.Render("Unlock "+u.Name) + st.Muted.Render(" ("+u.Login+")") + "\n" + warn + "\n\n" + u.form.View()
}

// ShortHelp is the footer's list while the form is open.
func (u *Unlock) ShortHelp() []key.Binding { return formKeys }

// FullHelp is every key of the form.
func (u *Unlock) FullHelp() [][]key.Binding { return [][]key.Binding{formKeys} }

var formKeys = []key.Binding{
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/tab", "next field")),
	key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
	key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
}
