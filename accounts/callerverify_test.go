package accounts

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// smsUser is a staff member of a new practice (not privileged) with SMS MFA
// enrolled 8 days ago, so no risk signal holds yet (R42).
func smsUser(t *testing.T, s *Service, clock *FakeClock) (Practice, User, User) {
	t.Helper()
	p, owner, _ := practiceWith(t, s, "Call Desk Clinic", 10)
	u := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0199"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, "+15032530199")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * time.Hour)
	return p, owner, mustUser(t, s, u.ID)
}

// passedCode starts a code check of u by op and reads the code back.
func passedCode(t testing.TB, s *Service, op string, u User, channel string) VerificationView {
	t.Helper()
	v, err := s.StartVerification(Operator(op), u.ID, VerifyStart{Method: VerifyCode, Channel: channel})
	if err != nil {
		t.Fatal(err)
	}
	to := u.MFA.Phone
	if v.Channel == "email" {
		to = u.Email
	}
	v, err = s.CheckVerification(Operator(op), v.ID, codeIn(t, s, to))
	if err != nil || v.State != VerifyPassed {
		t.Fatalf("check: %+v %v", v, err)
	}
	return v
}

// R41: the verification machines allow exactly their tables, and every
// state is reachable; so do the four-eyes and watch-list machines (R42, R43).
func TestVerificationMachinesClosed(t *testing.T) {
	states := []VerifyState{"", VerifyStarted, VerifyPassed, VerifyFailed, VerifyExpired, VerifyUsed, VerifyRecorded}
	want := map[[2]VerifyState]bool{
		{"", VerifyStarted}: true, {"", VerifyRecorded}: true,
		{VerifyStarted, VerifyPassed}: true, {VerifyStarted, VerifyFailed}: true, {VerifyStarted, VerifyExpired}: true,
		{VerifyPassed, VerifyUsed}: true, {VerifyPassed, VerifyExpired}: true,
		{VerifyRecorded, VerifyUsed}: true, {VerifyRecorded, VerifyExpired}: true,
	}
	for _, from := range states {
		for _, to := range states {
			if err := verifyTransition(from, to); want[[2]VerifyState{from, to}] != (err == nil) {
				t.Errorf("verification %q -> %q: %v", from, to, err)
			}
		}
	}
	if r := reachable(verifyTransitions, ""); len(r) != len(states) {
		t.Errorf("reachable verification states %v", r)
	}
	ast := []ApprovalState{"", ApprovalPending, ApprovalApproved, ApprovalDenied, ApprovalExpired}
	for _, from := range ast {
		for _, to := range ast {
			ok := (from == "" && to == ApprovalPending) || (from == ApprovalPending && to != "" && to != ApprovalPending)
			if err := approvalTransition(from, to); ok != (err == nil) {
				t.Errorf("approval %q -> %q: %v", from, to, err)
			}
		}
	}
	if r := reachable(approvalTransitions, ""); len(r) != len(ast) {
		t.Errorf("reachable approval states %v", r)
	}
	ws := []WatchState{"", WatchOpen, WatchReviewed}
	for _, from := range ws {
		for _, to := range ws {
			ok := (from == "" && to == WatchOpen) || (from == WatchOpen && to == WatchReviewed)
			if err := watchTransition(from, to); ok != (err == nil) {
				t.Errorf("watch %q -> %q: %v", from, to, err)
			}
		}
	}
}

func reachable[S comparable](table map[S][]S, start S) map[S]bool {
	r := map[S]bool{start: true}
	for changed := true; changed; {
		changed = false
		for from, tos := range table {
			for _, to := range tos {
				if r[from] && !r[to] {
					r[to], changed = true, true
				}
			}
		}
	}
	return r
}

// R41: a code goes only to the phone or email on file — the request has no
// destination, and an unknown channel (such as a number the caller gives)
// is refused; the message goes to the number on file.
func TestVerifyCodeOnlyToWhatIsOnFile(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	before, _ := s.outbox(OutboxQuery{Limit: 1000})
	_, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode, Channel: "+15035550123"})
	if _, ok := err.(*FieldError); !ok || !strings.Contains(err.Error(), "on file") {
		t.Fatalf("a caller-given number was accepted: %v", err)
	}
	if after, _ := s.outbox(OutboxQuery{Limit: 1000}); len(after) != len(before) {
		t.Fatal("a message went out for a refused check")
	}
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.outbox(OutboxQuery{Limit: 1})
	if msgs[0].To != u.MFA.Phone || msgs[0].Kind != MessageSMS || v.SentTo == u.MFA.Phone {
		t.Fatalf("code went to %s (%s), shown as %s", msgs[0].To, msgs[0].Kind, v.SentTo)
	}
	v2, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if msgs, _ = s.outbox(OutboxQuery{Limit: 1}); msgs[0].To != u.Email || v2.Channel != "email" {
		t.Fatalf("email code went to %s", msgs[0].To)
	}
}

