package accounts

import (
	"slices"
	"testing"
	"time"

	"latchkey/store"
)

// A seeded demo must show the desk the rules as they fall on a real desk,
// never artefacts of the seeding (seedtimes.go). These tests read one
// 40-practice demo built on a fake clock with a fixed seed, so every figure
// is the same at every run (one build: PostgreSQL's takes a while).
func TestDemoHistory(t *testing.T) {
	s, _ := newTestDemo(t, 40)
	t.Run("events after creation", func(t *testing.T) { demoEventsAfterCreation(t, s) })
	t.Run("last logins", func(t *testing.T) { demoLastLogins(t, s) })
	t.Run("licenses over time", func(t *testing.T) { demoLicensesOverTime(t, s) })
	t.Run("factor ages", func(t *testing.T) { demoFactorAges(t, s) }) // last: it clears two factors
}

// allUsers lists every user of s, in id order.
func allUsers(t *testing.T, s *Service) []User {
	t.Helper()
	var out []User
	var after uint64
	for {
		rows, err := s.Users(UserQuery{After: after, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		for _, r := range rows {
			out = append(out, r.User)
			after = r.ID
		}
	}
}

// eventsOf is every audit event about u, oldest first.
func eventsOf(t *testing.T, s *Service, u User) []Event {
	t.Helper()
	var out []Event
	err := s.db.View(func(tx *store.Tx) error {
		return userEvents(tx, s.legacyEvents, u.ID, 0, func(seq uint64) (bool, error) {
			en, err := auditChain.Get(tx, seq)
			if err != nil {
				return false, err
			}
			e, err := decodeEvent(en)
			out = append([]Event{e}, out...)
			return err == nil, err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// R42: seeded factors were enrolled weeks to months ago, spread; only a
// few (2-5%) in the last 7 days, where FACTOR CHANGED holds. So an ordinary
// user's MFA clear goes through one operator, and a recently enrolled one
// still waits for a second (four eyes).
func demoFactorAges(t *testing.T, s *Service) {
	now := s.Now()
	var enrolled, recent, months int
	var ordinary, fresh User
	for _, u := range allUsers(t, s) {
		if u.MFA.State() != MFAStateEnabled {
			continue
		}
		enrolled++
		age := now.Sub(u.MFA.EnrolledAt)
		if age < 0 {
			t.Fatalf("%s enrolled %s, after the clock %s", u.Login(), u.MFA.EnrolledAt, now)
		}
		if age > 30*24*time.Hour {
			months++
		}
		risk, err := s.Risk(u.ID)
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		for _, r := range risk {
			changed = changed || r.Signal == SignalFactorChanged
		}
		if changed != (age <= riskLongWindow) {
			t.Fatalf("%s enrolled %s ago: FACTOR CHANGED %v", u.Login(), age, changed)
		}
		if changed {
			recent++
		}
		if len(risk) == 0 && ordinary.ID == 0 && !u.LockedNow(now) {
			ordinary = u
		}
		if changed && len(risk) == 1 && fresh.ID == 0 && !u.LockedNow(now) {
			fresh = u
		}
	}
	if enrolled < 200 {
		t.Fatalf("only %d seeded factors: the test proves little", enrolled)
	}
	t.Logf("%d factors: %d in the last 7 days, %d more than 30 days ago", enrolled, recent, months)
	if pc := 100 * float64(recent) / float64(enrolled); pc < 2 || pc > 5 {
		t.Errorf("%d of %d factors (%.1f%%) enrolled in the last 7 days, want 2-5%%", recent, enrolled, pc)
	}
	if months*2 < enrolled {
		t.Errorf("only %d of %d factors enrolled more than 30 days ago, want most", months, enrolled)
	}
	if ordinary.ID == 0 || fresh.ID == 0 {
		t.Fatalf("no ordinary (%d) or recently enrolled (%d) unprivileged user in the demo", ordinary.ID, fresh.ID)
	}
	v := passedCode(t, s, "dana", ordinary, "email")
	res, err := s.ClearMFAVerified(Operator("dana"), ordinary.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending != nil || res.User.MFA.State() != MFAStateNone {
		t.Fatalf("ordinary clear: %+v %v, want it done by one operator", res, err)
	}
	v = passedCode(t, s, "dana", fresh, "email")
	res, err = s.ClearMFAVerified(Operator("dana"), fresh.ID, ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil || res.Pending == nil || res.User.MFA.State() != MFAStateEnabled {
		t.Fatalf("recent factor's clear: %+v %v, want it waiting for a second operator", res, err)
	}
}

// R29: every seeded event about a user comes after the user's creation, in
// the chain's order (times never go back from one to the next), and none
// after the clock the demo was built on.
func demoEventsAfterCreation(t *testing.T, s *Service) {
	now := s.Now()
	failed := 0
	for _, u := range allUsers(t, s) {
		evs := eventsOf(t, s, u)
		if len(evs) == 0 || evs[0].Action != ActUserCreated || !evs[0].Time.Equal(u.CreatedAt) {
			t.Fatalf("%s: first event %+v, want user.created at %s", u.Login(), evs[0], u.CreatedAt)
		}
		for i, e := range evs {
			if e.Time.After(now) {
				t.Fatalf("%s: %s at %s, after the clock %s", u.Login(), e.Action, e.Time, now)
			}
			if i > 0 && e.Time.Before(evs[i-1].Time) {
				t.Fatalf("%s: %s (#%d) at %s before %s (#%d) at %s", u.Login(), e.Action, e.Seq, e.Time,
					evs[i-1].Action, evs[i-1].Seq, evs[i-1].Time)
			}
			if e.Action == ActLoginFailed {
				failed++
			}
		}
	}
	if failed < 50 {
		t.Fatalf("only %d failed logins seeded: the test proves little", failed)
	}
}

// R31, R29: an active seeded user has a last login, mostly in the last
// days, after their creation and not after the clock (and, with MFA, the
// last use of their factor); pending users have none. It is on the record,
// not in the trail (seedtimes.go): no seeded trail holds a login.ok, so the
// trail claims no login the record does not show.
func demoLastLogins(t *testing.T, s *Service) {
	now := s.Now()
	var active, week int
	for _, u := range allUsers(t, s) {
		var last *Event
		evs := eventsOf(t, s, u)
		for i := range evs {
			if evs[i].Action == ActLoginOK {
				last = &evs[i]
			}
		}
		if last != nil {
			t.Fatalf("%s: a seeded login.ok %+v: the seed writes last logins on the record only", u.Login(), last)
		}
		switch u.Status {
		case StatusPending:
			if !u.LastLoginAt.IsZero() {
				t.Fatalf("pending %s: last login %s", u.Login(), u.LastLoginAt)
			}
		case StatusActive:
			active++
			if u.LastLoginAt.IsZero() {
				t.Fatalf("active %s: no last login", u.Login())
			}
			if !u.LastLoginAt.After(u.CreatedAt) || u.LastLoginAt.After(now) {
				t.Fatalf("%s: last login %s, created %s, clock %s", u.Login(), u.LastLoginAt, u.CreatedAt, now)
			}
			if u.MFA.State() == MFAStateEnabled && !u.MFA.LastUsedAt.Equal(u.LastLoginAt) {
				t.Fatalf("%s: factor last used %s, last login %s", u.Login(), u.MFA.LastUsedAt, u.LastLoginAt)
			}
			if now.Sub(u.LastLoginAt) <= 7*24*time.Hour {
				week++
			}
		}
	}
	if week*2 < active {
		t.Errorf("only %d of %d active users logged in in the last 7 days, want most", week, active)
	}
}

// R1: at no moment of a seeded practice's history did it use more licenses
// than it bought: each user held one from their creation until they were
// inactivated, and the leavers' time at the practice overlaps everyone's.
func demoLicensesOverTime(t *testing.T, s *Service) {
	type change struct {
		at    time.Time
		delta int
	}
	byPractice := map[uint64][]change{}
	for _, u := range allUsers(t, s) {
		byPractice[u.PracticeID] = append(byPractice[u.PracticeID], change{u.CreatedAt, +1})
		if u.Status != StatusInactive {
			continue
		}
		for _, e := range eventsOf(t, s, u) {
			if e.Action == ActUserInactivated {
				byPractice[u.PracticeID] = append(byPractice[u.PracticeID], change{e.Time, -1})
			}
		}
	}
	for id, cs := range byPractice {
		p, err := s.Practice(id)
		if err != nil {
			t.Fatal(err)
		}
		// At one instant a license is freed before it is taken again.
		slices.SortFunc(cs, func(a, b change) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return a.delta - b.delta
		})
		inUse := 0
		for _, c := range cs {
			if inUse += c.delta; inUse > p.Purchased {
				t.Fatalf("%s: %d licenses in use at %s, %d bought", p.Name, inUse, c.at, p.Purchased)
			}
		}
	}
}
