package accounts

import (
	"testing"
)

// An attacker's review of the identity flows, second round: each test is
// one attack that worked, named by the rule it broke.

// pendingIn adds a pending (never verified) user to practice p.
func pendingIn(t *testing.T, s *Service, p Practice, owner User, name, email string) User {
	t.Helper()
	u, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: name, Kind: KindStaff,
		Email: email, EmailConfirm: email}, Request{Requester: owner.Email})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// R4, R3: the account-setup email of a user who has not verified yet can
// carry a new login email (R6), so sending it is taking the account: the
// link's holder chooses its password. An admin of another practice, or any
// practice user, who sends it to their own address would own a stranger's
// new account. Only the desk or an admin of the user's own practice sends
// it, and only they correct the name of a pending user.
func TestSetupEmailOnlyFromTheUsersOwnPractice(t *testing.T) {
	s, _ := newTestService(t)
	pa, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	pb, ownerB, _ := practiceWith(t, s, "Practice B", 5)
	pend := pendingIn(t, s, pb, ownerB, "Petra Pending", "petra.pending@example.org")
	const evil = "mallory.evil@example.net"
	staffA := activeUser(t, s, pa.ID, "Stan Staff", Roles{}, ownerA.Email)
	for _, actor := range []Actor{
		{Kind: ActorAdmin, Name: ownerA.Email, UserID: ownerA.ID}, // an admin, of another practice
		{Kind: ActorUser, Name: ownerA.Email, UserID: ownerA.ID},
		{Kind: ActorUser, Name: staffA.Email, UserID: staffA.ID},
	} {
		_, _, err := s.SendVerification(actor, pend.ID, evil, evil, Request{})
		wantRule(t, err, "R4")
		_, err = s.Rename(actor, pend.ID, "Mallory Evil", Request{})
		wantRule(t, err, "R3")
	}
	if got := mustUser(t, s, pend.ID); got.Email != pend.Email || got.Name != pend.Name || got.SetupLink != 0 {
		t.Fatalf("another practice changed a pending account: %+v", got)
	}
	if ms, _ := s.outbox(OutboxQuery{To: evil, Limit: 10}); len(ms) != 0 {
		t.Fatalf("a setup link went to %s", evil)
	}
	// The user's own practice admin and the desk still can.
	adminB := Actor{Kind: ActorAdmin, Name: ownerB.Email, UserID: ownerB.ID}
	if _, err := s.Rename(adminB, pend.ID, "Petra Pendleton", Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(adminB, pend.ID, "", "", Request{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SendVerification(Operator("op"), pend.ID, "", "", Request{Reason: "resend"}); err != nil {
		t.Fatal(err)
	}
}

// R3, R2: a practice with no users yet gets its owner at onboarding, which
// is the desk's work. A practice user or admin of another practice cannot
// make themselves (or anyone) the first owner of a customer they are not.
func TestFirstOwnerOnlyByTheDesk(t *testing.T) {
	s, _ := newTestService(t)
	_, ownerA, _ := practiceWith(t, s, "Practice A", 5)
	empty, err := s.CreatePractice(Operator("setup"), "Empty Practice", 5)
	if err != nil {
		t.Fatal(err)
	}
	first := NewUser{PracticeID: empty.ID, Name: "Mal Owner", Kind: KindProvider, Roles: Roles{Owner: true, Admin: true},
		Email: "mal.owner@example.net", EmailConfirm: "mal.owner@example.net"}
	for _, actor := range []Actor{
		{Kind: ActorAdmin, Name: ownerA.Email, UserID: ownerA.ID},
		{Kind: ActorUser, Name: ownerA.Email, UserID: ownerA.ID},
	} {
		_, err := s.CreateUser(actor, first, Request{})
		wantRule(t, err, "R3")
		_, _, err = s.AddUser(actor, first, Request{})
		wantRule(t, err, "R3")
	}
	if p, _ := s.Practice(empty.ID); p.InUse != 0 {
		t.Fatalf("a stranger added the first owner: %+v", p)
	}
	if _, err := s.CreateUser(Operator("onboarding"), first, Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
}