// R41: a code check passes once with the code read back; five wrong codes
// fail it for good; a failed check vouches for nothing.
func TestVerifyCodeStateMachine(t *testing.T) {
	s, clock := newTestService(t)
	p, _, u := smsUser(t, s, clock)
	_ = p
	v, _ := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode})
	if v.State != VerifyStarted || v.Channel != "sms" {
		t.Fatalf("start: %+v", v)
	}
	code := codeIn(t, s, u.MFA.Phone)
	// The count left reads as said: "1 attempt left" (R31).
	left := []string{"", "(4 attempts left)", "(3 attempts left)", "(2 attempts left)", "(1 attempt left)", "failed after 5 wrong codes"}
	for i := 1; i <= 5; i++ {
		got, err := s.CheckVerification(Operator("dana"), v.ID, wrongCode(code))
		wantRule(t, err, "R41")
		if !strings.Contains(err.Error(), left[i]) {
			t.Fatalf("wrong code %d: %v, want %q", i, err, left[i])
		}
		if i < 5 && got.State != VerifyStarted || i == 5 && got.State != VerifyFailed {
			t.Fatalf("after %d wrong codes: %s", i, got.State)
		}
	}
	_, err := s.CheckVerification(Operator("dana"), v.ID, code)
	wantRule(t, err, "R41")
	if got, _ := s.Verification(v.ID); got.State != VerifyFailed {
		t.Fatalf("the right code revived a failed check: %s", got.State)
	}
	// A failed check cannot vouch for an unlock.
	_ = failLogins(t, s, u.Email, 5)
	_, err = s.Unlock(Operator("dana"), u.ID, Request{Reason: "locked", Verification: v.ID})
	wantRule(t, err, "R41")
}

// R41: a check is valid within 15 minutes of its start and for one action.
func TestVerifyExpiryAndSingleUse(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	_ = failLogins(t, s, u.Email, 5)

	v := passedCode(t, s, "dana", u, "")
	clock.Advance(VerificationTTL)
	if got, _ := s.Verification(v.ID); got.State != VerifyExpired {
		t.Fatalf("at 15 minutes: %s", got.State)
	}
	_, err := s.Unlock(Operator("dana"), u.ID, Request{Reason: "locked", Verification: v.ID})
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "15 minutes") {
		t.Fatalf("refusal does not say why: %v", err)
	}
	if mustUser(t, s, u.ID).LockedNow(s.Now()) == false {
		t.Fatal("unlocked by an expired check")
	}

	// Passed, used just before 15 minutes are up: once only.
	v = passedCode(t, s, "dana", u, "")
	clock.Advance(VerificationTTL - time.Second)
	if _, err := s.Unlock(Operator("dana"), u.ID, Request{Reason: "locked", Verification: v.ID}); err != nil {
		t.Fatal(err)
	}
	ev := lastEvent(t, s, ActAccountUnlocked)
	if ev.Verification != v.ID || ev.VerifyMethod != "code" || ev.VerifyResult != "passed" || !strings.Contains(ev.VerifiedBy, "code by sms") {
		t.Fatalf("unlock event does not record the check: %+v", ev)
	}
	if got, _ := s.Verification(v.ID); got.State != VerifyUsed || got.UsedFor != ActAccountUnlocked {
		t.Fatalf("after use: %+v", got)
	}
	_ = failLogins(t, s, u.Email, 5)
	_, err = s.Unlock(Operator("dana"), u.ID, Request{Reason: "again", Verification: v.ID})
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "already used") {
		t.Fatalf("refusal: %v", err)
	}
	// Another operator cannot borrow dana's check.
	v = passedCode(t, s, "dana", u, "")
	_, err = s.Unlock(Operator("eli"), u.ID, Request{Reason: "locked", Verification: v.ID})
	wantRule(t, err, "R41")
}

