package accounts

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/mfa"
	"latchkey/store"
	"latchkey/store/storetest"
)

// forgotKeys returns the throttle's entry keys and how many index entries
// it holds.
func forgotKeys(t *testing.T, s *Service) (keys [][]byte, ix int) {
	t.Helper()
	err := s.db.View(func(tx *store.Tx) error {
		err := tx.Scan(bForgot, nil, nil, false, func(k, _ []byte) (bool, error) {
			keys = append(keys, append([]byte(nil), k...))
			return true, nil
		})
		if err != nil {
			return err
		}
		ix, err = tx.Count(ixForgotTime)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys, ix
}

// everything is every key and value the database holds, bucket by bucket:
// what a copy of the file gives whoever holds it.
func everything(t *testing.T, s *Service) [][]byte {
	t.Helper()
	var all [][]byte
	err := s.db.View(func(tx *store.Tx) error {
		names, err := tx.Buckets()
		if err != nil {
			return err
		}
		for _, b := range names {
			err := tx.Scan(b, nil, nil, false, func(k, v []byte) (bool, error) {
				all = append(all, append([]byte(nil), k...), append([]byte(nil), v...))
				return true, nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func sentTo(t *testing.T, s *Service, addr string) int {
	t.Helper()
	ms, err := s.outbox(OutboxQuery{To: addr, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func forgot(t *testing.T, s *Service, typed string) Event {
	t.Helper()
	if ans, err := s.ForgotPassword(typed); err != nil || ans != ForgotAnswer {
		t.Fatalf("R16: forgot %q answered %q, %v", typed, ans, err)
	}
	return lastEvent(t, s, ActResetRequested)
}

// R16, R29, R30, R37: the throttle's entries are keyed from the key file
// outside the database. A copy of the file without the key file cannot
// confirm a candidate address, known or not, against them: no plain hash
// of it is anywhere in the copy, no value the copy holds keys it, and
// typing it into the copy records nothing a second try could find. With
// the key file the candidate's entry is found at once (so the search is not
// vacuous).
func TestForgotThrottleNeedsKeyFile(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	k1 := filepath.Join(keys, "desk", "secret.key")
	s := openWithKey(t, storetest.Target(t, "t.db"), clock, k1)
	_, owner, _ := practiceWith(t, s, "Copy Clinic", 3)
	const unknown = "Nobody.Here@Example.org"
	forgot(t, s, unknown)
	forgot(t, s, owner.Email)
	if got, _ := forgotKeys(t, s); len(got) != 2 {
		t.Fatalf("R16: %d throttle entries for two addresses", len(got))
	}

	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	thief := openWithKey(t, copyPath, clock, filepath.Join(keys, "thief", "secret.key"))
	held := everything(t, thief)
	entries, _ := forgotKeys(t, thief)
	for _, c := range []string{unknown, owner.Email} {
		text := normalizeLogin(c)
		h := sha256.Sum256([]byte(text))
		for _, v := range held {
			if bytes.Contains(v, h[:]) {
				t.Fatalf("R30: the copy holds the plain hash of %q", c)
			}
			m := hmac.New(sha256.New, v)
			m.Write([]byte(text))
			mac := m.Sum(nil)
			for _, e := range entries {
				if bytes.Contains(e, mac) {
					t.Fatalf("R30: the entry of %q is keyed with a value the copy holds", c)
				}
			}
		}
	}
	// Typing the candidate into the copy: held back alike, and nothing
	// written that a second try could find.
	for _, c := range []string{unknown, owner.Email} {
		ev := forgot(t, thief, c)
		if ev.Outcome != refusedOutcome("R37") || strings.Contains(ev.Detail, "requests for this address") {
			t.Fatalf("R37: the copy answered %q with %+v", c, ev)
		}
	}
	if after, _ := forgotKeys(t, thief); len(after) != len(entries) {
		t.Fatalf("R30: the copy without the key wrote %d throttle entries", len(after)-len(entries))
	}

	// With the key file, each candidate's entry is there.
	sealer, err := mfa.LoadKey(k1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{unknown, owner.Email} {
		want := append([]byte{forgotKeyVersion}, sealer.ThrottleKey().Entry(normalizeLogin(c))...)
		found := false
		for _, e := range entries {
			found = found || bytes.Equal(e, want)
		}
		if !found {
			t.Fatalf("the key file does not find the entry of %q: the search above proves nothing", c)
		}
	}
}

// R16, R37: every machine holding the desk's key file keys an address
// alike, so a second request within the window is held back whichever
// machine (Service) takes it, for a known and an unknown address alike; the
// window's end sends again.
func TestForgotThrottleAcrossMachines(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	k1 := filepath.Join(keys, "first", "secret.key")
	target := storetest.Target(t, "t.db")
	s1 := openWithKey(t, target, clock, k1)
	_, owner, _ := practiceWith(t, s1, "Two Desks", 3)
	const unknown = "nobody.here@example.org"
	forgot(t, s1, owner.Email)
	forgot(t, s1, unknown)
	if n := sentTo(t, s1, owner.Email); n != 1 {
		t.Fatalf("R16: %d emails", n)
	}
	_ = s1.Close()

	k2 := filepath.Join(keys, "second", "secret.key")
	copyKeyFile(t, k1, k2)
	s2 := openWithKey(t, target, clock, k2)
	clock.Advance(time.Minute)
	for _, c := range []string{strings.ToUpper(owner.Email), " " + unknown} {
		ev := forgot(t, s2, c)
		if ev.Outcome != refusedOutcome("R16") || !strings.Contains(ev.Detail, "2 requests") {
			t.Fatalf("R16: the second machine did not hold back %q: %+v", c, ev)
		}
	}
	if n := sentTo(t, s2, owner.Email); n != 1 {
		t.Fatalf("R16: two machines sent %d emails in one window", n)
	}
	clock.Advance(DefaultForgotEvery)
	if ev := forgot(t, s2, owner.Email); ev.Outcome != OutcomeOK {
		t.Fatalf("R16: after the window: %+v", ev)
	}
	if n := sentTo(t, s2, owner.Email); n != 2 {
		t.Fatalf("R16: after the window, %d emails", n)
	}
}

// R16, R37, R29: a machine without the database's key file (none, or
// another) still throttles: it holds back every request, sends no email,
// writes no entry and creates no key file; the caller gets the one answer,
// never an error; the known and the unknown address are treated alike (the
// same outcome and reason), and each request is audited naming R37.
func TestForgotThrottleWithoutKey(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	keys := t.TempDir()
	s := openWithKey(t, storetest.Target(t, "t.db"), clock, filepath.Join(keys, "desk", "secret.key"))
	_, owner, _ := practiceWith(t, s, "Keyless Clinic", 3)
	forgot(t, s, "first@example.org") // records the desk's key
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, err := s.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(keys, "other", "secret.key")
	if _, err := mfa.LoadOrCreateKey(other); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ name, keyFile string }{
		{"no key file", filepath.Join(keys, "none", "secret.key")},
		{"another key file", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), fmt.Sprintf("m%d.db", i))
			if _, err := s.BackupFile(path); err != nil {
				t.Fatal(err)
			}
			m := openWithKey(t, path, clock, tc.keyFile)
			before, _ := forgotKeys(t, m)
			var evs []Event
			for range 2 {
				evs = append(evs, forgot(t, m, owner.Email), forgot(t, m, "nobody.here@example.org"))
			}
			for _, ev := range evs {
				if ev.Outcome != evs[0].Outcome || !strings.HasPrefix(ev.Detail, forgotKeylessDetail) {
					t.Fatalf("R16: known and unknown addresses told apart: %+v vs %+v", ev, evs[0])
				}
			}
			if evs[0].Outcome != refusedOutcome("R37") {
				t.Fatalf("R37: %+v", evs[0])
			}
			if n := sentTo(t, m, owner.Email); n != 0 {
				t.Fatalf("R16: %d emails from a machine without the key", n)
			}
			if after, _ := forgotKeys(t, m); len(after) != len(before) {
				t.Fatalf("R30: %d entries written without the key", len(after)-len(before))
			}
			if err := m.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
	noFile(t, filepath.Join(keys, "none", "secret.key"), "forgot-password requests on a machine without the key")
}

// R16: no throttle entry outlives its window. Any later write, unrelated to
// the throttle, drops the windows that ended (held-back requests and
// entries of made-up addresses too); the sweeper drops them on a quiet
// desk, a flood's worth in one Sweep; an entry from before entries were
// keyed (a plain sha256 of the address) is dropped at the next write,
// even inside its window.
func TestForgotThrottlePruned(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	target := storetest.Target(t, "t.db")
	keyFile := filepath.Join(t.TempDir(), "secret.key")
	s := openWithKey(t, target, clock, keyFile)
	_, owner, _ := practiceWith(t, s, "Prune Clinic", 3)

	// An entry as written before keying, its window still running, in
	// the file when the upgraded service opens it.
	h := sha256.Sum256([]byte(normalizeLogin(owner.Email)))
	then := clock.Now().Add(-time.Second)
	err := s.db.Update(func(tx *store.Tx) error {
		if err := store.Put(tx, bForgot, h[:], forgotWindow{Since: then}); err != nil {
			return err
		}
		return tx.PutRaw(ixForgotTime, forgotTimeKey(then, h[:]), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	s = openWithKey(t, target, clock, keyFile)
	forgot(t, s, owner.Email)
	for _, v := range everything(t, s) {
		if bytes.Contains(v, h[:]) {
			t.Fatal("R30: the unkeyed entry from before outlived the next write")
		}
	}
	if n := sentTo(t, s, owner.Email); n != 1 {
		t.Fatalf("R16: the dropped entry cost more than its window: %d emails", n)
	}

	clock.Advance(time.Minute)
	forgot(t, s, "made.up@example.org")
	forgot(t, s, owner.Email) // held back
	if got, ix := forgotKeys(t, s); len(got) != 2 || ix != 2 {
		t.Fatalf("R16: %d entries, %d index entries, want 2", len(got), ix)
	}
	// The owner's window has ended, the made-up address's has not: an
	// unrelated write drops the first only.
	clock.Advance(DefaultForgotEvery - time.Minute)
	practiceWith(t, s, "Unrelated Clinic", 1)
	if got, ix := forgotKeys(t, s); len(got) != 1 || ix != 1 {
		t.Fatalf("R16: after the owner's window, %d entries, %d index entries, want 1", len(got), ix)
	}
	clock.Advance(time.Minute)
	practiceWith(t, s, "Another Clinic", 1)
	if got, ix := forgotKeys(t, s); len(got) != 0 || ix != 0 {
		t.Fatalf("R16: after every window, %d entries, %d index entries", len(got), ix)
	}

	// A flood of made-up addresses, then nothing but the sweeper.
	for i := range 3*forgotPruneBatch + 5 {
		if _, err := s.ForgotPassword(fmt.Sprintf("flood%d@example.org", i)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(DefaultForgotEvery)
	if _, err := s.Sweep(); err != nil {
		t.Fatal(err)
	}
	if got, ix := forgotKeys(t, s); len(got) != 0 || ix != 0 {
		t.Fatalf("R16: after a sweep, %d entries, %d index entries outlived their window", len(got), ix)
	}
}

// R16: on a quiet desk the console's tick knows, without reading the
// database, when a window ends (SweepDue), and its sweep drops it; a
// service opening a file that holds an entry from before keying, or a
// window already ended, sweeps at its first tick.
func TestForgotThrottleQuietDesk(t *testing.T) {
	clock := NewFakeClock(testEpoch)
	target := storetest.Target(t, "t.db")
	s := openWithKey(t, target, clock, filepath.Join(t.TempDir(), "secret.key"))
	if s.SweepDue(clock.Now()) {
		t.Fatal("a fresh database has a window to drop")
	}
	forgot(t, s, "quiet@example.org")
	clock.Advance(DefaultForgotEvery - time.Second)
	// The hint is read again at least every forgotRescan; a sweep before
	// the window's end drops nothing.
	if _, err := s.Sweep(); err != nil {
		t.Fatal(err)
	}
	if got, _ := forgotKeys(t, s); len(got) != 1 || s.SweepDue(clock.Now()) {
		t.Fatalf("R16: a window dropped or due before its end (%d entries)", len(got))
	}
	clock.Advance(time.Second)
	if !s.SweepDue(clock.Now()) {
		t.Fatal("R16: the tick does not see the window's end")
	}
	if _, err := s.Sweep(); err != nil {
		t.Fatal(err)
	}
	if got, ix := forgotKeys(t, s); len(got) != 0 || ix != 0 || s.SweepDue(clock.Now()) {
		t.Fatalf("R16: after the sweep, %d entries, %d index entries, due %v", len(got), ix, s.SweepDue(clock.Now()))
	}

	// Closed with an ended window in the file: due when opened again.
	forgot(t, s, "quiet@example.org")
	_ = s.Close()
	clock.Advance(DefaultForgotEvery)
	s = openWithKey(t, target, clock, filepath.Join(t.TempDir(), "other.key"))
	if !s.SweepDue(clock.Now()) {
		t.Fatal("R16: an ended window in the file is not due at open")
	}
	if _, err := s.Sweep(); err != nil { // no key needed to forget
		t.Fatal(err)
	}
	if got, _ := forgotKeys(t, s); len(got) != 0 {
		t.Fatalf("R16: %d entries after the sweep of a machine without the key", len(got))
	}

	// A window another machine opened (this service never noted it): read
	// again within forgotRescan of its end, then dropped.
	err := s.db.Update(func(tx *store.Tx) error {
		key := append([]byte{forgotKeyVersion}, bytes.Repeat([]byte{9}, sha256.Size)...)
		if err := store.Put(tx, bForgot, key, forgotWindow{Since: clock.Now()}); err != nil {
			return err
		}
		return tx.PutRaw(ixForgotTime, forgotTimeKey(clock.Now(), key), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultForgotEvery + forgotRescan)
	if !s.SweepDue(clock.Now()) {
		t.Fatal("R16: another machine's ended window is never looked for")
	}
	if _, err := s.Sweep(); err != nil {
		t.Fatal(err)
	}
	if got, _ := forgotKeys(t, s); len(got) != 0 {
		t.Fatalf("R16: another machine's window outlived its end by %s", forgotRescan)
	}
}
