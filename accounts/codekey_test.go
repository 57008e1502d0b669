package accounts

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/mfa"
	"latchkey/store/storetest"
)

// openWithKey opens path with its own key file (which need not exist).
func openWithKey(t *testing.T, path string, clock Clock, keyFile string) *Service {
	t.Helper()
	cfg := cheapConfig()
	cfg.KeyFile = keyFile
	s, err := Open(path, clock, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func noFile(t *testing.T, path, why string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%s: key file %s was created (%v)", why, path, err)
	}
}

// R30, R37: one-time codes are hashed under a key from the key file outside
// the database. A fresh database on a fresh machine makes the key file at
// its first code (R34: nothing else to install). A copy of the database
// alone cannot check or crack a live code: its stored hash is not the old
// salt-keyed HMAC nor a plain hash of salt and code, and a machine without
// the key file, or with another one, is refused naming R37 — without
// counting a failed login or creating a stray key (for a TOTP secret
// either); KeyStatus (what `latchkey check` shows) says which, making no
// key. With the key it works.
func TestCodesNeedTheKeyFile(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	k1 := filepath.Join(keys, "desk", "secret.key")
	s := openWithKey(t, storetest.Target(t, "t.db"), clock, k1)
	_, owner, pw := practiceWith(t, s, "Keyed Codes", 5)
	if st, err := s.KeyStatus(); err != nil || !st.OK || st.Recorded != "" {
		t.Fatalf("key status of a fresh database: %+v %v", st, err)
	}
	noFile(t, k1, "before any code or secret")
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(k1); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the first code should create the key file owner-only: %v %v", fi, err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(owner.Email, pw); err == nil {
		t.Fatal("an MFA login passed on the password alone")
	}
	code := codeIn(t, s, "+15032530123")
	if st, err := s.KeyStatus(); err != nil || !st.OK || st.Recorded == "" || st.KeyID != st.Recorded {
		t.Fatalf("key status on the desk: %+v %v", st, err)
	}
	stored := mustUser(t, s, owner.ID).MFA.Challenge
	if stored == nil || stored.Scheme != mfa.CodeSchemeKeyed {
		t.Fatalf("stored challenge %+v", stored)
	}

	// The copy: what a backup, `latchkey copy` or a dump gives away.
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	k2 := filepath.Join(keys, "elsewhere", "secret.key")
	thief := openWithKey(t, copyPath, clock, k2)
	c := mustUser(t, thief, owner.ID).MFA.Challenge
	old := hmac.New(sha256.New, c.Salt)
	old.Write([]byte(code))
	plain := sha256.Sum256(append(append([]byte{}, c.Salt...), code...))
	if hmac.Equal(old.Sum(nil), c.Hash) || bytes.Equal(plain[:], c.Hash) {
		t.Fatal("the stored hash of a live code can be recomputed from the file alone")
	}
	if _, err := thief.Stats(); err != nil {
		t.Fatal(err)
	}
	if st, err := thief.KeyStatus(); err != nil || st.OK || !strings.HasPrefix(st.Problem, "R37: ") {
		t.Fatalf("key status without the key file: %+v %v", st, err)
	}
	noFile(t, k2, "reading the copy and its key status")

	// No key file here: refused (R37), nothing counted, no key made.
	_, err := thief.Authenticate(owner.Email, pw, code)
	wantRule(t, err, "R37")
	noFile(t, k2, "checking a code")
	_, err = thief.Login(owner.Email, pw)
	wantRule(t, err, "R37")
	noFile(t, k2, "issuing a code on a database whose key is recorded")
	_, err = thief.StartEnrolment(owner.Email, pw, "", MFAApp, "")
	wantRule(t, err, "R37")
	noFile(t, k2, "sealing a TOTP secret on a database whose key is recorded")
	if u := mustUser(t, thief, owner.ID); u.Failures != 0 || u.MFA.Challenge.Attempts != 0 {
		t.Fatalf("a code that could not be compared was counted: failures %d, attempts %d", u.Failures, u.MFA.Challenge.Attempts)
	}

	// Another key file: refused naming R37, on checking and on issuing.
	if _, err := mfa.LoadOrCreateKey(k2); err != nil {
		t.Fatal(err)
	}
	_ = thief.Close()
	other := openWithKey(t, copyPath, clock, k2)
	_, err = other.Authenticate(owner.Email, pw, code)
	wantRule(t, err, "R37")
	_, err = other.Login(owner.Email, pw)
	wantRule(t, err, "R37")
	if st, err := other.KeyStatus(); err != nil || st.OK || !strings.HasPrefix(st.Problem, "R37: ") || st.KeyID == st.Recorded {
		t.Fatalf("key status with another key file: %+v %v", st, err)
	}

	// With the key, on the desk itself, the code works.
	clock.Advance(time.Minute)
	if r, err := s.Authenticate(owner.Email, pw, code); err != nil || r.Stage != StageDashboard {
		t.Fatalf("the code with its key: %+v %v", r, err)
	}
}