// R41, R23: the app check takes the authenticator's current code once; the
// code a login used cannot pass a check, and a checked code cannot log in.
func TestVerifyAppReplayGuard(t *testing.T) {
	s, clock := newTestDemo(t, 3)
	var u User
	rows, _ := s.Users(UserQuery{Limit: 1000})
	for _, r := range rows {
		if r.User.MFA.Method == MFAApp && r.User.Status == StatusActive && !r.User.LockedNow(s.Now()) {
			u = r.User
			break
		}
	}
	if u.ID == 0 {
		t.Skip("no app user in the demo")
	}
	pw, _ := s.DemoPassword(u.Login())
	clock.Advance(30 * time.Second)
	code, _ := s.DemoTOTP(u.Login())
	if _, err := s.Authenticate(u.Login(), pw, code); err != nil {
		t.Fatalf("login: %v", err)
	}
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApp})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CheckVerification(Operator("dana"), v.ID, code)
	wantRule(t, err, "R41")
	clock.Advance(30 * time.Second)
	code, _ = s.DemoTOTP(u.Login())
	if got, err := s.CheckVerification(Operator("dana"), v.ID, code); err != nil || got.State != VerifyPassed {
		t.Fatalf("fresh code: %+v %v", got, err)
	}
	if _, err := s.Authenticate(u.Login(), pw, code); err == nil {
		t.Fatal("the code read to the desk logged in again")
	}
	// A user without an app has no app check.
	_, _, sms := smsUser(t, s, clock)
	_, err = s.StartVerification(Operator("dana"), sms.ID, VerifyStart{Method: VerifyApp})
	wantRule(t, err, "R41")
}

// R41: approval goes to an owner's or admin's own email; the caller cannot
// approve themselves; approve passes, deny fails, the link works once.
func TestVerifyApproval(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	_, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: u.Email})
	wantRule(t, err, "R41")
	_, err = s.StartVerification(Operator("dana"), owner.ID, VerifyStart{Method: VerifyApproval, Approver: owner.Email})
	wantRule(t, err, "R41")

	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval})
	if err != nil || v.Approver != owner.Email || v.ApproverRole != "owner" {
		t.Fatalf("%+v %v", v, err)
	}
	if !strings.Contains(v.Status, "approval pending: waiting for Olive Owner, owner") {
		t.Fatalf("status %q", v.Status)
	}
	link := linkIn(t, s, owner.Email)
	got, err := s.AnswerApproval(link, true)
	if err != nil || got.State != VerifyPassed || !got.Counts {
		t.Fatalf("approve: %+v %v", got, err)
	}
	_, err = s.AnswerApproval(link, false)
	wantRule(t, err, "R41")

	v, _ = s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval})
	if got, err := s.AnswerApproval(linkIn(t, s, owner.Email), false); err != nil || got.State != VerifyFailed {
		t.Fatalf("deny: %+v %v", got, err)
	}
	_ = v
}

// R41: a knowledge check is recorded and never counts; an MFA clear with it
// alone is refused naming R41, and nothing changes.
func TestKnowledgeNeverCounts(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	_, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyKnowledge})
	if _, ok := err.(*FieldError); !ok {
		t.Fatalf("knowledge without a note: %v", err)
	}
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyKnowledge, Note: "date of birth matched"})
	if err != nil || v.State != VerifyRecorded || v.Counts {
		t.Fatalf("%+v %v", v, err)
	}
	_, err = s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	wantRule(t, err, "R41")
	_, err = s.ClearMFA(Operator("dana"), u.ID, IdentityChecks[0], "called back", "lost phone")
	wantRule(t, err, "R41")
	if mustUser(t, s, u.ID).MFA.Method != MFASMS {
		t.Fatal("MFA cleared on knowledge alone")
	}
	ev := lastEvent(t, s, ActMFACleared)
	if ev.Outcome != "refused R41" || !strings.Contains(ev.VerifiedBy, IdentityChecks[0]) {
		t.Fatalf("refusal not recorded with the knowledge check: %+v", ev)
	}
	// A knowledge record may still go with an unlock, where it is on record.
	_ = failLogins(t, s, u.Email, 5)
	if _, err := s.Unlock(Operator("dana"), u.ID, Request{Reason: "locked", Verification: v.ID}); err != nil {
		t.Fatal(err)
	}
	if ev := lastEvent(t, s, ActAccountUnlocked); ev.VerifyMethod != "knowledge" || ev.VerifyResult != "recorded" {
		t.Fatalf("%+v", ev)
	}
}

