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
// A key is suggested (V, A) only when accounts offers its action to this
// operator (el): a read-only operator is not pointed at keys they cannot
// use (R35), nor the operator who asked at an approval (R42).
func riskLines(st *common.Styles, r riskData, el []accounts.Eligibility, now time.Time, loc *time.Location) []string {
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
	out = append(out, label("Caller")+checkLine(st, r.Check, offered(el, accounts.ActionVerify), now))
	for _, a := range r.Pending {
		who := "another operator"
		if offered(el, accounts.ActionApproveClear) {
			who = "you (A approves)"
		}
		out = append(out, label("Four eyes")+st.Warn.Render(fmt.Sprintf("%s #%d by %s waits for %s", common.Sanitize(a.What()), a.ID, common.Sanitize(a.RequestedBy), who))+
			st.Muted.Render(" · "+common.Countdown(now, a.ExpiresAt)+" left (R42)"))
	}
	return out
}

// offered reports whether accounts offers action to the operator now.
func offered(el []accounts.Eligibility, action accounts.Action) bool {
	for _, e := range el {
		if e.Action == action {
			return e.OK
		}
	}
	return false
}

// checkLine is the newest caller check in words, its countdown computed
// now: "approval pending: waiting for Maria Lopez, owner · 12:40 left".
// canV says whether to suggest V (a new check) to this operator.
func checkLine(st *common.Styles, v *accounts.VerificationView, canV bool, now time.Time) string {
	hint := func(s string) string {
		if canV {
			return s
		}
		return ""
	}
	if v == nil {
		return st.Muted.Render("not verified" + hint(" · V verifies the caller") + " (R41)")
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
		return st.Muted.Render(head + ": recorded, never counts (R41)" + hint(" · V verifies the caller"))
	}
	return st.Muted.Render(head + ": " + string(state) + hint(" · V verifies the caller again"))
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
