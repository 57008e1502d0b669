package accounts

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Attacks on caller verification, four eyes and the watch list (R41-R43):
// the caller who lies and the insider who cuts corners. Each test is one
// attack that once worked.

// flaggedOwnerRequest makes a practice whose owner has SMS MFA, and a
// pending four-eyes request by dana to clear it (R42).
func flaggedOwnerRequest(t *testing.T, s *Service, clock *FakeClock) (User, ApprovalView) {
	t.Helper()
	_, owner, _ := practiceWith(t, s, "Red Team Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0177"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530177")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * time.Hour)
	owner = mustUser(t, s, owner.ID)
	v := passedCode(t, s, "dana", owner, "email")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("want a pending request: %+v %v", res, err)
	}
	return owner, *res.Pending
}

// R42: four eyes are two people, not two spellings. The operator who asked
// cannot approve under their name in another case, with spaces around or
// inside it, in full-width letters or with an invisible character.
func TestFourEyesSameOperatorAnotherSpelling(t *testing.T) {
	s, clock := newTestService(t)
	owner, req := flaggedOwnerRequest(t, s, clock)
	for _, name := range []string{"Dana", "DANA", " dana ", "d ana", "ｄａｎａ", "dan\u200ba", "dana\u00ad"} {
		_, _, err := s.ApproveRequest(Operator(name), req.ID, "")
		wantRule(t, err, "R42")
		if mustUser(t, s, owner.ID).MFA.Method != MFASMS {
			t.Fatalf("%q approved dana's own request", name)
		}
	}
	if n, _ := s.PendingApprovals(Operator("DANA")); n != 0 {
		t.Fatalf("dana's own request counted for DANA: %d", n)
	}
	if _, _, err := s.ApproveRequest(Operator("eli"), req.ID, ""); err != nil {
		t.Fatal(err)
	}
}

// R42: the second operator approves the clear the first one asked for. If
// the user's factor changed meanwhile (a new phone, another method), the
// approval would clear a factor nobody looked at: it is refused, and the new
// factor stays.
func TestFourEyesRefusedWhenFactorChangedMeanwhile(t *testing.T) {
	s, clock := newTestService(t)
	owner, req := flaggedOwnerRequest(t, s, clock)
	// The owner switches to email MFA (with a code from the phone, R22).
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFAEmail, ""); RuleOf(err) != "R22" {
		t.Fatalf("switch without a code: %v", err)
	}
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), codeIn(t, s, "+15032530177"), MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.ApproveRequest(Operator("eli"), req.ID, "")
	wantRule(t, err, "R42")
	if !strings.Contains(err.Error(), "changed") {
		t.Fatalf("refusal does not say the factor changed: %v", err)
	}
	if mustUser(t, s, owner.ID).MFA.Method != MFAEmail {
		t.Fatal("the approval cleared a factor enrolled after the request")
	}
}

// R41, R19: a change of roles is asked by an owner of the practice, so the
// caller to verify is that owner. A passed check of the user whose roles
// change (who may be asking for their own promotion) does not vouch for the
// owner's request.
func TestRolesCheckIsOfTheOwnerWhoAsks(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	v := passedCode(t, s, "dana", u, "sms")
	_, err := s.SetRoles(Operator("dana"), u.ID, Roles{Admin: true}, Request{Requester: owner.Email, Reason: "promotion", Verification: v.ID})
	wantRule(t, err, "R41")
	if mustUser(t, s, u.ID).Roles.Admin {
		t.Fatal("promoted on a check of the user, not of the owner who asked")
	}
	ov := passedCode(t, s, "dana", owner, "email")
	if _, err := s.SetRoles(Operator("dana"), u.ID, Roles{Admin: true}, Request{Requester: owner.Email, Reason: "promotion", Verification: ov.ID}); err != nil {
		t.Fatal(err)
	}
}

// R41, R7: an approval goes to an owner's or admin's own email. One whose
// login email changed in the last 7 days is not asked (the new mailbox may
// be an attacker's), and a link mailed to an address that is no longer the
// approver's dies with the change.
func TestApproverWithChangedEmail(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: owner.Email})
	if err != nil {
		t.Fatal(err)
	}
	oldLink := linkIn(t, s, owner.Email)
	if _, err := s.ChangeOwnEmail(owner.Email, testPassword(owner), "", "olive.elsewhere@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, "olive.elsewhere@example.org"), testPassword(owner)); err != nil {
		t.Fatal(err)
	}
	_, err = s.AnswerApproval(oldLink, true)
	wantRule(t, err, "R41")
	if got, _ := s.Verification(v.ID); got.State == VerifyPassed {
		t.Fatal("a link mailed to the approver's old address passed the check")
	}
	_, err = s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: "olive.elsewhere@example.org"})
	wantRule(t, err, "R41")
	clock.Advance(7*24*time.Hour + time.Minute)
	if _, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval, Approver: "olive.elsewhere@example.org"}); err != nil {
		t.Fatalf("a week after the change: %v", err)
	}
}

