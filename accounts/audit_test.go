package accounts

import (
	"slices"
	"strings"
	"testing"
	"time"

	"latchkey/store"
)

// R29: every change of state and every failed login appends an event with
// time, actor, action, target and outcome; the chain verifies.
func TestEveryChangeIsAudited(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Canyon Allergy & Asthma", 5)
	before := len(events(t, s))
	_, _ = s.Login(owner.Email, "wrong")
	_, _ = s.Login(owner.Email, pw)
	_ = failLogins(t, s, owner.Email, 5)
	clock.Advance(2 * time.Hour)
	_, _ = s.Sweep()
	evs := events(t, s)[before:]
	var got []string
	for _, e := range evs {
		if e.Time.IsZero() || e.Actor == "" || e.Action == "" || e.Outcome == "" {
			t.Errorf("incomplete event %+v", e)
		}
		got = append(got, e.Action+"/"+e.Outcome)
	}
	want := "login.failed/failed login.ok/ok login.failed/failed login.failed/failed login.failed/failed " +
		"login.failed/failed login.failed/failed account.locked/ok account.lock_lifted/ok"
	if strings.Join(got, " ") != want {
		t.Fatalf("events:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			t.Fatalf("sequence gap at %d", i)
		}
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	// The per-user view finds the same events.
	mine, _ := s.Audit(AuditQuery{UserID: owner.ID, Limit: 3})
	if len(mine) != 3 || mine[0].Action != ActLockLifted {
		t.Fatalf("user audit = %+v", mine)
	}
	older, _ := s.Audit(AuditQuery{UserID: owner.ID, Before: mine[2].Seq, Limit: 1})
	if len(older) != 1 || older[0].Seq >= mine[2].Seq {
		t.Fatalf("paging user audit = %+v", older)
	}
}

// R15: passwords are stored only as salted argon2id hashes; two users with
// the same password have different hashes.
func TestPasswordsAreArgon2id(t *testing.T) {
	a := hashPassword("same password here", DefaultHashParams)
	b := hashPassword("same password here", DefaultHashParams)
	if !strings.HasPrefix(a, "$argon2id$v=19$m=19456,t=2,p=1$") || a == b {
		t.Fatalf("hashes %q %q", a, b)
	}
	if ok, err := verifyPassword("same password here", a); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if ok, _ := verifyPassword("other", a); ok {
		t.Fatal("a wrong password verified")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$!!$xx", "$bcrypt$x", "$argon2id$v=18$m=1,t=1,p=1$AAAA$AAAA"} {
		if _, err := verifyPassword("x", bad); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

// R15: nobody can look a password up; only a demo's seeded users have a
// derivable one, and it is never stored.
func TestDemoPasswordOnlyInDemo(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Not A Demo", 5)
	_, err := s.DemoPassword(owner.Email)
	wantRule(t, err, "R15")

	d, _ := newTestDemo(t, 3)
	all, _ := d.Users(UserQuery{Status: StatusActive, Limit: 50})
	var rows []UserRow
	for _, r := range all {
		if !hasMFA(r.User) {
			rows = append(rows, r)
		}
	}
	pw, err := d.DemoPassword(rows[0].Login())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Login(rows[0].Login(), pw); err != nil {
		t.Fatalf("demo password does not log in: %v", err)
	}
	u, _ := d.User(rows[0].ID)
	if !u.Password.Demo || !strings.HasPrefix(u.Password.Hash, "$argon2id$") {
		t.Fatalf("first login should store a real hash of the demo password: %+v", u.Password)
	}
	if again, err := d.DemoPassword(rows[0].Login()); err != nil || again != pw {
		t.Fatalf("demo password after first login: %q %v", again, err)
	}
	// Once the user chooses their own, nobody can look it up.
	if _, err := d.ChangePassword(rows[0].Login(), pw, "", goodPassword, goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DemoPassword(rows[0].Login()); RuleOf(err) != "R15" {
		t.Fatalf("after choosing a password: %v", err)
	}
}

// R36: a check says how far it has come, phase by phase in order, so
// "latchkey check" can draw a progress bar at a million users; the chain's
// phase counts up to every event.
func TestCheckReportsProgress(t *testing.T) {
	s, _ := newTestService(t)
	practiceWith(t, s, "Progress Clinic", 3)
	events, err := s.AuditCount()
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	var chainDone int64
	err = s.CheckProgress(func(p store.Progress) {
		if len(steps) == 0 || steps[len(steps)-1] != p.Step {
			steps = append(steps, p.Step)
		}
		if p.Step == store.StepChain {
			chainDone = max(chainDone, p.Done)
		}
		if p.Steps != store.StepTotals || p.Phase == "" {
			t.Errorf("progress %+v", p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(steps) || !slices.Contains(steps, store.StepChain) || steps[len(steps)-1] != store.StepTotals {
		t.Errorf("phases reported %v", steps)
	}
	if s.Engine() != store.Postgres && steps[0] != store.StepPages {
		t.Errorf("a bbolt check begins with its pages: %v", steps)
	}
	if events == 0 || chainDone > int64(events) {
		t.Errorf("chain progress %d of %d events", chainDone, events)
	}
}
