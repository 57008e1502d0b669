package mfa

import (
	"crypto/hmac"
	"crypto/sha256"
)

// throttleKeyInfo labels the derivation of the throttle key: its own label,
// so it is never the sealing key, the code key nor the marker key, and a
// throttle entry tells nothing about any of them (nor lines up with a
// marker in the audit trail).
const throttleKeyInfo = "latchkey forgot password throttle v1"

// ThrottleKey keys the entries by which "Forgot your password?" remembers
// the addresses asked for in the current window (R16). What was typed may
// be an address that has no account, or not an address at all, and the
// database file is copied (backups, `latchkey copy`, pg_dump): an unkeyed
// hash of it would let a copy confirm a candidate text, and name the
// unknown-login marker of the request at the entry's time (R29, R30). The
// key is derived from the R37 key file outside the database; every machine
// holding that file keys the same text alike, so the desk throttles as one.
type ThrottleKey struct {
	key []byte
}

// deriveThrottleKey derives the throttle key from the sealing key with
// HKDF-SHA256 under throttleKeyInfo.
func deriveThrottleKey(sealingKey []byte) *ThrottleKey {
	return &ThrottleKey{key: derive(sealingKey, throttleKeyInfo)}
}

// Entry is HMAC-SHA256(key, text), all 32 bytes: the throttle needs no
// short form, and a whole MAC never collides two addresses. The caller
// normalises text first.
func (k *ThrottleKey) Entry(text string) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(text))
	return m.Sum(nil)
}

// String keeps the key out of logs and error messages that print it.
func (k *ThrottleKey) String() string { return "mfa.ThrottleKey(redacted)" }

// GoString does the same for %#v.
func (k *ThrottleKey) GoString() string { return k.String() }
