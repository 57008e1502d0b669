package mfa

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// codeKeyInfo labels the derivation, so the code key is never the sealing
// key itself nor any other key taken from the same file.
const codeKeyInfo = "latchkey one-time code hash v1"

// CodeKey keys the hashes of one-time codes (SMS, email and caller
// verification codes). It is derived from the R37 key file, which lives
// outside the database, so a copy of the database alone cannot test a
// million candidate codes against a stored hash (R30, R23).
type CodeKey struct {
	key []byte
}

// deriveCodeKey derives the code key from the sealing key with HKDF-SHA256
// under its own label: knowing one derived key tells nothing of the other
// or of the sealing key.
func deriveCodeKey(sealingKey []byte) *CodeKey {
	return &CodeKey{key: derive(sealingKey, codeKeyInfo)}
}

// derive is HKDF-SHA256 of the sealing key under label, 32 bytes: each
// label gives a key of its own.
func derive(sealingKey []byte, label string) []byte {
	k, err := hkdf.Key(sha256.New, sealingKey, nil, label, sha256.Size)
	if err != nil {
		// Only a length beyond 255 hashes fails; 32 bytes cannot.
		panic("mfa: deriving a key from the key file: " + err.Error())
	}
	return k
}

// hash is HMAC-SHA256(key, salt || code). The salt has a fixed length, so
// the concatenation is unambiguous.
func (k *CodeKey) hash(salt []byte, code string) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write(salt)
	m.Write([]byte(code))
	return m.Sum(nil)
}

// String keeps the key out of logs and error messages that print it.
func (k *CodeKey) String() string { return "mfa.CodeKey(redacted)" }

// GoString does the same for %#v.
func (k *CodeKey) GoString() string { return k.String() }