// R41, R43: an unflagged, unprivileged user's clear with a passed check is
// carried out at once; the user and the practice's owners are told.
func TestClearWithPassedCheck(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	if r, _ := s.Risk(u.ID); len(r) != 0 {
		t.Fatalf("signals %+v", r)
	}
	v := passedCode(t, s, "dana", u, "email")
	res, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending != nil || res.User.MFA.State() != MFAStateNone {
		t.Fatalf("%+v %v", res, err)
	}
	ev := lastEvent(t, s, ActMFACleared)
	if ev.Outcome != OutcomeOK || ev.Verification != v.ID || ev.VerifyMethod != "code" || ev.VerifyResult != "passed" {
		t.Fatalf("%+v", ev)
	}
	for _, to := range []string{u.Email, owner.Email} {
		if msgs, _ := s.outbox(OutboxQuery{To: to, Limit: 1}); len(msgs) == 0 || msgs[0].Cause != ActMFACleared {
			t.Fatalf("%s not told: %+v", to, msgs)
		}
	}
}

// R42: an owner's clear needs four eyes: the passed check makes a pending
// request; the same operator cannot approve; another operator's approval
// carries it out, both names in the audit; the owners and the user are told.
func TestOwnerClearNeedsFourEyes(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Four Eyes Clinic", 5)
	co := activeUser(t, s, p.ID, "Cora Coowner", Roles{Owner: true}, owner.Email)
	_, _ = s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0188")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530188"))
	clock.Advance(8 * 24 * time.Hour)
	owner = mustUser(t, s, owner.ID)
	r, _ := s.Risk(owner.ID)
	if !Privileged(r) {
		t.Fatalf("owner not privileged: %+v", r)
	}

	v := passedCode(t, s, "dana", owner, "")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil || res.Pending.State != ApprovalPending {
		t.Fatalf("want a pending request: %+v %v", res, err)
	}
	if mustUser(t, s, owner.ID).MFA.Method != MFASMS {
		t.Fatal("cleared without a second operator")
	}
	id := res.Pending.ID
	_, _, err = s.ApproveRequest(Operator("dana"), id, "")
	wantRule(t, err, "R42")
	// A second request for the same clear is refused, and its check kept.
	v2 := passedCode(t, s, "fay", owner, "")
	_, err = s.ClearMFAVerified(Operator("fay"), owner.ID, ClearMFARequest{Verification: v2.ID, Reason: "lost phone"})
	wantRule(t, err, "R42")
	if got, _ := s.Verification(v2.ID); got.State != VerifyPassed {
		t.Fatalf("a refused request used up the check: %s", got.State)
	}
	if n, _ := s.PendingApprovals(Operator("eli")); n != 1 {
		t.Fatalf("eli sees %d pending", n)
	}
	if n, _ := s.PendingApprovals(Operator("dana")); n != 0 {
		t.Fatalf("dana's own request counted for her: %d", n)
	}
	av, cr, err := s.ApproveRequest(Operator("eli"), id, "checked the call notes")
	if err != nil || av.State != ApprovalApproved || cr.User.MFA.State() != MFAStateNone {
		t.Fatalf("%+v %+v %v", av, cr, err)
	}
	ev := lastEvent(t, s, ActMFACleared)
	if ev.Actor != "dana" || ev.ApprovedBy != "eli" || ev.Approval != id || ev.Verification != v.ID {
		t.Fatalf("clear event: %+v", ev)
	}
	for _, to := range []string{owner.Email, co.Email} {
		if msgs, _ := s.outbox(OutboxQuery{To: to, Limit: 1}); len(msgs) == 0 || msgs[0].Cause != ActMFACleared {
			t.Fatalf("%s not told", to)
		}
	}
	_, _, err = s.ApproveRequest(Operator("fay"), id, "")
	wantRule(t, err, "R42")
}

// R42: without a verification, the owner's clear is refused naming R41 and
// saying a second operator is needed too; a request left 30 minutes expires.
func TestOwnerClearRefusalsAndExpiry(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Expiry Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, testPassword(owner), "", MFAEmail, "")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email))
	_, err := s.ClearMFA(Operator("dana"), owner.ID, IdentityChecks[1], "owner said so", "lost phone")
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "R42") || !strings.Contains(err.Error(), "privileged") {
		t.Fatalf("refusal does not say what else is missing: %v", err)
	}
	owner = mustUser(t, s, owner.ID)
	v := passedCode(t, s, "dana", owner, "email")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatal(err)
	}
	clock.Advance(ApprovalTTL)
	_, _, err = s.ApproveRequest(Operator("eli"), res.Pending.ID, "")
	wantRule(t, err, "R42")
	if a, _ := s.ApprovalRequest(res.Pending.ID); a.State != ApprovalExpired {
		t.Fatalf("state %s", a.State)
	}
	if mustUser(t, s, owner.ID).MFA.Method != MFAEmail {
		t.Fatal("expired request cleared")
	}
}

