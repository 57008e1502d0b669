package accounts

import (
	"errors"
	"fmt"
	"time"

	"latchkey/store"
)

// demoInfo marks a demo database: its own clock offset (R39) and the secret
// its seeded users' passwords derive from.
type demoInfo struct {
	Secret []byte        `json:"secret"`
	Offset time.Duration `json:"offset"`
	Seed   int64         `json:"seed"`
}

func (s *Service) loadDemo() error {
	return s.db.View(func(tx *store.Tx) error {
		d, err := store.Get[demoInfo](tx, store.MetaBucket, keyDemo)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		s.demo.Store(&d)
		return nil
	})
}

func (s *Service) demoSecret() []byte {
	if d := s.demo.Load(); d != nil {
		return d.Secret
	}
	return nil
}

// IsDemo reports whether the database is a demo (R39, R40).
func (s *Service) IsDemo() bool { return s.demo.Load() != nil }

// ClockOffset is how far the demo clock runs ahead of the wall clock.
func (s *Service) ClockOffset() time.Duration {
	if d := s.demo.Load(); d != nil {
		return d.Offset
	}
	return 0
}

// MaxClockStep bounds one advance of the demo clock.
const MaxClockStep = 30 * 24 * time.Hour

// AdvanceClock moves a demo database's clock forward by d (R39); locks whose
// time has come lift in the same transaction. A database that is not a demo
// refuses.
func (s *Service) AdvanceClock(actor Actor, d time.Duration) (time.Time, error) {
	if d <= 0 || d > MaxClockStep {
		return time.Time{}, badField("duration", fmt.Sprintf("must be more than 0 and at most %s", MaxClockStep))
	}
	if !s.IsDemo() {
		return time.Time{}, refuseWith("R39", "this database is not a demo: its clock is the wall clock and cannot be moved",
			"Clock control is for demo databases made by `latchkey demo`.")
	}
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	var next demoInfo
	now := s.Now().Add(d)
	// The transaction runs at the new time, so locks due by then lift in it.
	err := s.updateAt(now, func(t *txn) error {
		cur, err := store.Get[demoInfo](t.tx, store.MetaBucket, keyDemo)
		if err != nil {
			return err
		}
		next = cur
		next.Offset += d
		if err := store.Put(t.tx, store.MetaBucket, keyDemo, next); err != nil {
			return err
		}
		return t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActClockAdvanced,
			Outcome: OutcomeOK, Detail: "demo clock advanced by " + d.String()})
	})
	if err != nil {
		return time.Time{}, err
	}
	s.demo.Store(&next)
	return now, nil
}

// DemoPassword returns a seeded demo user's password, for demos and tests. A
// database that is not a demo, or a user who has chosen their own password,
// refuses: nobody can look up a password (R15).
func (s *Service) DemoPassword(login string) (string, error) {
	secret := s.demoSecret()
	if secret == nil {
		return "", refuse("R15", "passwords cannot be looked up; only seeded users of a demo database have a known password")
	}
	u, err := s.UserByLogin(login)
	if err != nil {
		return "", err
	}
	if !u.Password.Demo {
		return "", refuse("R15", "this user has no demo password (none set, or they chose their own); passwords cannot be looked up")
	}
	return derivePassword(secret, u.ID), nil
}
