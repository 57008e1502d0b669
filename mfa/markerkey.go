package mfa

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// markerKeyInfo labels the derivation of the marker key: its own label, so
// it is never the sealing key nor the code key, and a marker tells nothing
// about either.
const markerKeyInfo = "latchkey unknown login marker v2"

// MarkerBytes is how much of the HMAC a marker shows: 48 bits, plenty to
// tell apart the texts typed at one desk, and useless for testing guesses
// without the key.
const MarkerBytes = 6

// MarkerKey keys the markers by which the audit trail names a login that
// matches no account (what was typed may be a password typed into the login
// field). It is derived from the R37 key file, which lives outside the
// database, so a copy of the database alone (a backup, `latchkey copy`, a
// pg_dump) cannot test candidate texts against the markers in the
// append-only trail (R29, R30). Every machine holding the same key file
// makes the same marker for the same text, so repeated attempts line up
// across a desk.
type MarkerKey struct {
	key []byte
}

// deriveMarkerKey derives the marker key from the sealing key with
// HKDF-SHA256 under markerKeyInfo.
func deriveMarkerKey(sealingKey []byte) *MarkerKey {
	return &MarkerKey{key: derive(sealingKey, markerKeyInfo)}
}

// Mark is the first MarkerBytes of HMAC-SHA256(key, text), in hex. The
// caller normalises text first, so the same login typed in another case
// gives the same mark.
func (k *MarkerKey) Mark(text string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:MarkerBytes])
}

// String keeps the key out of logs and error messages that print it.
func (k *MarkerKey) String() string { return "mfa.MarkerKey(redacted)" }

// GoString does the same for %#v.
func (k *MarkerKey) GoString() string { return k.String() }