// R42: the risk signals, each with since.
func TestRiskSignals(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	_ = failLogins(t, s, u.Email, 5) // a lock
	if r, _ := s.Risk(u.ID); len(r) != 0 {
		t.Fatalf("one lock flagged: %+v", r)
	}
	_, _ = s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyKnowledge, Note: "employee id"})
	r, _ := s.Risk(u.ID)
	if len(r) != 1 || r[0].Signal != SignalDeskContacts || r[0].Since.IsZero() {
		t.Fatalf("a lock and a contact: %+v", r)
	}
	clock.Advance(25 * time.Hour)
	if r, _ := s.Risk(u.ID); len(r) != 0 {
		t.Fatalf("after 25 h: %+v", r)
	}
	// Switching from SMS needs a code from the phone as well (R22).
	_, err := s.StartEnrolment(u.Email, testPassword(u), "", MFAEmail, "")
	wantRule(t, err, "R22")
	if _, err := s.StartEnrolment(u.Email, testPassword(u), codeIn(t, s, "+15032530199"), MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	_, _ = s.ConfirmEnrolment(u.Email, codeIn(t, s, u.Email))
	if r, _ := s.Risk(u.ID); len(r) != 1 || r[0].Signal != SignalFactorChanged || !r[0].Since.Equal(s.Now()) {
		t.Fatalf("factor changed: %+v", r)
	}
}

// R43: a factor enrolled within 24 hours of a clear goes on the watch list
// (and flags the user) until reviewed; one enrolled after 25 hours does not.
func TestWatchListAfterClear(t *testing.T) {
	for _, c := range []struct {
		after time.Duration
		watch bool
	}{{time.Hour, true}, {25 * time.Hour, false}} {
		s, clock := newTestService(t)
		_, _, u := smsUser(t, s, clock)
		v := passedCode(t, s, "dana", u, "")
		if _, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(c.after)
		if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFAEmail, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, u.Email)); err != nil {
			t.Fatal(err)
		}
		ws, _ := s.WatchList(false, 0)
		if (len(ws) == 1) != c.watch {
			t.Fatalf("enrolled %s after the clear: watch list %+v", c.after, ws)
		}
		if !c.watch {
			continue
		}
		r, _ := s.Risk(u.ID)
		found := false
		for _, sg := range r {
			found = found || sg.Signal == SignalWatchList
		}
		if !found {
			t.Fatalf("not flagged: %+v", r)
		}
		_, err := s.ReviewWatch(Operator("eli"), ws[0].ID, "")
		if _, ok := err.(*FieldError); !ok {
			t.Fatalf("review without a note: %v", err)
		}
		if _, err := s.ReviewWatch(Operator("eli"), ws[0].ID, "called the user back on file: it was them"); err != nil {
			t.Fatal(err)
		}
		if ws, _ := s.WatchList(false, 0); len(ws) != 0 {
			t.Fatalf("still open: %+v", ws)
		}
	}
}

// R41, R42: under a race, a check vouches once and a request is approved
// once: eight operators approving the same request carry the clear out one
// time, and the same passed check cannot go with two clears.
func TestFourEyesRace(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Race Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, testPassword(owner), "", MFAEmail, "")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email))
	clock.Advance(8 * 24 * time.Hour)
	owner = mustUser(t, s, owner.ID)
	v := passedCode(t, s, "dana", owner, "email")
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
			errs <- err
		}()
	}
	ok := 0
	for range 2 {
		if err := <-errs; err == nil {
			ok++
		} else if r := RuleOf(err); r != "R41" && r != "R42" {
			// The second clear finds the check used (R41) or, since a
			// clear waits, is refused before any check is read (R42).
			t.Fatalf("want a refusal naming R41 or R42, got %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d requests from one check", ok)
	}
	ap, _ := s.Approvals(false, 0)
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, _, err := s.ApproveRequest(Operator(fmt.Sprintf("op%d", i)), ap[0].ID, "")
			done <- err
		}()
	}
	ok = 0
	for range 8 {
		if err := <-done; err == nil {
			ok++
		} else {
			wantRule(t, err, "R42")
		}
	}
	clears := 0
	for _, e := range events(t, s) {
		if e.Action == ActMFACleared && e.Outcome == OutcomeOK {
			clears++
		}
	}
	if ok != 1 || clears != 1 {
		t.Fatalf("%d approvals, %d clears", ok, clears)
	}
}