// R41: a code counts because it went to what is on file. When the phone it
// went to is replaced before the caller reads it back, the code no longer
// proves control of anything on file.
func TestVerifyCodeDiesWhenPhoneReplaced(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, s, u.MFA.Phone)
	if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0166"); RuleOf(err) != "R22" {
		t.Fatalf("switch without a code: %v", err)
	}
	if _, err := s.StartEnrolment(u.Email, testPassword(u), codeIn(t, s, u.MFA.Phone), MFASMS, "503-253-0166"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, "+15032530166")); err != nil {
		t.Fatal(err)
	}
	got, err := s.CheckVerification(Operator("dana"), v.ID, code)
	wantRule(t, err, "R41")
	if got.State == VerifyPassed {
		t.Fatal("a code sent to a phone no longer on file passed")
	}
}

// R41: a check that has only started has not ended: its record says so.
func TestStartedCheckHasNoEnd(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode})
	if err != nil {
		t.Fatal(err)
	}
	if !v.EndedAt.IsZero() {
		t.Fatalf("a started check shows an end: %s", v.EndedAt)
	}
}

// R42: an owner's clear needs four eyes. An operator who first has the owner
// demoted (at a co-owner's word), waits a day for the desk contact to age,
// then clears, must still meet a second operator: a privileged role removed
// in the last 7 days still counts as privileged.
func TestDemotedOwnerStillNeedsFourEyes(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Demotion Clinic", 5)
	co := activeUser(t, s, p.ID, "Cora Coowner", Roles{Owner: true}, owner.Email)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFASMS, "503-253-0155"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530155")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * time.Hour)
	cv := passedCode(t, s, "dana", co, "email") // the co-owner's request, proven (R19, R41)
	if _, err := s.SetRoles(Operator("dana"), owner.ID, Roles{}, Request{Requester: co.Email, Reason: "stepping back", Verification: cv.ID}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(25 * time.Hour)
	owner = mustUser(t, s, owner.ID)
	r, _ := s.Risk(owner.ID)
	if !Privileged(r) {
		t.Fatalf("an owner demoted a day ago is not privileged: %+v", r)
	}
	v := passedCode(t, s, "dana", owner, "sms")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("cleared at once: %+v %v", res, err)
	}
	clock.Advance(6 * 24 * time.Hour)
	if r, _ := s.Risk(owner.ID); Privileged(r) {
		t.Fatalf("still privileged 7 days after the demotion: %+v", r)
	}
}

// R43: the watch list is the desk's second look at a clear. The operator who
// cleared (who may have been talked into it, or be in on it) cannot review
// the new factor away themselves, under any spelling of their name.
func TestWatchReviewNotByTheClearingOperator(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	v := passedCode(t, s, "dana", u, "")
	if _, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, u.Email)); err != nil {
		t.Fatal(err)
	}
	ws, _ := s.WatchList(false, 0)
	if len(ws) != 1 {
		t.Fatalf("watch list %+v", ws)
	}
	for _, name := range []string{"dana", "Dana "} {
		_, err := s.ReviewWatch(Operator(name), ws[0].ID, "it was them")
		wantRule(t, err, "R43")
	}
	if e, _ := s.EligibleFor(Operator("dana"), ActionReviewWatch, Target{UserID: u.ID}); e.OK || e.Rule != "R43" {
		t.Fatal("the review is offered to the operator who cleared")
	}
	if _, err := s.ReviewWatch(Operator("eli"), ws[0].ID, "called back on the number on file: it was them"); err != nil {
		t.Fatal(err)
	}
}

