package accounts

import (
	"testing"
)

// R20: inactivation is requested by an owner, a champion or the user; it
// frees the license, kills a live link, keeps history. Reactivation needs a
// free license (R1).
func TestInactivateAndReactivate(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Parkside Physical Therapy", 3)
	admin := activeUser(t, s, p.ID, "Ada Admin", Roles{Admin: true}, owner.Email)
	hire := newHire(t, s, p, owner, "hire@example.org")
	_, _, _ = s.SendVerification(Operator("op"), hire.ID, "", "", Request{})
	link := linkIn(t, s, hire.Email)

	_, err := s.Inactivate(Operator("op"), hire.ID, Request{Reason: "left"})
	wantRule(t, err, "R20")
	_, err = s.Inactivate(Operator("op"), hire.ID, Request{Requester: admin.Email, Reason: "left"})
	wantRule(t, err, "R20") // an admin is not an owner or champion

	u, err := s.Inactivate(Operator("op"), hire.ID, Request{Requester: owner.Email, Reason: "left the clinic"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Status != StatusInactive {
		t.Fatal("not inactive")
	}
	if got, _ := s.Practice(p.ID); got.InUse != 2 {
		t.Fatalf("license not freed: %+v", got)
	}
	_, err = s.UseLink(link, goodPassword)
	wantRule(t, err, "R5")
	if ev := lastEvent(t, s, ActUserInactivated); ev.Requester != owner.Email || ev.Reason != "left the clinic" {
		t.Fatalf("event %+v", ev)
	}
	if hist, _ := s.Audit(AuditQuery{UserID: hire.ID}); len(hist) < 3 {
		t.Fatalf("history lost: %d events", len(hist))
	}

	// The user themselves may ask.
	self, err := s.Inactivate(Actor{Kind: ActorUser, Name: admin.Email, UserID: admin.ID}, admin.ID, Request{Reason: "leaving"})
	if err != nil || self.Status != StatusInactive {
		t.Fatalf("self inactivation: %v", err)
	}

	// Fill the practice, then reactivation is refused for want of a license.
	_ = activeUser(t, s, p.ID, "Fill One", Roles{}, owner.Email)
	_ = activeUser(t, s, p.ID, "Fill Two", Roles{}, owner.Email)
	// The owner's request is proven (R3, R41); the refusal keeps the check.
	proven := ownerCheck(t, s, "op", owner)
	_, err = s.Reactivate(Operator("op"), hire.ID, Request{Requester: owner.Email, Verification: proven})
	wantRule(t, err, "R1")
	if _, err := s.SetPurchased(Operator("op"), p.ID, 4, Request{Reason: "contract"}); err != nil {
		t.Fatal(err)
	}
	back, err := s.Reactivate(Operator("op"), hire.ID, Request{Requester: owner.Email, Reason: "rehired", Verification: proven})
	if err != nil || back.Status != StatusPending {
		t.Fatalf("reactivate unverified: %+v %v", back, err)
	}
	_, err = s.Reactivate(Operator("op"), hire.ID, Request{Requester: owner.Email})
	wantRule(t, err, "R20")
}

// R2: the last active owner can be neither inactivated nor demoted.
func TestLastOwnerStays(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Solo Psychiatry", 5)
	_, err := s.Inactivate(Operator("op"), owner.ID, Request{Requester: owner.Email})
	wantRule(t, err, "R2")
	_, err = s.SetRoles(Operator("op"), owner.ID, Roles{Admin: true}, Request{Requester: owner.Email})
	wantRule(t, err, "R2")

	second := activeUser(t, s, p.ID, "Second Owner", Roles{}, owner.Email)
	// Each owner's request proven by a caller check (R19, R41).
	ov := passedCode(t, s, "op", owner, "email")
	if _, err := s.SetRoles(Operator("op"), second.ID, Roles{Owner: true}, Request{Requester: owner.Email, Reason: "co-owner", Verification: ov.ID}); err != nil {
		t.Fatal(err)
	}
	sv := passedCode(t, s, "op", mustUser(t, s, second.ID), "email")
	if _, err := s.SetRoles(Operator("op"), owner.ID, Roles{Admin: true}, Request{Requester: second.Email, Reason: "stepping back", Verification: sv.ID}); err != nil {
		t.Fatalf("demoting one of two owners: %v", err)
	}
}

// R19: permission changes need an owner's request; a practice admin may
// change permissions themselves.
func TestPermissions(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Prairie Endocrinology", 6)
	champion := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true}, owner.Email)
	admin := activeUser(t, s, p.ID, "Ad Min", Roles{Admin: true}, owner.Email)
	staff := activeUser(t, s, p.ID, "Sta Ff", Roles{}, owner.Email)

	_, err := s.SetRoles(Operator("op"), staff.ID, Roles{Admin: true}, Request{Requester: champion.Email})
	wantRule(t, err, "R19")
	_, err = s.SetRoles(Operator("op"), staff.ID, Roles{Admin: true}, Request{})
	wantRule(t, err, "R19")
	ov := passedCode(t, s, "op", owner, "email") // the owner's request, proven (R41)
	u, err := s.SetRoles(Operator("op"), staff.ID, Roles{Admin: true}, Request{Requester: owner.Email, Reason: "office manager", Verification: ov.ID})
	if err != nil || !u.Roles.Admin {
		t.Fatalf("%+v %v", u, err)
	}
	if ev := lastEvent(t, s, ActRolesChanged); ev.Requester != owner.Email || ev.Detail != "roles — -> admin" {
		t.Fatalf("event %+v", ev)
	}
	// A practice admin acts for themselves.
	u, err = s.SetRoles(Actor{Kind: ActorAdmin, Name: admin.Email, UserID: admin.ID}, staff.ID, Roles{Champion: true}, Request{})
	if err != nil || !u.Roles.Champion || u.Roles.Admin {
		t.Fatalf("%+v %v", u, err)
	}
	_, err = s.SetRoles(Actor{Kind: ActorAdmin, Name: staff.Email, UserID: staff.ID}, admin.ID, Roles{}, Request{})
	wantRule(t, err, "R19")
}

