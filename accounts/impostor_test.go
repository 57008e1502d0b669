package accounts

import (
	"testing"
)

// A lying caller's and a careless operator's review, third round: each test
// is one way the desk could still be talked into what a rule forbids, named
// by that rule.

// R2, R20, R19: a practice keeps an active owner, since only an active owner
// can ask for licenses (requesters must be active, R3, R4). An owner who was
// added but never verified is no such owner: whoever holds their setup link
// would become the practice's only owner. So the last active owner is not
// inactivated, demoted or replaced while the only other owner is pending.
func TestLastActiveOwnerNotLeftToAPendingOne(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Pending Partner Clinic", 6)
	partner, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Paula Partner", Kind: KindProvider,
		Roles: Roles{Owner: true}, Email: "paula.partner@example.org", EmailConfirm: "paula.partner@example.org"},
		Request{Requester: owner.Email, Reason: "new partner"})
	if err != nil {
		t.Fatal(err)
	}
	if partner.Status != StatusPending {
		t.Fatalf("the new partner is %s, want pending", partner.Status)
	}
	req := Request{Requester: owner.Email, Reason: "retiring"}
	_, err = s.Inactivate(Operator("op"), owner.ID, req)
	wantRule(t, err, "R2")
	_, err = s.SetRoles(Operator("op"), owner.ID, Roles{Admin: true}, req)
	wantRule(t, err, "R2")
	_, _, err = s.Replace(Operator("op"), owner.ID, NewUser{Name: "Rita Replacement", Kind: KindProvider,
		Email: "rita.replacement@example.org", EmailConfirm: "rita.replacement@example.org"}, req)
	wantRule(t, err, "R2")
	if got := mustUser(t, s, owner.ID); got.Status != StatusActive || !got.Roles.Owner {
		t.Fatalf("the last active owner was let go: %+v", got)
	}
	// Once the partner has set up their account, the owner may go.
	setUpAccount(t, s, partner)
	if _, err := s.Inactivate(Operator("op"), owner.ID, req); err != nil {
		t.Fatal(err)
	}
}

// setUpAccount has a pending user follow their setup link (R4).
func setUpAccount(t *testing.T, s *Service, u User) User {
	t.Helper()
	if _, _, err := s.SendVerification(Operator("op"), u.ID, "", "", Request{Reason: "setup"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.UseLink(linkIn(t, s, u.Email), goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
