package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"latchkey/store"
)

// unknownLoginKey names the database's own secret for unknown-login markers.
var unknownLoginKey = []byte("unknown_login_key")

// unknownLogin is how the audit trail names a login that matches no
// account: a keyed hash (HMAC-SHA-256 under a secret made for this database
// at first use) of what was typed, never the text itself, which may be a
// password typed into the wrong field and would stay in the append-only
// trail for good. An unkeyed hash of a short text is reversed by trying
// candidates; without the database's secret the marker tells nothing. The
// same text gives the same marker, so repeated attempts on one name still
// line up (R29).
func (t *txn) unknownLogin(typed string) (string, error) {
	key, err := t.tx.GetRaw(store.MetaBucket, unknownLoginKey)
	if errors.Is(err, store.ErrNotFound) {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		err = t.tx.PutRaw(store.MetaBucket, unknownLoginKey, key)
	}
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(normalizeLogin(typed)))
	return "unknown login #" + hex.EncodeToString(m.Sum(nil)[:6]), nil
}
