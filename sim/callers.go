package sim

import (
	"fmt"

	"latchkey/accounts"
)

// Callers (R41-R43): people who phone the desk to have their MFA cleared.
// Real users pass an out-of-band check by reading back what only they can
// see (the code sent to their phone or email on file, or their app); the
// impostors know the user's personal details but can only guess a code.
// For these calls the simulator also plays the desk — two operators who
// follow the protocol — so the rules are tested against both sides; it
// does so only when Options.Callers is set.

// Desk operators the simulator plays for calls.
const (
	deskFirst  = "sim-desk-1"
	deskSecond = "sim-desk-2"
)

// KindCaller is a call to the desk: a real user who lost their phone, or
// an impostor with their personal details.
const KindCaller Kind = "caller"

// callLog is what the simulator remembers of calls, to check afterwards
// that no impostor ever got a clear.
type callLog struct {
	impostorChecks map[uint64]bool // verifications an impostor answered
	impostorUsers  map[uint64]int  // clears tried for impostors, by user
	clears         int
	fourEyes       int
	impostorsHeld  int
}

func (s *Simulator) caller() string {
	if s.calls.impostorChecks == nil {
		s.calls.impostorChecks, s.calls.impostorUsers = map[uint64]bool{}, map[uint64]int{}
	}
	if s.rng.IntN(10) == 0 {
		return s.reviewWatch()
	}
	u, ok := s.someone(func(u accounts.User) bool {
		return u.Status == accounts.StatusActive && u.MFA.Method != accounts.MFANone
	})
	if !ok {
		return "nobody with MFA"
	}
	if s.rng.IntN(3) == 0 {
		return s.impostor(u)
	}
	return s.realCaller(u)
}

// realCaller: the user lost their phone; the desk sends a code to what is on
// file (or asks the app, or an owner), the user reads it back, the desk
// clears — with a second operator where R42 says.
func (s *Simulator) realCaller(u accounts.User) string {
	op := accounts.Operator(deskFirst)
	start := accounts.VerifyStart{Method: accounts.VerifyCode}
	switch {
	case u.MFA.Method == accounts.MFAApp && s.rng.IntN(2) == 0:
		start.Method = accounts.VerifyApp // a new phone, the old one still working
	case u.MFA.Phone == "" && (!u.EmailVerified || u.Email == ""):
		start.Method = accounts.VerifyApproval
	case u.MFA.Phone == "":
		start.Channel = "email"
	}
	v, err := s.svc.StartVerification(op, u.ID, start)
	if err != nil {
		return "verify " + outcomeOf(err)
	}
	switch v.Method {
	case accounts.VerifyApp:
		code, err := s.svc.DemoTOTP(u.Login())
		if err != nil {
			return "no app code"
		}
		if v, err = s.svc.CheckVerification(op, v.ID, code); err != nil {
			return "app " + outcomeOf(err) // a code used at login moments ago
		}
	case accounts.VerifyCode:
		to := u.MFA.Phone
		if v.Channel == "email" {
			to = u.Email
		}
		code, ok := s.codeFor(to)
		if !ok {
			return "no code arrived"
		}
		if v, err = s.svc.CheckVerification(op, v.ID, code); err != nil {
			s.violation("R41: %s read back the code sent to %s and failed: %v", u.Login(), v.SentTo, err)
			return "check " + outcomeOf(err)
		}
	case accounts.VerifyApproval:
		link, ok := s.linkFor(v.Approver)
		if !ok {
			return "no approval link"
		}
		if v, err = s.svc.AnswerApproval(link, true); err != nil {
			return "approval " + outcomeOf(err)
		}
	}
	risk, _ := s.svc.Risk(u.ID)
	r, err := s.svc.ClearMFAVerified(op, u.ID, accounts.ClearMFARequest{Verification: v.ID, Reason: "lost phone (simulated call)"})
	if err != nil {
		return "clear " + outcomeOf(err)
	}
	if r.Pending == nil {
		if len(risk) > 0 {
			s.violation("R42: %s (%s) cleared without a second operator", u.Login(), riskNames(risk))
		}
		s.calls.clears++
		return "cleared at once"
	}
	if _, _, err := s.svc.ApproveRequest(op, r.Pending.ID, "my own request"); accounts.RuleOf(err) != "R42" {
		s.violation("R42: %s approved their own request #%d (%v)", deskFirst, r.Pending.ID, err)
	}
	if _, _, err := s.svc.ApproveRequest(accounts.Operator(deskSecond), r.Pending.ID, "four eyes: checked the call"); err != nil {
		return "approve " + outcomeOf(err)
	}
	s.calls.clears++
	s.calls.fourEyes++
	return "cleared with four eyes"
}

