package accounts

import (
	"errors"
	"fmt"
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

// checkSealKey makes sure the database's TOTP secrets were sealed, and its
// one-time codes hashed, with this key, recording the key's id at the first
// seal or code. Another key is refused naming R37.
func (t *txn) checkSealKey(sealer *mfa.Sealer) error {
	raw, err := t.tx.GetRaw(store.MetaBucket, keySealKey)
	if errors.Is(err, store.ErrNotFound) {
		if !t.tx.Writable() {
			return nil
		}
		return t.tx.PutRaw(store.MetaBucket, keySealKey, []byte(sealer.KeyID()))
	}
	if err != nil {
		return err
	}
	if string(raw) != sealer.KeyID() {
		return refuseWith("R37", fmt.Sprintf("this database's one-time codes and TOTP secrets are keyed with key %s, but the key file %s holds key %s",
			raw, sealer.Path(), sealer.KeyID()), keyFileGuidance)
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
	sealer, err := s.sealer(true)
	if err != nil {
		return nil, err
	}
	return sealer.Seal([]byte(secret), sealAD(userID))
}

// openSecret opens a sealed TOTP secret, checking the key is the database's.
func (s *Service) openSecret(userID uint64, sealed []byte) (string, error) {
	sealer, err := s.sealer(false)
	if err != nil {
		return "", err
	}
	if err := s.db.View(func(tx *store.Tx) error { return (&txn{tx: tx}).checkSealKey(sealer) }); err != nil {
		return "", err
	}
	plain, err := sealer.Open(sealed, sealAD(userID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
