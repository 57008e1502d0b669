package accounts

import (
	"testing"
)

func eligibility(t *testing.T, s *Service, tg Target) map[Action]Eligibility {
	t.Helper()
	all, err := s.Eligible(Operator("desk"), tg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[Action]Eligibility{}
	for _, e := range all {
		if !e.OK && e.Rule == "" {
			t.Fatalf("%s refused without a rule: %+v", e.Action, e)
		}
		out[e.Action] = e
	}
	return out
}

// R6, R13, R16, R20, R26, R10: what applies to an active, verified user
// with no lock and no MFA, and why the rest does not — the same refusals
// the actions give.
func TestEligibleUserNamesTheRule(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Maple Clinic", 5)
	u := activeUser(t, s, p.ID, "Ana Staff", Roles{}, owner.Login())
	el := eligibility(t, s, Target{UserID: u.ID})

	want := map[Action]string{ // "" = applies
		ActionUnlock: "R13", ActionSendSetup: "R6", ActionResetPassword: "R16", ActionClearMFA: "R26",
		ActionInactivate: "", ActionReactivate: "R20", ActionPermissions: "", ActionReplace: "", ActionShowQR: "R40",
	}
	for a, rule := range want {
		e, ok := el[a]
		if !ok {
			t.Fatalf("no eligibility for %s", a)
		}
		if e.OK != (rule == "") || e.Rule != rule {
			t.Errorf("%s: got ok=%v rule=%q (%s), want rule %q", a, e.OK, e.Rule, e.Why, rule)
		}
	}
	// The action itself refuses with the rule Eligible named.
	_, err := s.Unlock(Operator("desk"), u.ID, Request{Reason: "r", VerifiedBy: "v"})
	wantRule(t, err, el[ActionUnlock].Rule)
	_, err = s.SendPasswordReset(Operator("desk"), u.ID, Request{Reason: "r", VerifiedBy: "v"})
	wantRule(t, err, el[ActionResetPassword].Rule)

	// Locked: unlock applies. Inactive: only reactivate (and not the rest).
	if err := failLogins(t, s, u.Login(), 5); err == nil {
		t.Fatal("no lock")
	}
	if !eligibility(t, s, Target{UserID: u.ID})[ActionUnlock].OK {
		t.Error("R13: a locked user is not eligible for an unlock")
	}
	if _, err := s.Inactivate(Operator("desk"), u.ID, Request{Requester: owner.Login(), Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	el = eligibility(t, s, Target{UserID: u.ID})
	if !el[ActionReactivate].OK || el[ActionInactivate].Rule != "R20" || el[ActionReplace].Rule != "R10" || el[ActionPermissions].Rule != "R20" {
		t.Errorf("inactive user: %+v", el)
	}
}

// R2: the last active owner cannot be inactivated, and Eligible says so.
func TestEligibleLastOwner(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Birch Clinic", 5)
	e := eligibility(t, s, Target{UserID: owner.ID})[ActionInactivate]
	if e.OK || e.Rule != "R2" {
		t.Fatalf("last owner: %+v", e)
	}
	_, err := s.Inactivate(Operator("desk"), owner.ID, Request{Requester: owner.Login(), Reason: "x"})
	wantRule(t, err, "R2")
}

// R1: a practice at capacity cannot have users added; R2: license requests
// need an owner to ask.
func TestEligiblePractice(t *testing.T) {
	s, _ := newTestService(t)
	p, _, _ := practiceWith(t, s, "Cedar Clinic", 1)
	el := eligibility(t, s, Target{PracticeID: p.ID})
	if el[ActionAddUser].OK || el[ActionAddUser].Rule != "R1" {
		t.Errorf("full practice: add user %+v", el[ActionAddUser])
	}
	if !el[ActionRequestLicenses].OK || !el[ActionRequireMFA].OK {
		t.Errorf("practice actions: %+v", el)
	}
}

// R3, R19, R20, R2, R24: Requesters offers exactly the people the action's
// own check accepts.
func TestRequestersMatchTheRules(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Elm Clinic", 10)
	champ := activeUser(t, s, p.ID, "Cara Champion", Roles{Champion: true}, owner.Login())
	admin := activeUser(t, s, p.ID, "Adam Admin", Roles{Admin: true}, owner.Login())
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Login())

	logins := func(a Action, tg Target) map[string]bool {
		t.Helper()
		r, err := s.Requesters(a, tg)
		if err != nil {
			t.Fatal(err)
		}
		if r.Rule == "" || r.Who == "" {
			t.Fatalf("%s: no rule named", a)
		}
		out := map[string]bool{}
		for _, u := range r.People {
			out[u.Login()] = true
		}
		return out
	}
	cases := []struct {
		a    Action
		tg   Target
		want []User
	}{
		{ActionAddUser, Target{PracticeID: p.ID}, []User{owner, champ, admin}},
		{ActionPermissions, Target{UserID: staff.ID}, []User{owner}},
		{ActionInactivate, Target{UserID: staff.ID}, []User{owner, champ, staff}},
		{ActionReplace, Target{UserID: staff.ID}, []User{owner, champ}},
		{ActionRequestLicenses, Target{PracticeID: p.ID}, []User{owner}},
		{ActionRequireMFA, Target{PracticeID: p.ID}, []User{owner, admin}},
	}
	for _, c := range cases {
		got := logins(c.a, c.tg)
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %d people", c.a, got, len(c.want))
		}
		for _, u := range c.want {
			if !got[u.Login()] {
				t.Errorf("%s: %s missing from %v", c.a, u.Login(), got)
			}
		}
	}
	// Someone not offered is refused by the action, with the same rule.
	_, err := s.SetRoles(Operator("desk"), staff.ID, Roles{Admin: true}, Request{Requester: admin.Login(), Reason: "x"})
	wantRule(t, err, "R19")
	if r, _ := s.Requesters(ActionUnlock, Target{UserID: staff.ID}); len(r.People) != 0 || r.Rule != "" {
		t.Errorf("unlock records no requester: %+v", r)
	}
}

// R4, R29: adding a user and sending the setup email is one call; a refusal
// leaves neither, and is audited once as a refusal.
func TestAddUserSendsInOneTransaction(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Fir Clinic", 3)
	u, msg, err := s.AddUser(Operator("desk"), NewUser{PracticeID: p.ID, Name: "New Hire", Kind: KindStaff,
		Email: "new.hire@example.org", EmailConfirm: "new.hire@example.org"}, Request{Requester: owner.Login(), Reason: "hired",
		Verification: ownerCheck(t, s, "desk", owner)})
	if err != nil {
		t.Fatal(err)
	}
	if u.SetupLink == 0 || msg.ID == 0 || msg.To != "new.hire@example.org" {
		t.Fatalf("no setup email: %+v %+v", u, msg)
	}
	before := len(events(t, s))
	_, _, err = s.AddUser(Operator("desk"), NewUser{PracticeID: p.ID, Name: "Other", Kind: KindStaff,
		Email: "new.hire@example.org", EmailConfirm: "new.hire@example.org"}, Request{Requester: owner.Login(), Reason: "dup"})
	wantRule(t, err, "R9")
	evs := events(t, s)
	if len(evs) != before+1 || evs[len(evs)-1].Outcome != "refused R9" {
		t.Fatalf("want one refusal event, got %+v", evs[before:])
	}
}

// R35: the change feed advances with every committed write, refusals too,
// and not with reads.
func TestChangeSeqAdvancesOnWrites(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Gum Clinic", 3)
	before := s.ChangeSeq()
	if _, err := s.Eligible(Operator("desk"), Target{UserID: owner.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Practice(p.ID); err != nil {
		t.Fatal(err)
	}
	if s.ChangeSeq() != before {
		t.Fatal("a read advanced the change feed")
	}
	_, err := s.Unlock(Operator("desk"), owner.ID, Request{Reason: "r", VerifiedBy: "v"}) // refused R13, audited
	wantRule(t, err, "R13")
	if s.ChangeSeq() == before {
		t.Fatal("an audited refusal did not advance the change feed")
	}
}
