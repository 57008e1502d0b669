package accounts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latchkey/store/storetest"
)

// R11: five consecutive failures lock the account; a locked account refuses
// even the right password and says only that it is locked.
func TestLockAfterFiveFailures(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Cedar Family Medicine", 5)

	for i := 1; i <= 4; i++ {
		if _, err := s.Login(owner.Email, "wrong"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: want bad credentials, got %v", i, err)
		}
	}
	u, _ := s.User(owner.ID)
	if u.Failures != 4 || u.Locked() {
		t.Fatalf("after 4 failures: failures=%d locked=%v", u.Failures, u.Locked())
	}
	_, err := s.Login(owner.Email, "wrong")
	wantRule(t, err, "R11")

	_, err = s.Login(owner.Email, pw)
	wantRule(t, err, "R11")
	if msg := err.Error(); !strings.Contains(msg, "locked") || strings.Contains(msg, ":00") {
		t.Errorf("locked message should say only that it is locked: %q", msg)
	}
	if ev := lastEvent(t, s, ActLoginRefused); ev.Outcome != "refused R11" || ev.Target != owner.Email {
		t.Errorf("refused login event = %+v", ev)
	}
	if ev := lastEvent(t, s, ActAccountLocked); ev.ActorKind != ActorSystem {
		t.Errorf("lock event = %+v", ev)
	}
}

// R11: the threshold is configurable.
func TestLockThresholdConfigurable(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	cfg := cheapConfig()
	cfg.MaxFailures = 3
	s, err := Open(storetest.Target(t, "c.db"), clock, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, owner, _ := practiceWith(t, s, "Harbor Pediatrics", 3)
	wantRule(t, failLogins(t, s, owner.Email, 3), "R11")
}

// R11: only consecutive failures count; a success resets the count (R12).
func TestSuccessResetsFailures(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Summit Dermatology", 5)
	_ = failLogins(t, s, owner.Email, 4)
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User(owner.ID)
	if u.Failures != 0 || u.LastLoginAt.IsZero() {
		t.Fatalf("after success: failures=%d last=%v", u.Failures, u.LastLoginAt)
	}
	if err := failLogins(t, s, owner.Email, 4); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("4 more failures after a success should not lock: %v", err)
	}
}

// R12: the lock lifts by itself 60 minutes after it began, as a system event
// stamped with the time it lifted, and the failure count resets.
func TestLockLiftsAfterAnHour(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Lakeview Psychiatry", 5)
	_ = failLogins(t, s, owner.Email, 5)
	locked, _ := s.User(owner.ID)
	lockedAt := locked.LockedAt

	clock.Advance(59*time.Minute + 59*time.Second)
	if n, err := s.Sweep(); err != nil || n != 0 {
		t.Fatalf("sweep before the hour: %d, %v", n, err)
	}
	_, err := s.Login(owner.Email, pw)
	wantRule(t, err, "R11")

	// Nothing runs for three hours; the lift is still stamped at lockedAt+60m.
	clock.Advance(3 * time.Hour)
	if n, err := s.Sweep(); err != nil || n != 1 {
		t.Fatalf("sweep after the hour: %d, %v", n, err)
	}
	u, _ := s.User(owner.ID)
	if u.Locked() || u.Failures != 0 {
		t.Fatalf("after lift: locked=%v failures=%d", u.Locked(), u.Failures)
	}
	ev := lastEvent(t, s, ActLockLifted)
	if ev.ActorKind != ActorSystem || !ev.Time.Equal(lockedAt.Add(time.Hour)) {
		t.Fatalf("lift event = %+v, want system at %v", ev, lockedAt.Add(time.Hour))
	}
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login after lift: %v", err)
	}
	if locks, _ := s.Lockouts(0); len(locks) != 0 {
		t.Fatalf("lockouts after lift: %v", locks)
	}
}

// R12: a login after the lock's time lifts it first, even if no sweeper ran.
func TestLoginAfterExpiryLiftsWithoutSweeper(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Oak Valley Counseling", 5)
	_ = failLogins(t, s, owner.Email, 5)
	clock.Advance(61 * time.Minute)
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login after the hour: %v", err)
	}
	lastEvent(t, s, ActLockLifted)
}

