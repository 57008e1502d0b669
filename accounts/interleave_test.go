package accounts

import (
	"sync"
	"testing"
	"time"
)

// interleaveClock is a FakeClock that, once armed, runs an action at the
// next reading of the time: a test puts another action exactly between a
// method's checks outside its transaction (the slow password hash comes
// first, then the time) and its write.
type interleaveClock struct {
	*FakeClock
	mu   sync.Mutex
	skip int // readings to let pass first
	then func()
}

func (c *interleaveClock) Now() time.Time {
	c.mu.Lock()
	f := c.then
	if c.skip > 0 {
		c.skip, f = c.skip-1, nil
	} else {
		c.then = nil
	}
	c.mu.Unlock()
	if f != nil {
		f()
	}
	return c.FakeClock.Now()
}

func (c *interleaveClock) arm(skip int, f func()) {
	c.mu.Lock()
	c.skip, c.then = skip, f
	c.mu.Unlock()
}

func newInterleaveService(t *testing.T) (*Service, *interleaveClock) {
	t.Helper()
	clock := &interleaveClock{FakeClock: NewFakeClock(testEpoch)}
	return openTestService(t, clock), clock
}

// R22, R7, R18: a change that asks for the password again checks it before
// its write transaction (the hash is slow). A password changed in between —
// the real user shutting out someone who knew the old one — must stop the
// change: else the old password still enrols the intruder's phone, starts a
// move of the login email, or, as an admin's check, sets a colleague's
// password. Each is refused, and nothing of it lands.
func TestStalePasswordLosesTheRace(t *testing.T) {
	const next = "the-real-users-new-passphrase-1"
	for _, c := range []struct {
		name string
		act  func(s *Service, u, colleague User) error
		rule string
	}{
		{"enrol a factor", func(s *Service, u, _ User) error {
			_, err := s.StartEnrolment(u.Email, testPassword(u), "", MFASMS, "503-253-0111")
			return err
		}, "R22"},
		{"change the login email", func(s *Service, u, _ User) error {
			_, err := s.ChangeOwnEmail(u.Email, testPassword(u), "", "intruder.mailbox@example.net")
			return err
		}, "R7"},
		{"set a colleague's password", func(s *Service, u, colleague User) error {
			_, err := s.AdminSetPassword(u.Email, testPassword(u), "", colleague.ID, "the-intruders-own-passphrase-2")
			return err
		}, "R18"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, clock := newInterleaveService(t)
			p, owner, _ := practiceWith(t, s, "Race Clinic", 5)
			colleague := activeUser(t, s, p.ID, "Cole Colleague", Roles{}, owner.Email)
			before := mustUser(t, s, colleague.ID)
			clock.arm(0, func() {
				if _, err := s.ChangePassword(owner.Email, testPassword(owner), "", next, next); err != nil {
					t.Errorf("the real user's change: %v", err)
				}
			})
			err := c.act(s, owner, colleague)
			wantRule(t, err, c.rule)
			got := mustUser(t, s, owner.ID)
			if got.MFA.Pending != nil || got.PendingEmail != "" || mustUser(t, s, colleague.ID).Password != before.Password {
				t.Fatalf("a password changed meanwhile still acted: %+v", got)
			}
			if ok, _ := got.checkPassword(s, next); !ok {
				t.Fatal("the interleaved change did not happen")
			}
		})
	}
}

// R7: the same race on the form an email-change link opens, which asks for
// the current password.
func TestStalePasswordLosesTheRaceOnTheEmailLink(t *testing.T) {
	const next = "the-real-users-new-passphrase-1"
	s, clock := newInterleaveService(t)
	_, owner, _ := practiceWith(t, s, "Link Race Clinic", 5)
	if _, err := s.ChangeOwnEmail(owner.Email, testPassword(owner), "", "olive.moving@example.org"); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, "olive.moving@example.org")
	// The link is read first (one reading of the time, inside a read
	// transaction); the password is checked next.
	clock.arm(1, func() {
		if _, err := s.ChangePassword(owner.Email, testPassword(owner), "", next, next); err != nil {
			t.Errorf("the real user's change: %v", err)
		}
	})
	_, err := s.UseLink(link, testPassword(owner))
	wantRule(t, err, "R7")
	if got := mustUser(t, s, owner.ID); got.Email != owner.Email {
		t.Fatalf("a password changed meanwhile moved the login email: %+v", got)
	}
}
