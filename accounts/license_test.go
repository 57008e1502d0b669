package accounts

import (
	"fmt"
	"sync"
	"testing"
)

// R1: many operators race for a practice's last license; exactly one wins,
// and in-use never exceeds purchased. Each adds at a request proven by their
// own passed check of a champion (R3, R41).
func TestLastLicenseRace(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Riverside Family Medicine", 2)

	const racers = 32
	// One license left; in use at the end: the owner, the champions, the winner.
	reqs := provenAskers(t, s, p, owner, racers, 1, func(k int) string { return fmt.Sprintf("op%d", k) })
	full := 1 + racers + 1
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			email := fmt.Sprintf("new.hire%d@example.org", i)
			_, errs[i] = s.CreateUser(Operator(fmt.Sprintf("op%d", i)), NewUser{PracticeID: p.ID,
				Name: fmt.Sprintf("New Hire %d", i), Kind: KindStaff, Email: email, EmailConfirm: email}, reqs[i])
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			wantRule(t, err, "R1")
		}
	}
	if won != 1 {
		t.Fatalf("%d creations won the last license, want exactly 1", won)
	}
	got, _ := s.Practice(p.ID)
	if got.InUse != full || got.Purchased != full {
		t.Fatalf("practice = %+v", got)
	}
	st, _ := s.Stats()
	if st.InUse != full || st.AtCap != 1 || st.Users != full {
		t.Fatalf("stats = %+v", st)
	}
	// Every refusal is on record with its rule.
	refused := 0
	for _, e := range events(t, s) {
		if e.Action == ActUserCreated && e.Outcome == "refused R1" {
			refused++
		}
	}
	if refused != racers-1 {
		t.Fatalf("%d refusals audited, want %d", refused, racers-1)
	}
}

// R1: inactivating frees the license.
func TestInactivationFreesLicense(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Elmwood Pediatrics", 2)
	u := activeUser(t, s, p.ID, "Lee Leaver", Roles{}, owner.Email)
	if got, _ := s.Practice(p.ID); !got.AtCapacity() {
		t.Fatalf("want at capacity: %+v", got)
	}
	if err := s.update(func(tx *txn) error { return tx.inactivate(Operator("op"), u, Request{}) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Practice(p.ID); got.InUse != 1 || got.Free() != 1 {
		t.Fatalf("after inactivation: %+v", got)
	}
}

// R3, R4, R9: who may ask, the email typed twice, personal and unique emails.
func TestCreateUserChecks(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Greenfield Clinic", 10)
	plain := activeUser(t, s, p.ID, "Plain Staff", Roles{}, owner.Email)
	other, otherOwner, _ := practiceWith(t, s, "Other Clinic", 10)
	_ = other
	nu := func(email, confirm string) NewUser {
		return NewUser{PracticeID: p.ID, Name: "Nia New", Kind: KindStaff, Email: email, EmailConfirm: confirm}
	}
	cases := []struct {
		name  string
		nu    NewUser
		req   Request
		rule  string
		field string
	}{
		{"no requester", nu("nia@example.org", "nia@example.org"), Request{}, "R3", ""},
		{"requester without a role", nu("nia@example.org", "nia@example.org"), Request{Requester: plain.Email}, "R3", ""},
		{"requester of another practice", nu("nia@example.org", "nia@example.org"), Request{Requester: otherOwner.Email}, "R3", ""},
		{"emails differ", nu("nia@example.org", "nia@example.com"), Request{Requester: owner.Email}, "", "email_confirm"},
		{"role mailbox", nu("Front.Desk@example.org", "front.desk@example.org"), Request{Requester: owner.Email}, "R9", ""},
		{"role mailbox with tag", nu("info+x@example.org", "info+x@example.org"), Request{Requester: owner.Email}, "R9", ""},
		{"taken, other case", nu(" "+upper(owner.Email), upper(owner.Email)), Request{Requester: owner.Email}, "R9", ""},
		{"not an email", nu("nia at example", "nia at example"), Request{Requester: owner.Email}, "", "email"},
		{"no name", NewUser{PracticeID: p.ID, Kind: KindStaff, Email: "x@example.org", EmailConfirm: "x@example.org"}, Request{Requester: owner.Email}, "", "name"},
	}
	before, _ := s.Stats()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateUser(Operator("op"), c.nu, c.req)
			if c.rule != "" {
				wantRule(t, err, c.rule)
				return
			}
			fe, ok := err.(*FieldError)
			if !ok || fe.Field != c.field {
				t.Fatalf("want a %s field error, got %v", c.field, err)
			}
		})
	}
	if after, _ := s.Stats(); after != before {
		t.Fatalf("refused creations changed state: %+v -> %+v", before, after)
	}
	u, err := s.CreateUser(Operator("op"), nu("nia.new@example.org", "NIA.NEW@example.org "), Request{Requester: owner.Email,
		Verification: ownerCheck(t, s, "op", owner)}) // R3, R41: the desk adds at a proven request
	if err != nil || u.Status != StatusPending {
		t.Fatalf("valid creation: %+v %v", u, err)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// R2, R3, R4: a new practice's first user, added at onboarding with no
// requester, must be its owner; everyone after needs a requester, who must
// have finished account setup: the owner asks once their setup is done.
func TestFirstUserIsTheOwner(t *testing.T) {
	s, _ := newTestService(t)
	p, err := s.CreatePractice(Operator("op"), "Brand New Clinic", 5)
	if err != nil {
		t.Fatal(err)
	}
	staff := NewUser{PracticeID: p.ID, Name: "Sam Staff", Kind: KindStaff, Email: "sam@example.org", EmailConfirm: "sam@example.org"}
	_, err = s.CreateUser(Operator("op"), staff, Request{})
	wantRule(t, err, "R2")
	owner := NewUser{PracticeID: p.ID, Name: "Olga Owner", Kind: KindProvider, Roles: Roles{Owner: true, Admin: true},
		Email: "olga@example.org", EmailConfirm: "olga@example.org"}
	o, err := s.CreateUser(Operator("op"), owner, Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateUser(Operator("op"), staff, Request{})
	wantRule(t, err, "R3")
	_, err = s.CreateUser(Operator("op"), staff, Request{Requester: "olga@example.org"})
	wantRule(t, err, "R3") // still pending
	if _, _, err := s.SendVerification(Operator("op"), o.ID, "", "", Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, "olga@example.org"), goodPassword); err != nil {
		t.Fatal(err)
	}
	olga, err := s.UserByLogin("olga@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(Operator("op"), staff, Request{Requester: "olga@example.org", Verification: ownerCheck(t, s, "op", olga)}); err != nil {
		t.Fatal(err)
	}
}
