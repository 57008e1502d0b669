package panes

import (
	"fmt"
	"strings"
	"time"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// riskData is what the detail shows of caller verification and risk
// (R41-R43): the user's risk signals, the newest caller check, and any
// clear waiting for a second operator.
type riskData struct {
	Risk    []accounts.RiskSignal
	Check   *accounts.VerificationView
	Pending []accounts.ApprovalView
}

// loadRisk reads it (in the detail's query command).
func loadRisk(svc common.Service, userID uint64) (riskData, error) {
	var r riskData
	var err error
	if r.Risk, err = svc.Risk(userID); err != nil {
		return r, err
	}
	vs, err := svc.Verifications(userID, 1)
	if err != nil {
		return r, err
	}
	if len(vs) > 0 {
		r.Check = &vs[0]
	}
	ap, err := svc.Approvals(false, 200)
	for _, a := range ap {
		if a.UserID == userID {
			r.Pending = append(r.Pending, a)
		}
	}
	return r, err
}

// riskLines draw the signals as worded badges (never colour alone), the
// caller check with its live state and countdown, and pending four eyes.
func riskLines(st *common.Styles, r riskData, me string, now time.Time, loc *time.Location) []string {
	label := func(s string) string { return st.Label.Render(fmt.Sprintf("%-11s", s)) }
	var out []string
	if len(r.Risk) == 0 {
		out = append(out, label("Risk")+st.Muted.Render("no signals (R42)"))
	} else {
		parts := make([]string, 0, len(r.Risk))
		for _, s := range r.Risk {
			p := st.Warn.Render("[" + s.Label() + "]")
			if !s.Since.IsZero() {
				p += st.Muted.Render(" since " + common.Clock(s.Since, now, loc))
			}
			parts = append(parts, p)
		}
		out = append(out, label("Risk")+strings.Join(parts, " "))
	}
	out = append(out, label("Caller")+checkLine(st, r.Check, now))
	for _, a := range r.Pending {
		who := "another operator"
		if a.RequestedBy != me {
			who = "you (A approves)"
		}
		out = append(out, label("Four eyes")+st.Warn.Render(fmt.Sprintf("MFA clear #%d by %s waits for %s", a.ID, common.Sanitize(a.RequestedBy), who))+
			st.Muted.Render(" · "+common.Countdown(now, a.ExpiresAt)+" left (R42)"))
	}
	return out
}

// checkLine is the newest caller check in words, its countdown computed
// now: "approval pending: waiting for Maria Lopez, owner · 12:40 left".
func checkLine(st *common.Styles, v *accounts.VerificationView, now time.Time) string {
	if v == nil {
		return st.Muted.Render("not verified · V verifies the caller (R41)")
	}
	state := v.State
	if (state == accounts.VerifyStarted || state == accounts.VerifyPassed || state == accounts.VerifyRecorded) && !now.Before(v.ExpiresAt) {
		state = accounts.VerifyExpired
	}
	head := fmt.Sprintf("#%d %s", v.ID, describeMethod(v))
	left := st.Muted.Render(" · " + common.Countdown(now, v.ExpiresAt) + " left · by " + common.Sanitize(v.Operator))
	switch state {
	case accounts.VerifyStarted:
		if v.Method == accounts.VerifyApproval {
			return st.Warn.Render("approval pending: waiting for "+common.Sanitize(v.ApproverName)+", "+v.ApproverRole) + left
		}
		return st.Warn.Render(head+": waiting for the caller to read the code back") + left
	case accounts.VerifyPassed:
		return st.Operator.Render(head+": PASSED, good for one action") + left
	case accounts.VerifyRecorded:
		return st.Muted.Render(head + ": recorded, never counts (R41) · V verifies the caller")
	}
	return st.Muted.Render(head + ": " + string(state) + " · V verifies the caller again")
}

func describeMethod(v *accounts.VerificationView) string {
	switch v.Method {
	case accounts.VerifyCode:
		return "code by " + v.Channel + " to " + v.SentTo
	case accounts.VerifyApp:
		return "app code"
	case accounts.VerifyApproval:
		return "approval by " + common.Sanitize(v.ApproverName)
	}
	return "knowledge"
}
