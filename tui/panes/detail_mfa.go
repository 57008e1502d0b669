package panes

import (
	"fmt"
	"time"

	"latchkey/accounts"
	"latchkey/tui/common"
)

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