// R41: five wrong codes kill a check, but an operator could start check
// after check (a script can, in minutes) and guess a code by volume: each
// check reading 4 codes and left to expire never even fails. After 15 wrong
// codes in 24 hours the user's code and app checks stop; an owner's or
// admin's approval still works, and a day later codes do again.
func TestVerifyCodeGuessingByVolume(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	for i := 0; i < 4; i++ {
		v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode})
		if err != nil {
			t.Fatalf("check %d: %v", i+1, err)
		}
		code := codeIn(t, s, u.MFA.Phone)
		for range 4 {
			_, err := s.CheckVerification(Operator("dana"), v.ID, wrongCode(code))
			wantRule(t, err, "R41")
		}
		clock.Advance(VerificationTTL)
	}
	_, err := s.StartVerification(Operator("eli"), u.ID, VerifyStart{Method: VerifyCode, Channel: "email"})
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "wrong codes") {
		t.Fatalf("refusal does not say why: %v", err)
	}
	if _, err := s.StartVerification(Operator("eli"), u.ID, VerifyStart{Method: VerifyApproval}); err != nil {
		t.Fatalf("approval refused too: %v", err)
	}
	clock.Advance(24 * time.Hour)
	if _, err := s.StartVerification(Operator("eli"), u.ID, VerifyStart{Method: VerifyCode}); err != nil {
		t.Fatalf("a day later: %v", err)
	}
}

// R41, R42: a refusal says everything that is missing. A privileged user's
// clear offered a knowledge check by its number is refused naming R41, and
// says a second operator will be needed too.
func TestClearRefusalSaysAllThatIsMissing(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Missing Clinic", 5)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	k, err := s.StartVerification(Operator("dana"), owner.ID, VerifyStart{Method: VerifyKnowledge, Note: "date of birth"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: k.ID, Reason: "lost phone"})
	wantRule(t, err, "R41")
	if !strings.Contains(err.Error(), "second operator") || !strings.Contains(err.Error(), "R42") {
		t.Fatalf("refusal does not say four eyes are needed too: %v", err)
	}
}

// R41: the approver's link answered twice at once, approve and deny racing:
// exactly one answer lands, and the check ends in the state it names.
func TestApprovalLinkApproveDenyRace(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval})
	if err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, owner.Email)
	type answer struct {
		approve bool
		err     error
	}
	done := make(chan answer, 8)
	for i := range 8 {
		go func() {
			_, err := s.AnswerApproval(link, i%2 == 0)
			done <- answer{i%2 == 0, err}
		}()
	}
	var landed []answer
	for range 8 {
		a := <-done
		if a.err == nil {
			landed = append(landed, a)
		} else {
			wantRule(t, a.err, "R41")
		}
	}
	got, _ := s.Verification(v.ID)
	want := VerifyFailed
	if len(landed) == 1 && landed[0].approve {
		want = VerifyPassed
	}
	if len(landed) != 1 || got.State != want {
		t.Fatalf("%d answers landed %+v; check is %s", len(landed), landed, got.State)
	}
}

// R43: the watch window's edges and its other doors: a factor enrolled at
// 23h59m is watched, one at 24h01m is not; a switch to another method after
// a review, still within 24 hours of the clear, is watched again.
func TestWatchListEdges(t *testing.T) {
	for _, c := range []struct {
		after time.Duration
		watch bool
	}{{24*time.Hour - time.Minute, true}, {24*time.Hour + time.Minute, false}} {
		s, clock := newTestService(t)
		_, _, u := smsUser(t, s, clock)
		v := passedCode(t, s, "dana", u, "")
		if _, err := s.ClearMFAVerified(Operator("dana"), u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
			t.Fatal(err)
		}
		if c.watch { // first an email factor at once, reviewed; then the switch
			if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFAEmail, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, u.Email)); err != nil {
				t.Fatal(err)
			}
			ws, _ := s.WatchList(false, 0)
			if len(ws) != 1 {
				t.Fatalf("first enrolment not watched: %+v", ws)
			}
			if _, err := s.ReviewWatch(Operator("eli"), ws[0].ID, "called back on file"); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(c.after)
		if c.watch {
			if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0144"); RuleOf(err) != "R22" {
				t.Fatalf("switch without a code: %v", err)
			}
			if _, err := s.StartEnrolment(u.Email, testPassword(u), codeIn(t, s, u.Email), MFASMS, "503-253-0144"); err != nil {
				t.Fatal(err)
			}
		} else if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0144"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, "+15032530144")); err != nil {
			t.Fatal(err)
		}
		ws, _ := s.WatchList(false, 0)
		if (len(ws) == 1) != c.watch {
			t.Fatalf("enrolled %s after the clear: open watch list %+v", c.after, ws)
		}
	}
}

// R41: a check is the work of the operator on the phone. Another operator
// cannot read a code into it (passing it for them, or burning its tries),
// under any spelling of a name that is not the starter's.
func TestVerifyCodeOnlyByTheStarter(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode})
	if err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, s, u.MFA.Phone)
	for range 5 {
		_, err := s.CheckVerification(Operator("eli"), v.ID, wrongCode(code))
		wantRule(t, err, "R41")
	}
	_, err = s.CheckVerification(Operator("eli"), v.ID, code)
	wantRule(t, err, "R41")
	if got, err := s.CheckVerification(Operator("Dana"), v.ID, code); err != nil || got.State != VerifyPassed {
		t.Fatalf("the starter's check: %+v %v", got, err)
	}
}