// R10: Replace inactivates the leaver and adds the newcomer in one
// transaction, the license passing between them.
func TestReplace(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Full House Clinic", 2)
	leaver := activeUser(t, s, p.ID, "Lee Leaving", Roles{}, owner.Email)
	nu := NewUser{Name: "Nat Newcomer", Kind: KindStaff, Email: "nat@example.org", EmailConfirm: "nat@example.org"}

	// A refused newcomer (role mailbox) leaves the leaver untouched.
	bad := nu
	bad.Email, bad.EmailConfirm = "frontdesk@example.org", "frontdesk@example.org"
	_, _, err := s.Replace(Operator("op"), leaver.ID, bad, Request{Requester: owner.Email})
	wantRule(t, err, "R9")
	if u, _ := s.User(leaver.ID); u.Status != StatusActive {
		t.Fatal("half a replace landed")
	}

	l, n, err := s.Replace(Operator("op"), leaver.ID, nu, Request{Requester: owner.Email, Reason: "front desk turnover",
		Verification: ownerCheck(t, s, "op", owner)}) // the newcomer is added at a proven request (R3, R41)
	if err != nil {
		t.Fatal(err)
	}
	if l.Status != StatusInactive || n.Status != StatusPending || n.PracticeID != p.ID {
		t.Fatalf("leaver %+v newcomer %+v", l, n)
	}
	if got, _ := s.Practice(p.ID); got.InUse != 2 {
		t.Fatalf("in use %d", got.InUse)
	}
	lastEvent(t, s, ActUserReplaced)
}

