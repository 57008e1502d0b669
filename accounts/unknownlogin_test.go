package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"latchkey/mfa"
	"latchkey/store"
	"latchkey/store/storetest"
)

// unknownMarker logs in with typed, which matches no account, and returns
// the failed login's event.
func unknownMarker(t *testing.T, s *Service, typed string) Event {
	t.Helper()
	n := len(events(t, s))
	if _, err := s.Login(typed, "whatever"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("an unknown login answered %v, want a wrong password's answer", err)
	}
	evs := events(t, s)
	if len(evs) != n+1 || evs[n].Action != ActLoginFailed {
		t.Fatalf("R29: the unknown login appended %d events, want one %s", len(evs)-n, ActLoginFailed)
	}
	return evs[n]
}

// copyKeyFile puts a copy of the key file at to, owner-only: the desk's key
// file on another machine.
func copyKeyFile(t *testing.T, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// R29, R30, R37: the marker of an unknown login is keyed from the key file
// outside the database. The same text, in any case or spacing, gives the
// same marker on every machine of the desk (repeated attempts line up);
// whoever holds a copy of the database but not the key file cannot make it
// from a candidate text — not with any value the database holds, nor as a
// plain hash, nor by typing the text into the copy — while the key file
// makes it at once (so the search is not vacuous). The event holds neither
// the text nor the key.
func TestUnknownLoginMarkerNeedsKeyFile(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	k1 := filepath.Join(keys, "desk", "secret.key")
	s := openWithKey(t, storetest.Target(t, "t.db"), clock, k1)
	const typed = "Hunter2-Typed-In-The-Login-Field"
	ev := unknownMarker(t, s, typed)
	marker := ev.Target
	if !strings.HasPrefix(marker, unknownLoginPrefix) || ev.Actor != marker || ev.Outcome != OutcomeFailed {
		t.Fatalf("event = %+v", ev)
	}
	mark := strings.TrimPrefix(marker, unknownLoginPrefix)
	if len(mark) != 2*mfa.MarkerBytes {
		t.Fatalf("marker %q", marker)
	}
	if again := unknownMarker(t, s, "  "+strings.ToLower(typed)+" "); again.Target != marker {
		t.Fatalf("R29: the same text typed again gives %s, then %s", marker, again.Target)
	}
	if other := unknownMarker(t, s, typed+"!"); other.Target == marker {
		t.Fatal("R29: two texts give one marker")
	}

	// Nothing secret in the event: not the text, not the key file.
	key, err := os.ReadFile(k1)
	if err != nil {
		t.Fatalf("the first marker of a fresh database should create the key file: %v", err)
	}
	raw, _ := json.Marshal(events(t, s))
	for _, secret := range []string{typed, normalizeLogin(typed), "hunter2", hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key)} {
		if strings.Contains(strings.ToLower(string(raw)), strings.ToLower(secret)) {
			t.Fatalf("R30: the audit trail holds %q", secret)
		}
	}

	// A copy of the database: what a backup, `latchkey copy` or a dump gives.
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	k2 := filepath.Join(keys, "thief", "secret.key")
	thief := openWithKey(t, copyPath, clock, k2)
	var held [][]byte
	err = thief.db.View(func(tx *store.Tx) error {
		return tx.Scan(store.MetaBucket, nil, nil, false, func(_, v []byte) (bool, error) {
			held = append(held, append([]byte(nil), v...))
			return true, nil
		})
	})
	if err != nil || len(held) == 0 {
		t.Fatalf("reading the copy's meta: %d values, %v", len(held), err)
	}
	guess := func(mac []byte) bool { return hex.EncodeToString(mac[:mfa.MarkerBytes]) == mark }
	for _, text := range []string{typed, normalizeLogin(typed)} {
		if h := sha256.Sum256([]byte(text)); guess(h[:]) {
			t.Fatal("R29: the marker is the plain hash of the text")
		}
		for _, v := range held {
			m := hmac.New(sha256.New, v)
			m.Write([]byte(text))
			if guess(m.Sum(nil)) {
				t.Fatalf("R29: the marker is made with a value the database holds (%d bytes)", len(v))
			}
		}
	}
	if got := unknownMarker(t, thief, typed).Target; got != unknownLoginWithheld {
		t.Fatalf("R37: the copy without the key file marked the text %s", got)
	}
	noFile(t, k2, "an unknown login on a copy whose key is recorded")

	// With the key file the candidate is confirmed at once.
	sealer, err := mfa.LoadKey(k1)
	if err != nil {
		t.Fatal(err)
	}
	if sealer.MarkerKey().Mark(normalizeLogin(typed)) != mark {
		t.Fatal("the key file does not make the marker: the search above proves nothing")
	}

	// Another machine of the desk, with the desk's key file: the same marker.
	_ = thief.Close()
	k3 := filepath.Join(keys, "second-machine", "secret.key")
	copyKeyFile(t, k1, k3)
	desk := openWithKey(t, copyPath, clock, k3)
	if got := unknownMarker(t, desk, strings.ToUpper(typed)).Target; got != marker {
		t.Fatalf("R29: another machine of the desk marks the text %s, not %s", got, marker)
	}
}