// R12: the lock duration is configurable.
func TestLockDurationConfigurable(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	cfg := cheapConfig()
	cfg.LockDuration = 15 * time.Minute
	s, err := Open(storetest.Target(t, "d.db"), clock, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, owner, pw := practiceWith(t, s, "Pinecrest Podiatry", 3)
	_ = failLogins(t, s, owner.Email, 5)
	clock.Advance(15 * time.Minute)
	if _, err := s.Login(owner.Email, pw); err != nil {
		t.Fatalf("login after 15 minutes: %v", err)
	}
}

// R14: inactive users cannot log in; pending users cannot until verified.
func TestInactiveAndPendingCannotLogIn(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Westbrook Wellness", 5)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	pw := testPassword(staff)
	if err := s.update(func(tx *txn) error { return tx.inactivate(Operator("op"), staff, Request{Reason: "left"}) }); err != nil {
		t.Fatal(err)
	}
	_, err := s.Login(staff.Email, pw)
	wantRule(t, err, "R14")
	// Wrong password on an inactive account says nothing about its status.
	if _, err := s.Login(staff.Email, "nope"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password on inactive account: %v", err)
	}

	pending, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Pat Pending", Kind: KindStaff,
		Email: "pat.pending@example.org", EmailConfirm: "pat.pending@example.org"}, Request{Requester: owner.Email, Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(pending.Email, ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("pending user without a password logged in or said more: %v", err)
	}
	// A reactivated, never-verified user with an old password is still pending.
	if err := s.update(func(tx *txn) error {
		old, _ := getUser(tx.tx, pending.ID)
		u := old
		u.Password = Credential{Hash: hashPassword("pending password!", s.cfg.Hash)}
		return tx.putUser(&old, u)
	}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Login(pending.Email, "pending password!")
	wantRule(t, err, "R14")
}

// R29: a login for an unknown name is audited as a failure and answers like
// a wrong password; it runs the same hash (a decoy), so it takes as long.
func TestUnknownLogin(t *testing.T) {
	s, _ := newTestService(t)
	if _, err := s.Login("nobody@example.org", "whatever"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown login: %v", err)
	}
	ev := lastEvent(t, s, ActLoginFailed)
	// The trail names the attempt by a hash of what was typed, never the
	// text (it may be a password typed into the wrong field).
	if !strings.HasPrefix(ev.Target, unknownLoginPrefix) || ev.Outcome != OutcomeFailed ||
		strings.Contains(ev.Target+ev.Actor+ev.Detail, "nobody") {
		t.Fatalf("event = %+v", ev)
	}
	if _, _ = s.Login("NOBODY@example.org ", "x"); lastEvent(t, s, ActLoginFailed).Target != ev.Target {
		t.Fatal("the same name typed again does not line up")
	}
	if s.dummy.hash == "" || !strings.HasPrefix(s.dummy.hash, "$argon2id$") {
		t.Fatal("an unknown login did not run the decoy argon2id hash")
	}
}

// Logins compare users case-insensitively and trimmed (R9), and legacy users
// log in by username (R8).
func TestLoginByEmailAnyCaseAndByUsername(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Bayside Orthopedics", 5)
	if _, err := s.Login("  "+strings.ToUpper(owner.Email)+" ", pw); err != nil {
		t.Fatalf("login with upper-case email: %v", err)
	}
}

// BenchmarkLoginKnownVsUnknown shows a known and an unknown login cost the
// same (the decoy hash), with the shipped hash cost.
func BenchmarkLoginKnownVsUnknown(b *testing.B) {
	clock := NewFakeClock(testEpoch)
	s, err := Open(storetest.Target(b, "b.db"), clock, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	_, owner, _ := practiceWith(b, s, "Bench Clinic", 5)
	b.Run("known", func(b *testing.B) {
		for b.Loop() {
			_, _ = s.Login(owner.Email, "wrong")
			clock.Advance(2 * time.Hour) // keep the account from staying locked
		}
	})
	b.Run("unknown", func(b *testing.B) {
		for b.Loop() {
			_, _ = s.Login("nobody@example.org", "wrong")
		}
	})
}