// R1, R2: license requests come from owners; fulfilling raises the count;
// lowering below in-use is refused.
func TestLicenseRequests(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Growing Clinic", 2)
	champion := activeUser(t, s, p.ID, "Cham Pion", Roles{Champion: true, Admin: true}, owner.Email)

	_, err := s.RequestLicenses(Operator("op"), p.ID, 5, Request{Requester: champion.Email})
	wantRule(t, err, "R2")
	lr, err := s.RequestLicenses(Operator("op"), p.ID, 5, Request{Requester: owner.Email, Reason: "two new providers",
		Verification: ownerCheck(t, s, "op", owner)}) // the owner's request proven (R2, R41)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Wait Ing", Kind: KindStaff,
		Email: "waiting@example.org", EmailConfirm: "waiting@example.org"}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)})
	wantRule(t, err, "R1")
	_, got, err := s.FulfilLicenses(Operator("op"), lr.ID, Request{Reason: "PO 1234"})
	if err != nil || got.Purchased != 7 {
		t.Fatalf("%+v %v", got, err)
	}
	_, _, err = s.FulfilLicenses(Operator("op"), lr.ID, Request{})
	wantRule(t, err, "R2")
	_, err = s.SetPurchased(Operator("op"), p.ID, 1, Request{})
	wantRule(t, err, "R2")
	view, _ := s.PracticeDetail(p.ID)
	if len(view.Owners) != 1 || len(view.Champions) != 1 || len(view.Admins) != 2 || len(view.Requests) != 1 ||
		view.Requests[0].State != RequestFulfilled {
		t.Fatalf("detail %+v", view)
	}
}

// The demo covers these flows: pending users with live links, inactive
// former staff, open license requests.
func TestDemoCoversLifecycle(t *testing.T) {
	s, _ := newTestDemo(t, 30)
	msgs, _ := s.outbox(OutboxQuery{Limit: 10000})
	live, superseded := 0, 0
	for _, m := range msgs {
		mv, _ := s.Message(m.ID)
		if mv.Link != nil {
			switch mv.Link.State {
			case LinkLive:
				live++
			case LinkSuperseded:
				superseded++
			}
		}
	}
	open := 0
	ps, _ := s.Practices(PracticeQuery{})
	for _, p := range ps {
		reqs, _ := s.LicenseRequests(p.ID)
		for _, r := range reqs {
			if r.State == RequestOpen {
				open++
			}
		}
	}
	st, _ := s.Stats()
	if live == 0 || superseded == 0 || open == 0 || st.Inactive == 0 || live != st.Pending {
		t.Fatalf("live %d superseded %d open requests %d stats %+v", live, superseded, open, st)
	}
}

// R2, R3: in the transaction that creates a practice (a demo's batch) its
// first user must be its owner, and the next ones need a requester, as in
// separate transactions: what the transaction knows of the practices it
// created answers the first-user check without a scan.
func TestFirstUserOfPracticeCreatedInTheSameTransaction(t *testing.T) {
	s, _ := newTestService(t)
	err := s.update(func(t1 *txn) error {
		p, err := t1.createPractice(seedActor, "Fresh Dermatology", 5)
		if err != nil {
			return err
		}
		staff := NewUser{PracticeID: p.ID, Name: "Sam Staff", Kind: KindStaff, Email: "sam@fresh.example", EmailConfirm: "sam@fresh.example"}
		if _, err := t1.createUser(seedActor, staff, Request{Reason: "first"}, StatusActive, Credential{Demo: true}); RuleOf(err) != "R2" {
			t.Errorf("a first user who is not the owner: %v, want R2", err)
		}
		owner := NewUser{PracticeID: p.ID, Name: "Olive Owner", Kind: KindProvider, Roles: Roles{Owner: true, Admin: true},
			Email: "olive@fresh.example", EmailConfirm: "olive@fresh.example"}
		o, err := t1.createUser(seedActor, owner, Request{Reason: "onboarding"}, StatusActive, Credential{Demo: true})
		if err != nil {
			return err
		}
		second := owner
		second.Name, second.Email, second.EmailConfirm = "Otto Owner", "otto@fresh.example", "otto@fresh.example"
		if _, err := t1.createUser(seedActor, second, Request{Reason: "no requester"}, StatusActive, Credential{Demo: true}); err == nil {
			t.Errorf("a second user added with no requester was accepted")
		}
		_, err = t1.createUser(seedActor, staff, Request{Requester: o.Login(), Reason: "hired"}, StatusActive, Credential{Demo: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
