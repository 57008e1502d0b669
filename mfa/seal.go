package mfa

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/crypto/chacha20poly1305"
)

// R37: TOTP secrets are sealed under a key kept outside the database file,
// so a copy of the database alone (a backup, a stolen laptop image) does not
// give away anyone's authenticator.

// KeyFileEnv names the environment variable that overrides DefaultKeyPath.
const KeyFileEnv = "LATCHKEY_KEY_FILE"

const keySize = chacha20poly1305.KeySize // 32 bytes

// ErrWrongKey means a sealed value did not authenticate under this key.
var ErrWrongKey = errors.New("the TOTP secret cannot be decrypted: the database was sealed with a different key file (or the sealed value was altered)")

// KeyFileError names the key file and what is wrong with it.
type KeyFileError struct {
	Path   string
	Reason string
	Err    error
}

func (e *KeyFileError) Error() string {
	s := fmt.Sprintf("key file %s: %s", e.Path, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *KeyFileError) Unwrap() error { return e.Err }

// DefaultKeyPath is $LATCHKEY_KEY_FILE if set, else
// $XDG_CONFIG_HOME/latchkey/secret.key, else ~/.config/latchkey/secret.key.
// A relative XDG_CONFIG_HOME is ignored, as the XDG spec asks.
func DefaultKeyPath() (string, error) {
	if p := os.Getenv(KeyFileEnv); p != "" {
		return p, nil
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "latchkey", "secret.key"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot place the key file (set %s): %w", KeyFileEnv, err)
	}
	return filepath.Join(home, ".config", "latchkey", "secret.key"), nil
}

// Sealer seals and opens TOTP secrets with XChaCha20-Poly1305. It is safe
// for concurrent use.
type Sealer struct {
	aead   cipher.AEAD
	code   *CodeKey     // derived from the same key file, for one-time codes
	marker *MarkerKey   // and, under another label, for unknown-login markers
	forgot *ThrottleKey // and, under a third, for the forgot-password throttle
	id     string
	path   string
}

// NewSealer makes a Sealer from a 32-byte key held in memory (tests, or a
// key that came from somewhere other than a file).
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("mfa: sealing key has %d bytes, want %d", len(key), keySize)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	// The id is a hash of the key under a fixed label: enough for a
	// database to record which key sealed it and notice a different one,
	// and it reveals nothing usable about the key.
	h := sha256.Sum256(append([]byte("latchkey key id v1\x00"), key...))
	return &Sealer{aead: aead, code: deriveCodeKey(key), marker: deriveMarkerKey(key), forgot: deriveThrottleKey(key), id: hex.EncodeToString(h[:8])}, nil
}

// LoadOrCreateKey reads the key at path, creating it (mode 0600, in a
// directory created 0700) on first use. It refuses a key file that others
// can read or that is not exactly 32 bytes, naming the file.
func LoadOrCreateKey(path string) (*Sealer, error) {
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	s, err := NewSealer(key)
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "unusable key", Err: err}
	}
	s.path = path
	return s, nil
}

// LoadKey loads an existing key file and never creates one: opening a
// sealed secret with a key that does not exist yet can only fail, and must
// not leave a stray new key behind.
func LoadKey(path string) (*Sealer, error) {
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &KeyFileError{Path: path, Reason: "does not exist: the secrets were sealed with another key file (give the right one with --key-file or $" + KeyFileEnv + ")", Err: err}
	}
	if err != nil {
		return nil, err
	}
	s, err := NewSealer(key)
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "unusable key", Err: err}
	}
	s.path = path
	return s, nil
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot read", Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, &KeyFileError{Path: path, Reason: "is not a regular file"}
	}
	// Windows has no Unix permission bits to check; there the file's ACL
	// (inherited from the user's profile) is what keeps it private.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, &KeyFileError{Path: path, Reason: fmt.Sprintf(
			"is readable by other users (mode %04o); it must be readable by its owner only: chmod 600 %s", perm, path)}
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot read", Err: err}
	}
	if len(key) != keySize {
		return nil, &KeyFileError{Path: path, Reason: fmt.Sprintf(
			"has %d bytes, want exactly %d; it is not a Latchkey key file (or it was damaged)", len(key), keySize)}
	}
	return key, nil
}

// createKeyFile writes a new key to a temporary file beside path and links
// it into place. The link fails if path already exists, so two processes
// starting at once end up sharing one key, and no reader ever sees a
// half-written file.
func createKeyFile(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot create its directory", Err: err}
	}
	key := make([]byte, keySize)
	_, _ = rand.Read(key) // never fails since Go 1.24
	tmp, err := os.CreateTemp(dir, ".secret.key-*")
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot create", Err: err}
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(key)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot write", Err: err}
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return readKeyFile(path) // someone else created it first
	} else if err != nil {
		return nil, &KeyFileError{Path: path, Reason: "cannot create", Err: err}
	}
	return key, nil
}

// KeyID identifies the key (16 hex digits) so a database can record which
// key sealed its secrets and say clearly when it is opened with another.
func (s *Sealer) KeyID() string { return s.id }

// CodeKey is the key one-time codes are hashed under, derived from the
// sealing key (never the sealing key itself), so the one key file outside
// the database protects both TOTP secrets and live codes.
func (s *Sealer) CodeKey() *CodeKey { return s.code }

// MarkerKey is the key unknown-login markers in the audit trail are made
// with, derived from the sealing key under its own label (never the sealing
// key nor the code key).
func (s *Sealer) MarkerKey() *MarkerKey { return s.marker }

// ThrottleKey is the key the "Forgot your password?" throttle keys the
// addresses it remembers with, derived under its own label (R16, R37).
func (s *Sealer) ThrottleKey() *ThrottleKey { return s.forgot }

// Path is the key file the Sealer was loaded from ("" for NewSealer).
func (s *Sealer) Path() string { return s.path }

// Seal encrypts plaintext, bound to associatedData (for example the user's
// id, so a sealed secret copied onto another user's record does not open).
// The result is a random 24-byte nonce followed by the ciphertext and tag;
// random nonces are safe at XChaCha20's nonce size.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, associatedData), nil
}

// Open decrypts what Seal produced with the same associatedData. A value
// sealed under another key (or altered, or opened with other associated
// data) returns an error matching ErrWrongKey.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, fmt.Errorf("mfa: sealed value is %d bytes, too short to be one (damaged)", len(sealed))
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], associatedData)
	if err != nil {
		if s.path != "" {
			return nil, fmt.Errorf("%w; key file in use: %s (key id %s)", ErrWrongKey, s.path, s.id)
		}
		return nil, fmt.Errorf("%w (key id %s)", ErrWrongKey, s.id)
	}
	return plain, nil
}