// R29, R37: a failed login on a machine without the database's key file
// (none, or another) is still audited, for the console's users, the
// patient portal and "Forgot your password?" alike, and answered as any
// failed login: never refused for the key, never a panic, no key file made.
// The marker is withheld — one marker for every text, no hash at all — and
// the detail says why, naming R37.
func TestUnknownLoginWithoutKeyIsAudited(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	s := openWithKey(t, storetest.Target(t, "t.db"), clock, filepath.Join(keys, "desk", "secret.key"))
	unknownMarker(t, s, "first@example.org") // records the desk's key
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(keys, "other", "secret.key")
	if _, err := mfa.LoadOrCreateKey(other); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, keyFile string }{
		{"no key file", filepath.Join(keys, "none", "secret.key")},
		{"another key file", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := openWithKey(t, copyPath, clock, tc.keyFile)
			defer m.Close()
			a := unknownMarker(t, m, "typed-password-1")
			b := unknownMarker(t, m, "someone@example.org")
			for _, ev := range []Event{a, b} {
				if ev.Target != unknownLoginWithheld || ev.Actor != unknownLoginWithheld || ev.Outcome != OutcomeFailed ||
					!strings.Contains(ev.Detail, "(R37)") || strings.Contains(ev.Detail, tc.keyFile) {
					t.Fatalf("event = %+v", ev)
				}
			}
			n := len(events(t, m))
			if _, err := m.PatientLogin("typed-password-2", "x"); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("portal: %v", err)
			}
			if ev := lastEvent(t, m, ActPatientLoginFailed); ev.Target != unknownLoginWithheld {
				t.Fatalf("portal event = %+v", ev)
			}
			if ans, err := m.ForgotPassword("nobody@example.org"); err != nil || ans != ForgotAnswer {
				t.Fatalf("forgot: %q %v", ans, err)
			}
			if ev := lastEvent(t, m, ActResetRequested); ev.Target != unknownLoginWithheld {
				t.Fatalf("forgot event = %+v", ev)
			}
			if got := len(events(t, m)); got != n+2 {
				t.Fatalf("R29: %d events for two failed attempts", got-n)
			}
			raw, _ := json.Marshal(events(t, m))
			for _, typed := range []string{"typed-password", "someone", "nobody"} {
				if strings.Contains(string(raw), typed) {
					t.Fatalf("R30: the trail holds %q", typed)
				}
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
	noFile(t, filepath.Join(keys, "none", "secret.key"), "unknown logins on a machine without the key")
}

// R29: a database from before v2 keeps its marker secret in meta. The first
// unknown login after the upgrade drops it (a copy made from then on cannot
// test guesses against the old markers) and says so in its event; the old
// markers stay in the trail exactly as they were, and the chain still
// verifies.
func TestOldUnknownLoginKeyDropped(t *testing.T) {
	s, _ := newTestService(t)
	old := []byte("0123456789abcdef0123456789abcdef")
	m := hmac.New(sha256.New, old)
	m.Write([]byte(normalizeLogin("old@example.org")))
	oldMarker := "unknown login #" + hex.EncodeToString(m.Sum(nil)[:6])
	err := s.update(func(t *txn) error {
		if err := t.tx.PutRaw(store.MetaBucket, oldUnknownLoginKey, old); err != nil {
			return err
		}
		return t.appendEvent(Event{ActorKind: ActorUser, Actor: oldMarker, Action: ActLoginFailed,
			Target: oldMarker, Outcome: OutcomeFailed, Detail: "no such login"})
	})
	if err != nil {
		t.Fatal(err)
	}
	before := events(t, s)

	ev := unknownMarker(t, s, "old@example.org")
	if !strings.HasPrefix(ev.Target, unknownLoginPrefix) || !strings.Contains(ev.Detail, droppedDetail) {
		t.Fatalf("event = %+v", ev)
	}
	err = s.db.View(func(tx *store.Tx) error {
		_, err := tx.GetRaw(store.MetaBucket, oldUnknownLoginKey)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old marker key is still in the database: %v", err)
	}
	if after := events(t, s)[:len(before)]; !reflect.DeepEqual(after, before) {
		t.Fatal("R29: events before the upgrade changed")
	}
	if ev := unknownMarker(t, s, "old@example.org"); strings.Contains(ev.Detail, droppedDetail) {
		t.Fatalf("the key was dropped twice: %+v", ev)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}
