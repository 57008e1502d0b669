package panes

import (
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// startReset asks the root for the right password reset for the user shown
// (R16, R17): the root decides from whether the login email is verified.
func (d *Detail) startReset() tea.Cmd {
	dd := d.data
	return func() tea.Msg {
		return common.StartUserResetMsg{UserID: dd.ID, Login: dd.Login, Name: dd.Name, Status: dd.Status,
			EmailVerified: dd.EmailVerified, Legacy: dd.Legacy}
	}
}