// impostor: knows the user's date of birth and employee id, cannot read the
// code. The desk records the knowledge, is refused a clear on it, sends a
// code to what is on file, and the impostor guesses until the check fails.
func (s *Simulator) impostor(u accounts.User) string {
	op := accounts.Operator(deskFirst)
	s.calls.impostorUsers[u.ID]++
	k, err := s.svc.StartVerification(op, u.ID, accounts.VerifyStart{Method: accounts.VerifyKnowledge, Note: "date of birth and employee id matched"})
	if err != nil {
		return "knowledge " + outcomeOf(err)
	}
	s.calls.impostorChecks[k.ID] = true
	if _, err := s.svc.ClearMFAVerified(op, u.ID, accounts.ClearMFARequest{Verification: k.ID, Reason: "caller knew the details"}); accounts.RuleOf(err) != "R41" {
		s.violation("R41: a knowledge check let an MFA clear of %s through (%v)", u.Login(), err)
	}
	start := accounts.VerifyStart{Method: accounts.VerifyCode}
	if u.MFA.Method == accounts.MFAApp && s.rng.IntN(2) == 0 {
		start.Method = accounts.VerifyApp
	} else if u.MFA.Phone == "" {
		start.Channel = "email"
	}
	v, err := s.svc.StartVerification(op, u.ID, start)
	if err != nil {
		return "verify " + outcomeOf(err)
	}
	s.calls.impostorChecks[v.ID] = true
	for range 6 {
		guess := fmt.Sprintf("%06d", s.rng.IntN(1_000_000))
		got, err := s.svc.CheckVerification(op, v.ID, guess)
		if err == nil && got.State == accounts.VerifyPassed {
			// One in a million per guess: the rule held, the dice did not.
			return "guessed a code"
		}
	}
	if got, _ := s.svc.Verification(v.ID); got.State != accounts.VerifyFailed {
		s.violation("R41: 6 wrong codes left verification #%d %s", v.ID, got.State)
	}
	if _, err := s.svc.ClearMFAVerified(op, u.ID, accounts.ClearMFARequest{Verification: v.ID, Reason: "caller insists"}); accounts.RuleOf(err) != "R41" {
		s.violation("R41: a failed check let an MFA clear of %s through (%v)", u.Login(), err)
	}
	s.calls.impostorsHeld++
	return "impostor held off"
}

// reviewWatch: an operator reviews the oldest enrolment on the watch list.
func (s *Simulator) reviewWatch() string {
	ws, err := s.svc.WatchList(false, 0)
	if err != nil || len(ws) == 0 {
		return "watch list empty"
	}
	w := ws[len(ws)-1]
	if _, err := s.svc.ReviewWatch(accounts.Operator(deskSecond), w.ID, "called back on the number on file: it was them"); err != nil {
		return "review " + outcomeOf(err)
	}
	return "watch reviewed"
}

func riskNames(rs []accounts.RiskSignal) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += ","
		}
		out += r.Signal
	}
	return out
}

// CheckClears reads the whole audit trail: every MFA clear used a passed
// code, app or approval check (R41), never one an impostor answered; every
// clear that went through four eyes names two different operators (R42).
func (s *Simulator) CheckClears() {
	var before uint64
	for {
		evs, err := s.svc.Audit(accounts.AuditQuery{Before: before, Limit: 2000})
		if err != nil {
			s.violation("audit: %v", err)
			return
		}
		if len(evs) == 0 {
			return
		}
		for _, e := range evs {
			before = e.Seq
			if e.Action != accounts.ActMFACleared || e.Outcome != accounts.OutcomeOK {
				continue
			}
			m := accounts.VerifyMethod(e.VerifyMethod)
			if e.Verification == 0 || !m.Counts() || e.VerifyResult != string(accounts.VerifyPassed) {
				s.violation("R41: MFA of %s cleared (event %d) without a passed check: %q %q", e.Target, e.Seq, e.VerifyMethod, e.VerifyResult)
			}
			if s.calls.impostorChecks[e.Verification] {
				s.violation("R41: an impostor's check #%d cleared the MFA of %s", e.Verification, e.Target)
			}
			if e.Approval != 0 && (e.ApprovedBy == "" || e.ApprovedBy == e.Actor) {
				s.violation("R42: clear of %s (event %d) approved by %q, asked by %q", e.Target, e.Seq, e.ApprovedBy, e.Actor)
			}
		}
		if before <= 1 {
			return
		}
	}
}
