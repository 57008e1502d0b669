package accounts

import "testing"

// R42: four eyes are offered as they are enforced. The operator who asked
// for an MFA clear is not offered its approval (under any spelling of their
// name), with the very refusal ApproveRequest gives; another operator is.
func TestR42ApproveClearNotOfferedToTheRequester(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Four Eyes Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, pw, "", MFASMS, "503-253-0199")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530199"))
	v := passedCode(t, s, "dana", mustUser(t, s, owner.ID), "sms")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID,
		Check: IdentityChecks[0], Note: "called the number on file, user answered", Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("%+v %v", res, err)
	}
	tg := Target{UserID: owner.ID}
	for _, name := range []string{"dana", " DANA "} {
		e, err := s.EligibleFor(Operator(name), ActionApproveClear, tg)
		if err != nil {
			t.Fatal(err)
		}
		if e.OK || e.Rule != "R42" {
			t.Fatalf("%q asked for the clear and is offered its approval: %+v", name, e)
		}
		_, _, refused := s.ApproveRequest(Operator(name), res.Pending.ID, "")
		if re, ok := refused.(*RuleError); !ok || re.Msg != e.Why || re.Guidance != e.Guidance {
			t.Fatalf("offer and refusal differ:\noffer   %+v\nrefusal %v", e, refused)
		}
	}
	if e, err := s.EligibleFor(Operator("eli"), ActionApproveClear, tg); err != nil || !e.OK {
		t.Fatalf("a second operator is not offered the approval: %+v %v", e, err)
	}
}

// R42, R35: the APPROVALS badge counts by the same check: not the
// requester's own request (any spelling), not for a read-only operator,
// who approves nothing; a second operator's yes.
func TestR42PendingApprovalsCountsByTheSameCheck(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Badge Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, pw, "", MFASMS, "503-253-0199")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530199"))
	v := passedCode(t, s, "dana", mustUser(t, s, owner.ID), "sms")
	if _, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID,
		Check: IdentityChecks[0], Note: "called the number on file, user answered", Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who  Actor
		want int
	}{{Operator("eli"), 1}, {Operator(" DANA "), 0}, {ReadOnlyOperator("eli"), 0}} {
		if n, err := s.PendingApprovals(c.who); err != nil || n != c.want {
			t.Errorf("%+v: %d waiting, want %d (%v)", c.who, n, c.want, err)
		}
	}
}

// R42: while a clear waits for a second operator, a second clear of the
// same user is not offered — to the operator who asked or another one —
// and is refused with the very words of the offer before any caller check
// is asked for or spent: the desk does not verify a caller again (sending
// another code, R23) only to hear at the end that a request already waits.
func TestR42ClearNotOfferedWhileOneWaits(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Waiting Clinic", 5)
	_, _ = s.StartEnrolment(owner.Email, pw, "", MFASMS, "503-253-0199")
	_, _ = s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530199"))
	v := passedCode(t, s, "dana", mustUser(t, s, owner.ID), "sms")
	res, err := s.ClearMFAVerified(Operator("dana"), owner.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil {
		t.Fatalf("%+v %v", res, err)
	}
	tg := Target{UserID: owner.ID}
	for _, name := range []string{"dana", "eli"} {
		e, err := s.EligibleFor(Operator(name), ActionClearMFA, tg)
		if err != nil {
			t.Fatal(err)
		}
		if e.OK || e.Rule != "R42" {
			t.Fatalf("%s is offered a second clear while request #%d waits: %+v", name, res.Pending.ID, e)
		}
		// No check at all: the refusal is the offer's, not R41's.
		_, refused := s.ClearMFAVerified(Operator(name), owner.ID, ClearMFARequest{Reason: "lost phone again",
			Check: IdentityChecks[0], Note: "called back"})
		if re, ok := refused.(*RuleError); !ok || re.Rule != "R42" || re.Msg != e.Why {
			t.Fatalf("offer and refusal differ:\noffer   %+v\nrefusal %v", e, refused)
		}
	}
}