// R23: a code issued before keyed hashing (no scheme, HMAC keyed by its
// salt) still verifies, without any migration, until it expires 5 minutes
// after it was issued; a new code is keyed.
func TestOldSchemeCodeStillVerifies(t *testing.T) {
	s, clock := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Old Codes", 5)
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, owner.Email)); err != nil {
		t.Fatal(err)
	}
	// plant writes the challenge as the previous release stored it.
	plant := func(code string) {
		t.Helper()
		salt := bytes.Repeat([]byte{9}, 16)
		m := hmac.New(sha256.New, salt)
		m.Write([]byte(code))
		now := s.Now()
		err := s.update(func(tx *txn) error {
			old, err := getUser(tx.tx, owner.ID)
			if err != nil {
				return err
			}
			u := old
			u.MFA.Challenge = &mfa.Code{Salt: salt, Hash: m.Sum(nil), IssuedAt: now, ExpiresAt: now.Add(mfa.CodeTTL), State: mfa.CodeLive}
			return tx.putUser(&old, u)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	plant("424242")
	clock.Advance(mfa.CodeTTL - time.Second)
	if _, err := s.Authenticate(owner.Email, pw, "424242"); err != nil {
		t.Fatalf("old-scheme code at 4:59: %v", err)
	}
	plant("424242")
	clock.Advance(mfa.CodeTTL)
	_, err := s.Authenticate(owner.Email, pw, "424242")
	wantRule(t, err, "R23")

	if _, err := s.Login(owner.Email, pw); err == nil {
		t.Fatal("an MFA login passed on the password alone")
	}
	if c := mustUser(t, s, owner.ID).MFA.Challenge; c.Scheme != mfa.CodeSchemeKeyed {
		t.Fatalf("a new code was issued with scheme %q", c.Scheme)
	}
}

// R37, R11: a second-factor check that cannot be made for want of the key
// file (a machine of the desk without it) is refused naming R37 and counts
// no failed login, for an SMS code and for an app code alike: the caller
// gave nothing wrong.
func TestStepUpWithoutKeyCountsNoFailure(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Keyless Desk", 5)
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(owner.Email, codeIn(t, s, "+15032530123")); err != nil {
		t.Fatal(err)
	}
	const next = "a-brand-new-passphrase-1"
	_, err := s.ChangePassword(owner.Email, pw, "", next, next)
	wantRule(t, err, "R22")
	code := codeIn(t, s, "+15032530123")
	staff := activeUser(t, s, p.ID, "Appa User", Roles{}, owner.Email)
	spw := testPassword(staff)
	secret := enrolApp(t, s, clock, staff.Email, spw)

	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "none", "secret.key")
	keyless := openWithKey(t, copyPath, clock, missing)
	_, err = keyless.ChangePassword(owner.Email, pw, code, next, next)
	wantRule(t, err, "R37")
	_, err = keyless.ChangePassword(staff.Email, spw, mfa.TOTPCode(secret, clock.Now()), next, next)
	wantRule(t, err, "R37")
	for _, id := range []uint64{owner.ID, staff.ID} {
		if u := mustUser(t, keyless, id); u.Failures != 0 {
			t.Fatalf("%s: %d failed logins counted for a check that could not be made", u.Login(), u.Failures)
		}
	}
	noFile(t, missing, "a step-up check")
}
