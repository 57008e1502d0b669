package accounts

import (
	"errors"

	"latchkey/mfa"
)

// One-time codes (SMS and email login codes, codes confirming a new method
// or a change to the security settings, caller-verification codes) are
// hashed under a key derived from the R37 key file, which lives outside the
// database: a copy of the database alone (a backup, `latchkey copy`, a
// pg_dump) cannot try the million codes against a stored hash (R30, R23).
// The database records which key it uses (checkSealKey, shared with the
// TOTP secrets), so every machine of a shared desk must hold the same key
// file, and one holding another key, or none, is refused naming R37.

// keyFault carries a problem with the key file out of a code check, so the
// action stops there: it is not a wrong code, and counts as no attempt and
// no failed login.
type keyFault struct{ err error }

func (k *keyFault) Error() string { return k.err.Error() }
func (k *keyFault) Unwrap() error { return k.err }

// asKeyFault returns the key problem inside err, or nil.
func asKeyFault(err error) error {
	var kf *keyFault
	if errors.As(err, &kf) {
		return kf.err
	}
	return nil
}

// codeKey loads the code key and checks it is this database's (keyFor):
// issuing may create the key file on a database that has recorded no key
// yet; checking never creates one.
func (t *txn) codeKey(issuing bool) (*mfa.CodeKey, error) {
	recorded, err := recordedKeyID(t.tx)
	if err != nil {
		return nil, err
	}
	sealer, err := t.s.keyFor(recorded, issuing)
	if err != nil {
		return nil, err
	}
	if err := t.checkSealKey(sealer); err != nil {
		return nil, err
	}
	return sealer.CodeKey(), nil
}

// newCode issues a one-time code hashed under the code key (R23, R37).
func (t *txn) newCode() (string, mfa.Code, error) {
	key, err := t.codeKey(true)
	if err != nil {
		return "", mfa.Code{}, err
	}
	code, c := mfa.NewCode(t.now, key)
	return code, c, nil
}

// checkCode checks attempt against c, which records the outcome (R23). A
// code issued before keyed hashing checks without the key; a live keyed one
// needs it, and a key problem comes back as a keyFault.
func (t *txn) checkCode(c *mfa.Code, attempt string) (bool, error) {
	var key *mfa.CodeKey
	if c.NeedsKey(t.now) {
		k, err := t.codeKey(false)
		if err != nil {
			return false, &keyFault{err}
		}
		key = k
	}
	ok, err := c.Check(t.now, attempt, key)
	if errors.Is(err, mfa.ErrNoCodeKey) {
		return false, &keyFault{err}
	}
	return ok, err
}
