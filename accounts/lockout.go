package accounts

import (
	"strings"
	"time"

	"latchkey/store"
)

// lock locks u at t.now after its Nth consecutive failure (R11).
func (t *txn) lock(u *User) {
	u.LockedAt = t.now
	u.LockedUntil = t.now.Add(t.s.cfg.LockDuration)
}

// openLock lifts u's lock and resets its failure count (R12, R13).
func openLock(u *User) {
	u.LockedAt, u.LockedUntil = time.Time{}, time.Time{}
	u.Failures = 0
}

// sweepDue lifts every lock whose time is up, as the system, each event
// stamped with the time its lock lifted — also for locks that expired while
// nothing ran (R12). It reads only the lockouts index, so it costs nothing
// when no lock is due.
func (t *txn) sweepDue() (int, error) {
	var due []uint64
	limit := store.U64(uint64(t.now.UnixNano()))
	err := t.tx.Scan(ixLockouts, nil, nil, false, func(k, _ []byte) (bool, error) {
		if string(k[:8]) > string(limit) {
			return false, nil
		}
		due = append(due, store.ParseU64(k[8:]))
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range due {
		old, err := getUser(t.tx, id)
		if err != nil {
			return 0, err
		}
		u := old
		liftedAt := old.LockedUntil
		openLock(&u)
		if err := t.putUser(&old, u); err != nil {
			return 0, err
		}
		e := Event{Time: liftedAt, ActorKind: ActorSystem, Actor: System().Name, Action: ActLockLifted,
			Target: u.Login(), TargetID: u.ID, PracticeID: u.PracticeID, Outcome: OutcomeOK,
			Detail: "lock lifted by itself after " + t.s.cfg.LockDuration.String()}
		if err := t.appendEvent(e); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// DueLifts reports whether any lock is due to lift at the service's time,
// from a read transaction (so an idle console does not write every second).
func (s *Service) DueLifts() (bool, error) { return s.DueLiftsAt(s.Now()) }

// DueLiftsAt reports whether any lock is due to lift at t.
func (s *Service) DueLiftsAt(t time.Time) (bool, error) {
	now := uint64(t.UnixNano())
	due := false
	err := s.db.View(func(tx *store.Tx) error {
		return tx.Scan(ixLockouts, nil, nil, false, func(k, _ []byte) (bool, error) {
			due = store.ParseU64(k[:8]) <= now
			return false, nil
		})
	})
	return due, err
}

// Sweep lifts every lock whose time is up (R12) and returns how many it
// lifted. It also drops the forgot-password throttle's ended windows (R16),
// which write transactions prune too, so that on a quiet desk the console's
// tick (SweepDue) forgets an address when its window ends. It writes only
// when something is due.
func (s *Service) Sweep() (int, error) {
	due, err := s.DueLifts()
	if err != nil {
		return 0, err
	}
	prune, err := s.refreshForgotHint(s.Now())
	if err != nil || (!due && !prune) {
		return 0, err
	}
	n := 0
	// Each write prunes at most forgotPruneBatch windows; a few more
	// rounds clear what a flood left, and the next sweep the rest.
	for range 16 {
		if err := s.update(func(t *txn) error { n += t.swept; return nil }); err != nil {
			return n, err
		}
		if prune, err = s.refreshForgotHint(s.Now()); err != nil || !prune {
			return n, err
		}
	}
	return n, nil
}

// Unlock opens a locked account at once (R13). An operator must record why
// and how the caller was verified as the locked-out user themselves; a
// practice admin may unlock a colleague in their own practice.
func (s *Service) Unlock(actor Actor, userID uint64, req Request) (User, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	req.VerifiedBy = strings.TrimSpace(req.VerifiedBy)
	if req.Reason == "" {
		return User{}, badField("reason", "say why the account is unlocked (R13)")
	}
	if actor.Kind == ActorOperator && req.VerifiedBy == "" && req.Verification == 0 {
		return User{}, badField("verified_by", "record how the caller was verified as the locked-out user (R13), or give a verification (R41)")
	}
	var out User
	target := User{ID: userID} // read once, in the transaction (act)
	err := s.act(actor, ActAccountUnlocked, &target, req, func(t *txn) error {
		old, err := getUser(t.tx, userID)
		if err != nil {
			return err
		}
		target = old
		if err := t.stateUnlock(actor, old); err != nil {
			return err
		}
		req := req
		if req.Verification != 0 { // R41: the check is consumed with the unlock
			if _, err := t.useVerification(actor, ActAccountUnlocked, &req, false, old.ID); err != nil {
				return err
			}
		}
		u := old
		openLock(&u)
		if err := t.putUser(&old, u); err != nil {
			return err
		}
		out = u
		return t.audit(actor, ActAccountUnlocked, &u, req, OutcomeOK,
			"lock from "+old.LockedAt.UTC().Format(time.RFC3339)+" opened early")
	})
	return out, err
}

// mayUnlock: operators may unlock anyone; a practice admin only colleagues of
// their own practice (R13); nobody else.
func (t *txn) mayUnlock(actor Actor, target User) error {
	switch actor.Kind {
	case ActorOperator:
		return nil
	case ActorAdmin:
		if actor.UserID == target.ID {
			return refuse("R13", "an admin cannot unlock their own account: another admin or the desk can")
		}
		if err := t.isAdminOf(actor, target.PracticeID, "R13"); err != nil {
			return err
		}
		return nil
	}
	return refuse("R13", "only a practice admin or an operator can unlock an account")
}

// Lockout is a row of the lockouts pane.
type Lockout struct {
	User      User      `json:"-"`
	Login     string    `json:"user"`
	Name      string    `json:"name"`
	Practice  string    `json:"practice"`
	LockedAt  time.Time `json:"locked_at"`
	UnlocksAt time.Time `json:"unlocks_at"`
	Failures  int       `json:"failures"`
}

// Lockouts lists locked accounts, the soonest to lift first, from the index of
// lift times: its cost follows the number of locks, not of users. Locks whose
// time is up but which the sweeper has not lifted yet are left out.
func (s *Service) Lockouts(limit int) ([]Lockout, error) {
	now := s.Now()
	var out []Lockout
	err := s.db.View(func(tx *store.Tx) error {
		names := practiceNames{}
		return tx.Scan(ixLockouts, nil, nil, false, func(k, _ []byte) (bool, error) {
			u, err := getUser(tx, store.ParseU64(k[8:]))
			if err != nil {
				return false, err
			}
			if !u.LockedNow(now) {
				return true, nil
			}
			name, err := names.of(tx, u.PracticeID)
			if err != nil {
				return false, err
			}
			out = append(out, Lockout{User: u, Login: u.Login(), Name: u.Name, Practice: name,
				LockedAt: u.LockedAt, UnlocksAt: u.LockedUntil, Failures: u.Failures})
			return limit <= 0 || len(out) < limit, nil
		})
	})
	return out, err
}
