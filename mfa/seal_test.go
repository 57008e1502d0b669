package mfa

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKeyCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "latchkey")
	path := filepath.Join(dir, "secret.key")
	s, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 32 {
		t.Fatalf("key file is %d bytes", fi.Size())
	}
	if runtime.GOOS != "windows" {
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Fatalf("key file mode %04o, want 0600", m)
		}
		di, _ := os.Stat(dir)
		if m := di.Mode().Perm(); m != 0o700 {
			t.Fatalf("key directory mode %04o, want 0700", m)
		}
	}
	if s.Path() != path || len(s.KeyID()) != 16 {
		t.Fatalf("path %q id %q", s.Path(), s.KeyID())
	}
	// Loading again gives the same key, and no temporary file is left.
	again, err := LoadOrCreateKey(path)
	if err != nil || again.KeyID() != s.KeyID() {
		t.Fatalf("reload: id %v err %v, want id %s", again, err, s.KeyID())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
}

// Processes starting at once on a fresh machine agree on one key.
func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			s, err := LoadOrCreateKey(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = s.KeyID()
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("different keys: %v", ids)
		}
	}
}

func TestLoadOrCreateKeyRefusesReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(path, bytes.Repeat([]byte{7}, 32), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // in case of a strict umask
		t.Fatal(err)
	}
	_, err := LoadOrCreateKey(path)
	var ke *KeyFileError
	if !errors.As(err, &ke) || ke.Path != path || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "0644") {
		t.Fatalf("0644 key file: %v", err)
	}
	// The file is left alone for the owner to fix.
	if b, _ := os.ReadFile(path); len(b) != 32 {
		t.Fatal("key file changed")
	}
}

func TestLoadOrCreateKeyRefusesWrongLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		path := filepath.Join(t.TempDir(), "secret.key")
		if err := os.WriteFile(path, make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadOrCreateKey(path)
		var ke *KeyFileError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "want exactly 32") {
			t.Fatalf("%d-byte key file: %v", n, err)
		}
	}
}

func TestLoadOrCreateKeyRefusesDirectory(t *testing.T) {
	path := t.TempDir()
	if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("directory as key file: %v", err)
	}
}

func TestDefaultKeyPath(t *testing.T) {
	t.Setenv(KeyFileEnv, "/srv/latchkey/key")
	t.Setenv("XDG_CONFIG_HOME", "/home/op/.xdg")
	t.Setenv("HOME", "/home/op")
	if p, _ := DefaultKeyPath(); p != "/srv/latchkey/key" {
		t.Errorf("with %s: %q", KeyFileEnv, p)
	}
	t.Setenv(KeyFileEnv, "")
	if p, _ := DefaultKeyPath(); p != filepath.Join("/home/op/.xdg", "latchkey", "secret.key") {
		t.Errorf("with XDG_CONFIG_HOME: %q", p)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for _, xdg := range []string{"", "relative/dir"} {
		t.Setenv("XDG_CONFIG_HOME", xdg)
		if p, _ := DefaultKeyPath(); p != "/home/op/.config/latchkey/secret.key" {
			t.Errorf("XDG_CONFIG_HOME=%q: %q", xdg, p)
		}
	}
}

func testSealer(t *testing.T, b byte) *Sealer {
	t.Helper()
	s, err := NewSealer(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTrip(t *testing.T) {
	s := testSealer(t, 1)
	secret := []byte("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	ad := []byte("user:42")
	sealed, err := s.Seal(secret, ad)
	if err != nil {
		t.Fatal(err)
	}
	if len(sealed) != 24+len(secret)+16 {
		t.Fatalf("sealed is %d bytes", len(sealed))
	}
	if bytes.Contains(sealed, secret) || bytes.Contains(sealed, secret[:8]) {
		t.Fatal("sealed bytes contain the plaintext")
	}
	got, err := s.Open(sealed, ad)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %q %v", got, err)
	}
	// Random nonces: the same secret seals differently each time.
	again, _ := s.Seal(secret, ad)
	if bytes.Equal(again, sealed) || bytes.Equal(again[:24], sealed[:24]) {
		t.Fatal("two seals share a nonce")
	}
}

func TestOpenWithWrongKey(t *testing.T) {
	sealed, _ := testSealer(t, 1).Seal([]byte("secret"), nil)
	path := filepath.Join(t.TempDir(), "other.key")
	other, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.Open(sealed, nil)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "the TOTP secret cannot be decrypted: the database was sealed with a different key file") ||
		!strings.Contains(msg, path) || !strings.Contains(msg, other.KeyID()) {
		t.Fatalf("message %q", msg)
	}
	if testSealer(t, 1).KeyID() == other.KeyID() {
		t.Fatal("different keys, same id")
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	s := testSealer(t, 3)
	sealed, _ := s.Seal([]byte("secret"), []byte("user:1"))
	if _, err := s.Open(sealed, []byte("user:2")); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("AD mismatch: %v", err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 1
		if _, err := s.Open(bad, []byte("user:1")); err == nil {
			t.Fatalf("flipped byte %d opened", i)
		}
	}
	for _, n := range []int{0, 10, 39} {
		if _, err := s.Open(sealed[:n], []byte("user:1")); err == nil || errors.Is(err, ErrWrongKey) {
			t.Fatalf("%d bytes: %v", n, err)
		}
	}
}

func TestNewSealerKeyLength(t *testing.T) {
	if _, err := NewSealer(make([]byte, 31)); err == nil {
		t.Fatal("31-byte key accepted")
	}
}
