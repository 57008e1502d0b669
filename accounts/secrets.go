package accounts

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"latchkey/mfa"
	"latchkey/store"
)

var keySealKey = []byte("mfa_key_id")

// secrets seals TOTP secrets under a key kept outside the database file
// (R37), loaded on first use, so a database opened without its key still
// does everything but TOTP — and says why TOTP fails.
type secrets struct {
	mu     sync.Mutex
	sealer *mfa.Sealer
}

// sealer loads the key; create makes it on first use (sealing), else a
// missing key file is an error (opening), so a mistyped --key-file leaves no
// stray key behind.
func (s *Service) sealer(create bool) (*mfa.Sealer, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if s.keys.sealer != nil {
		return s.keys.sealer, nil
	}
	path := s.cfg.KeyFile
	if path == "" {
		var err error
		if path, err = mfa.DefaultKeyPath(); err != nil {
			return nil, err
		}
	}
	load := mfa.LoadKey
	if create {
		load = mfa.LoadOrCreateKey
	}
	sealer, err := load(path)
	if err != nil {
		return nil, err
	}
	s.keys.sealer = sealer
	return sealer, nil
}

// recordedKeyID is the id of the key the database's secrets and codes are
// keyed with, or nil while it has none.
func recordedKeyID(tx *store.Tx) ([]byte, error) {
	raw, err := tx.GetRaw(store.MetaBucket, keySealKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return raw, err
}

// keyFor loads the key file for a database that has recorded the key id
// recorded (nil: none yet). A write that needs the key (sealing a TOTP
// secret, issuing a code) may create the file, but only while the database
// has recorded no key: the first secret or code of a fresh database, as
// `go run .` and `latchkey demo` make on a new machine. Once a key is
// recorded, a machine without the file (one more machine of a shared desk)
// is refused naming R37 instead of making a stray key that could never
// open anything. Reads never create one.
func (s *Service) keyFor(recorded []byte, write bool) (*mfa.Sealer, error) {
	sealer, err := s.sealer(write && recorded == nil)
	var kfe *mfa.KeyFileError
	switch {
	case err == nil:
		return sealer, nil
	case errors.As(err, &kfe) && errors.Is(err, fs.ErrNotExist) && recorded != nil:
		return nil, refuseWith("R37", fmt.Sprintf("this database's one-time codes and TOTP secrets are keyed with key %s, and this machine has no key file at %s",
			recorded, kfe.Path), keyFileGuidance)
	case errors.As(err, &kfe):
		return nil, refuseWith("R37", "the key file that keys one-time codes and seals TOTP secrets cannot be used: "+kfe.Error(), keyFileGuidance)
	}
	return nil, err
}

// checkSealKey makes sure the database's TOTP secrets were sealed, and its
// one-time codes hashed, with this key, recording the key's id at the first
// seal or code. Another key is refused naming R37.
func (t *txn) checkSealKey(sealer *mfa.Sealer) error {
	raw, err := recordedKeyID(t.tx)
	if err != nil {
		return err
	}
	if raw == nil {
		if !t.tx.Writable() {
			return nil
		}
		return t.tx.PutRaw(store.MetaBucket, keySealKey, []byte(sealer.KeyID()))
	}
	return keyMatches(raw, sealer)
}

// keyMatches refuses a key that is not the one the database recorded (R37).
func keyMatches(recorded []byte, sealer *mfa.Sealer) error {
	if recorded != nil && string(recorded) != sealer.KeyID() {
		return refuseWith("R37", fmt.Sprintf("this database's one-time codes and TOTP secrets are keyed with key %s, but the key file %s holds key %s",
			recorded, sealer.Path(), sealer.KeyID()), keyFileGuidance)
	}
	return nil
}

// keyFileGuidance is what to do about a key file that is not the
// database's: every machine of a desk uses the one key file.
var keyFileGuidance = "Use the database's key file on every machine that opens it (--key-file or $" + mfa.KeyFileEnv + "): copy it, owner-only, from a machine that already uses the database"

func sealAD(userID uint64) []byte {
	return append([]byte("latchkey totp secret\x00"), store.U64(userID)...)
}

// sealSecret seals a TOTP secret for one user (the user id is bound in, so a
// sealed secret cannot be moved to another account).
func (s *Service) sealSecret(userID uint64, secret string) ([]byte, error) {
	recorded, err := s.recordedKey()
	if err != nil {
		return nil, err
	}
	sealer, err := s.keyFor(recorded, true)
	if err != nil {
		return nil, err
	}
	if err := keyMatches(recorded, sealer); err != nil {
		return nil, err
	}
	return sealer.Seal([]byte(secret), sealAD(userID))
}

// openSecret opens a sealed TOTP secret, checking the key is the database's.
func (s *Service) openSecret(userID uint64, sealed []byte) (string, error) {
	recorded, err := s.recordedKey()
	if err != nil {
		return "", err
	}
	sealer, err := s.keyFor(recorded, false)
	if err != nil {
		return "", err
	}
	if err := keyMatches(recorded, sealer); err != nil {
		return "", err
	}
	plain, err := sealer.Open(sealed, sealAD(userID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// recordedKey reads the recorded key id in a read transaction of its own.
func (s *Service) recordedKey() ([]byte, error) {
	var recorded []byte
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		recorded, err = recordedKeyID(tx)
		return err
	})
	return recorded, err
}
