package panes

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// The user detail's actions of issues 4 and 6: a v x r p R m, and Q for the
// user's side of an app enrolment in a demo database.

// actionKey starts the action a key names on the user shown, or returns nil.
func (d *Detail) actionKey(msg tea.KeyPressMsg) tea.Cmd {
	if d.data == nil {
		return nil
	}
	k, u := d.c.Keys, d.data
	switch {
	case key.Matches(msg, k.AddUser):
		return func() tea.Msg { return common.StartActionMsg{Action: common.ActAddUser, PracticeID: u.PracticeID} }
	case key.Matches(msg, k.ShowQR) && d.canShowQR():
		return func() tea.Msg {
			return common.StartActionMsg{Action: common.ActShowQR, UserID: u.ID, PracticeID: u.PracticeID}
		}
	}
	if a, ok := userAction(k, msg); ok {
		return func() tea.Msg { return common.StartActionMsg{Action: a, UserID: u.ID, PracticeID: u.PracticeID} }
	}
	return nil
}

// canShowQR: the user is setting up an authenticator app, in a demo database.
func (d *Detail) canShowQR() bool {
	return d.data != nil && d.data.MFA.Enrolling == accounts.MFAApp && d.c.Svc.IsDemo()
}

// actionKeys are the action keys that apply to the user shown.
func (d *Detail) actionKeys() []key.Binding {
	if d.data == nil {
		return nil
	}
	k := d.c.Keys
	out := []key.Binding{k.AddUser}
	out = append(out, userActionKeys(k, d.data.Status, d.data.MFA.StateOfMFA != accounts.MFAStateNone)...)
	if d.canShowQR() {
		out = append(out, k.ShowQR)
	}
	return out
}

// mfaLines draw a user's MFA (R21-R26): the method with its strength, the
// phone masked to its last 4 digits, when it was enrolled and last used, a
// method being set up, and whether the practice makes them enrol.
func mfaLines(st *common.Styles, v accounts.MFAView, now time.Time, loc *time.Location) []string {
	label := st.Label.Render(fmt.Sprintf("%-11s", "MFA"))
	indent := st.Label.Render(fmt.Sprintf("%-11s", ""))
	var out []string
	if v.Method == accounts.MFANone {
		line := "none"
		if v.MustEnroll {
			line += "  " + st.Warn.Render("MUST ENROL") + " (practice requires MFA, R24): at the next login, before the dashboard"
		}
		out = append(out, label+line)
	} else {
		line := v.MethodLabel + st.Muted.Render(" · ") + v.Strength
		if v.Phone != "" {
			line += st.Muted.Render(" · phone ") + v.Phone
		}
		out = append(out, label+line)
		used := "never used"
		if !v.LastUsedAt.IsZero() {
			used = "last used " + common.Clock(v.LastUsedAt, now, loc)
		}
		out = append(out, indent+st.Muted.Render("enrolled "+common.Clock(v.EnrolledAt, now, loc)+" · "+used))
	}
	if v.Enrolling != accounts.MFANone {
		out = append(out, indent+st.Warn.Render("enrolling "+accounts.MethodLabel(v.Enrolling))+
			st.Muted.Render(" (not active until one code from it is verified, R22)"))
	}
	if v.Required && v.Method != accounts.MFANone {
		out[0] += st.Muted.Render("  (practice requires MFA)")
	}
	return out
}
