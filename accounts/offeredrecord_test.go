package accounts

import (
	"testing"
)

// R31: what a list offers from a row's record agrees with Eligible. For
// users in every state the desk meets (active with MFA, a sole owner,
// locked, pending, legacy pending, inactive, enrolling an app, after a
// passed caller check), an action the record refuses is refused by
// Eligible under the same rule, and an action Eligible allows is offered
// from the record, except the three that need a record a user usually
// lacks (m with a passed check, A, W), which only the detail offers.
func TestOnUserRecordAgreesWithEligible(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Record Clinic", 20)
	_, _, sms := smsUser(t, s, clock)
	locked := activeUser(t, s, p.ID, "Lou Locked", Roles{}, owner.Email)
	_ = failLogins(t, s, locked.Email, s.cfg.MaxFailures)
	leaver := activeUser(t, s, p.ID, "Lee Leaver", Roles{}, owner.Email)
	if _, err := s.Inactivate(Operator("ana"), leaver.ID, Request{Requester: owner.Email, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	enrolling := activeUser(t, s, p.ID, "Eve Enrolling", Roles{}, owner.Email)
	if _, err := s.StartEnrolment(enrolling.Email, testPassword(enrolling), "", MFAApp, ""); err != nil {
		t.Fatal(err)
	}
	var pend []User
	for _, nu := range []NewUser{
		{Name: "Pat Pending", Kind: KindStaff, Email: "pat.rec@example.org", EmailConfirm: "pat.rec@example.org"},
		{Name: "Leo Legacy", Kind: KindStaff, Username: "leo.rec", ContactEmail: "leo.home@example.org"},
	} {
		nu.PracticeID = p.ID
		u, err := s.CreateUser(Operator("ana"), nu, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "ana", owner)})
		if err != nil {
			t.Fatal(err)
		}
		pend = append(pend, u)
	}
	checked := activeUser(t, s, p.ID, "Cal Checked", Roles{}, owner.Email)
	if _, err := s.StartEnrolment(checked.Email, testPassword(checked), "", MFASMS, "503-253-0177"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(checked.Email, codeIn(t, s, "+15032530177")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(8 * 24 * 3600e9)
	checked = mustUser(t, s, checked.ID)
	_ = failLogins(t, s, locked.Email, s.cfg.MaxFailures) // the lock lifted meanwhile: lock again
	passedCode(t, s, "ana", checked, "sms")

	beyond := map[Action]bool{ActionClearMFA: true, ActionApproveClear: true, ActionReviewWatch: true}
	for _, u := range append([]User{owner, sms, locked, leaver, enrolling, checked}, pend...) {
		u = mustUser(t, s, u.ID)
		for _, actor := range []Actor{Operator("ana"), ReadOnlyOperator("rita")} {
			full, err := s.Eligible(actor, Target{UserID: u.ID})
			if err != nil {
				t.Fatal(err)
			}
			rec := OnUserRecord(actor, u, s.Now(), s.IsDemo())
			byAction := map[Action]Eligibility{}
			for _, e := range rec {
				byAction[e.Action] = e
			}
			for _, e := range full {
				r, ok := byAction[e.Action]
				switch {
				case !ok:
					t.Errorf("%s %s: %s not answered from the record", actor.Name, u.Login(), e.Action)
				case !r.OK && !beyond[e.Action] && (e.OK || e.Rule != r.Rule):
					t.Errorf("%s %s: %s refused from the record (%s: %s) but Eligible says %+v", actor.Name, u.Login(), e.Action, r.Rule, r.Why, e)
				case e.OK && !r.OK && !beyond[e.Action]:
					t.Errorf("%s %s: %s applies but is not offered from the record", actor.Name, u.Login(), e.Action)
				case !e.OK && r.OK && e.Rule == "R35":
					t.Errorf("%s %s: %s offered to a read-only operator", actor.Name, u.Login(), e.Action)
				}
			}
		}
	}
	// The record alone is enough for the common cases: an active user
	// who is not locked is not offered an unlock, a setup email or a
	// reset; a pending one is offered the setup email and not V (R41).
	if e := onRecordOf(OnUserRecord(Operator("ana"), mustUser(t, s, sms.ID), s.Now(), false), ActionUnlock); e.OK || e.Rule != "R13" {
		t.Errorf("unlock of an open account offered: %+v", e)
	}
	pr := OnUserRecord(Operator("ana"), pend[0], s.Now(), false)
	if e := onRecordOf(pr, ActionSendSetup); !e.OK {
		t.Errorf("setup email not offered for a pending user: %+v", e)
	}
	if e := onRecordOf(pr, ActionVerify); e.OK || e.Rule != "R41" {
		t.Errorf("V offered for a pending user: %+v", e)
	}
	// A practice at capacity is not offered an add (R1).
	full := Practice{Name: "Full", Purchased: 3, InUse: 3}
	if e := onRecordOf(OnPracticeRecord(Operator("ana"), full), ActionAddUser); e.OK || e.Rule != "R1" {
		t.Errorf("add offered at capacity: %+v", e)
	}
}

func onRecordOf(el []Eligibility, a Action) Eligibility {
	for _, e := range el {
		if e.Action == a {
			return e
		}
	}
	return Eligibility{}
}