// R41: a caller check vouches for the operator who made it. A practice
// admin's own action (an unlock of a colleague) cannot take up an
// operator's check and wear its "verified" in the audit.
func TestAdminCannotUseAnOperatorsCheck(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	_ = failLogins(t, s, u.Email, 5)
	v := passedCode(t, s, "dana", u, "")
	admin := Actor{Kind: ActorAdmin, Name: owner.Email, UserID: owner.ID}
	_, err := s.Unlock(admin, u.ID, Request{Reason: "locked", Verification: v.ID})
	wantRule(t, err, "R41")
	if got, _ := s.Verification(v.ID); got.State != VerifyPassed {
		t.Fatalf("dana's check was used by an admin: %s", got.State)
	}
}

// R42, R20: a request approved after its user was inactivated would clear
// the MFA of someone who left (and who would come back without it if
// reactivated): the approval is refused and the factor stays.
func TestFourEyesRefusedWhenUserInactivatedMeanwhile(t *testing.T) {
	s, clock := newTestService(t)
	owner, req := flaggedOwnerRequest(t, s, clock)
	co := activeUser(t, s, owner.PracticeID, "Cora Coowner", Roles{Owner: true}, owner.Email)
	if _, err := s.Inactivate(Operator("fay"), owner.ID, Request{Requester: co.Email, Reason: "left the practice",
		Verification: ownerCheck(t, s, "fay", co)}); err != nil { // R20, R41
		t.Fatal(err)
	}
	_, _, err := s.ApproveRequest(Operator("eli"), req.ID, "")
	wantRule(t, err, "R42")
	if mustUser(t, s, owner.ID).MFA.Method != MFASMS {
		t.Fatal("the MFA of an inactive user was cleared")
	}
}

// R30, R41: outside a demo the desk never sees a caller check's code or an
// approver's link: the outbox masks both, and no audit event, view or
// refusal carries them.
func TestCheckSecretsStayWithTheirRecipients(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, u := smsUser(t, s, clock)
	v, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyCode})
	if err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, s, u.MFA.Phone)
	if _, err := s.StartVerification(Operator("dana"), u.ID, VerifyStart{Method: VerifyApproval}); err != nil {
		t.Fatal(err)
	}
	token := TokenFromLink(linkIn(t, s, owner.Email))
	_, wrongErr := s.CheckVerification(Operator("dana"), v.ID, wrongCode(code))
	leaks := func(where, text string) {
		t.Helper()
		if strings.Contains(text, code) || strings.Contains(text, token) {
			t.Errorf("%s carries a secret: %q", where, text)
		}
	}
	leaks("refusal", wrongErr.Error())
	msgs, _ := s.Outbox(OutboxQuery{Limit: 10})
	for _, m := range msgs {
		leaks("outbox", m.Body)
	}
	for _, e := range events(t, s) {
		leaks("audit "+e.Action, fmt.Sprintf("%+v", e))
	}
	vs, _ := s.Verifications(u.ID, 10)
	leaks("views", fmt.Sprintf("%+v", vs))
}

