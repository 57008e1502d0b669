package accounts

import (
	"errors"
	"fmt"
	"testing"
)

// practiceWith creates a practice with purchased licenses and an active,
// password-holding owner (provider, owner, admin) whose password is returned.
func practiceWith(t testing.TB, s *Service, name string, purchased int) (Practice, User, string) {
	t.Helper()
	p, err := s.CreatePractice(Operator("setup"), name, purchased)
	if err != nil {
		t.Fatal(err)
	}
	owner := activeUser(t, s, p.ID, "Olive Owner", Roles{Owner: true, Admin: true}, "")
	return p, owner, testPassword(owner)
}

func testPassword(u User) string { return "correct horse battery " + u.Login() }

// activeUser adds a user and makes them active with testPassword, through
// the same transaction code the demo uses.
func activeUser(t testing.TB, s *Service, practiceID uint64, name string, roles Roles, requester string) User {
	t.Helper()
	email := fmt.Sprintf("%s.%d@example.org", tokenize(name)[0], practiceID)
	for n := 2; ; n++ {
		if _, err := s.UserByLogin(email); IsNotFound(err) {
			break
		}
		email = fmt.Sprintf("%s%d.%d@example.org", tokenize(name)[0], n, practiceID)
	}
	var u User
	err := s.update(func(tx *txn) error {
		var err error
		// Set up as the demo seeds its people (the system): a test's cast
		// of owners and admins is given, not asked for at the desk (R19).
		u, err = tx.createUser(Actor{Kind: ActorSystem, Name: "setup"}, NewUser{PracticeID: practiceID, Name: name, Kind: KindProvider,
			Roles: roles, Email: email, EmailConfirm: email}, Request{Requester: requester}, StatusActive, Credential{})
		if err != nil {
			return err
		}
		old := u
		u.Password = Credential{Hash: hashPassword(testPassword(u), s.cfg.Hash)}
		return tx.putUser(&old, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// failLogins makes n wrong-password attempts.
func failLogins(t testing.TB, s *Service, login string, n int) error {
	t.Helper()
	var last error
	for range n {
		_, last = s.Login(login, "not the password")
		if last == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	return last
}

func wantRule(t testing.TB, err error, rule string) {
	t.Helper()
	var re *RuleError
	if !errors.As(err, &re) || re.Rule != rule {
		t.Fatalf("want a refusal naming %s, got %v", rule, err)
	}
}

// events returns the audit trail oldest first.
func events(t testing.TB, s *Service) []Event {
	t.Helper()
	evs, err := s.Audit(AuditQuery{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	return evs
}

func lastEvent(t testing.TB, s *Service, action string) Event {
	t.Helper()
	evs := events(t, s)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == action {
			return evs[i]
		}
	}
	t.Fatalf("no %s event in the audit trail", action)
	return Event{}
}

// provenAskers gives practice p n champions (the licenses for them bought,
// and free more left over) and returns, for each k < n, a champion's
// request proven by operator op(k)'s passed caller check of them: what a
// desk add needs (R3, R41). A race of desk adds is a race of n operators,
// each on a proven request of their own (a check is used once).
func provenAskers(t *testing.T, s *Service, p Practice, owner User, n, free int, op func(k int) string) []Request {
	t.Helper()
	got, err := s.Practice(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPurchased(Operator("setup"), p.ID, got.InUse+n+free, Request{Reason: "contract"}); err != nil {
		t.Fatal(err)
	}
	reqs := make([]Request, n)
	for k := range n {
		c := activeUser(t, s, p.ID, fmt.Sprintf("Cham Pion%d", k), Roles{Champion: true}, owner.Email)
		reqs[k] = Request{Requester: c.Email, Reason: "new hire", Verification: passedCode(t, s, op(k), c, "email").ID}
	}
	return reqs
}