// R43, R42: a four-eyes clear has two operators, and neither reviews the
// factor enrolled after it: the approver vouched for the clear as much as
// the one who asked. A third operator does.
func TestWatchReviewNotByTheApprover(t *testing.T) {
	s, clock := newTestService(t)
	owner, req := flaggedOwnerRequest(t, s, clock)
	if _, _, err := s.ApproveRequest(Operator("eli"), req.ID, "called back on file"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	owner = mustUser(t, s, owner.ID)
	if _, err := s.StartEnrolment(owner.Email, testPassword(owner), "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	ws, _ := s.WatchList(false, 0)
	if len(ws) != 1 || ws[0].ClearedBy != "dana" || ws[0].ApprovedBy != "eli" {
		t.Fatalf("watch list %+v", ws)
	}
	for _, name := range []string{"dana", "eli", "ELI "} {
		_, err := s.ReviewWatch(Operator(name), ws[0].ID, "it was them")
		wantRule(t, err, "R43")
	}
	if e, _ := s.EligibleFor(Operator("eli"), ActionReviewWatch, Target{UserID: owner.ID}); e.OK || e.Rule != "R43" {
		t.Fatal("the review is offered to the operator who approved the clear")
	}
	if _, err := s.ReviewWatch(Operator("fay"), ws[0].ID, "called back on the number on file: it was them"); err != nil {
		t.Fatal(err)
	}
}

// R43, R42, R35: the watch list's second look is never the clear's seat
// under another name. Locally an operator is a name typed: dana clears at
// her desk, then types --operator fay there and reviews the new factor
// away. The review compares seats as four eyes do (MayApprove): the seat
// that cleared, and the seat that approved a four-eyes clear, do not
// review; another seat does.
func TestWatchReviewNotFromTheClearingSeat(t *testing.T) {
	s, clock := newTestService(t)
	seat := func(name, where string) Actor { a := Operator(name); a.Seat = where; return a }
	const deskDana, deskEli = "OS account dana (uid 1000) on desk-1", "OS account eli (uid 1001) on desk-1"
	newFactor := func(u User) WatchEntry {
		t.Helper()
		clock.Advance(time.Hour)
		u = mustUser(t, s, u.ID)
		if _, err := s.StartEnrolment(u.Email, testPassword(u), "", MFAEmail, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmEnrolment(u.Email, codeIn(t, s, u.Email)); err != nil {
			t.Fatal(err)
		}
		w, ok, err := s.WatchOf(u.ID)
		if err != nil || !ok {
			t.Fatalf("not on the watch list: %v", err)
		}
		return w
	}
	// One operator's clear.
	_, _, u := smsUser(t, s, clock)
	dana := seat("dana", deskDana)
	v, err := s.StartVerification(dana, u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"}) // at dana's seat (R41)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckVerification(dana, v.ID, codeIn(t, s, u.MFA.Phone)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClearMFAVerified(dana, u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
	w := newFactor(u)
	_, err = s.ReviewWatch(seat("fay", deskDana), w.ID, "it was them")
	wantRule(t, err, "R43")
	if err == nil || !strings.Contains(err.Error(), deskDana) {
		t.Fatalf("the refusal does not name the seat: %v", err)
	}
	if e, _ := s.EligibleFor(seat("fay", deskDana), ActionReviewWatch, Target{UserID: u.ID}); e.OK || e.Rule != "R43" {
		t.Fatal("the review is offered at the seat that cleared")
	}
	if _, err := s.ReviewWatch(seat("fay", "OS account fay (uid 1002) on desk-2"), w.ID, "called back on file: it was them"); err != nil {
		t.Fatal(err)
	}
	// A four-eyes clear: neither the asking seat nor the approving one.
	owner, req := flaggedOwnerRequest(t, s, clock)
	if _, _, err := s.ApproveRequest(seat("eli", deskEli), req.ID, "called back on file"); err != nil {
		t.Fatal(err)
	}
	w = newFactor(owner)
	_, err = s.ReviewWatch(seat("gus", deskEli), w.ID, "it was them")
	wantRule(t, err, "R43")
	if _, err := s.ReviewWatch(seat("gus", "OS account gus (uid 1003) on desk-3"), w.ID, "called back on file: it was them"); err != nil {
		t.Fatal(err)
	}
}

// R41, R35: a caller check vouches for the operator who made it, and
// locally an operator is a name typed. Dana verified the real user; from
// another desk a rogue operator typed --operator dana and, within the
// check's 15 minutes, cleared that user's MFA with dana's passed check
// (for the attacker on their line), recorded under dana's name. A check is
// read back and used only from the seat that started it; dana's own seat
// still uses it.
func TestCallerCheckNotUsedFromAnotherSeat(t *testing.T) {
	s, clock := newTestService(t)
	_, _, u := smsUser(t, s, clock)
	seat := func(name, where string) Actor { a := Operator(name); a.Seat = where; return a }
	dana := seat("dana", "OS account dana (uid 1000) on desk-1")
	rogue := seat("dana", "OS account eve (uid 1004) on desk-4")
	v, err := s.StartVerification(dana, u.ID, VerifyStart{Method: VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, s, u.MFA.Phone)
	_, err = s.CheckVerification(rogue, v.ID, code)
	wantRule(t, err, "R41")
	if _, err := s.CheckVerification(dana, v.ID, code); err != nil {
		t.Fatal(err)
	}
	_, err = s.ClearMFAVerified(rogue, u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	wantRule(t, err, "R41")
	if err == nil || !strings.Contains(err.Error(), rogue.Seat) {
		t.Fatalf("the refusal does not name the seat: %v", err)
	}
	if mustUser(t, s, u.ID).MFA.Method != MFASMS {
		t.Fatal("cleared with a check made at another seat")
	}
	if e, _ := s.EligibleFor(rogue, ActionClearMFA, Target{UserID: u.ID}); e.OK {
		t.Fatal("the clear is offered at another seat on dana's check")
	}
	if _, err := s.ClearMFAVerified(dana, u.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
}
