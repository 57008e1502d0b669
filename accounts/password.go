package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Credential is how a user proves who they are with a password. Only a salted
// argon2id hash is ever stored (R15).
type Credential struct {
	// Hash is an argon2id hash in the PHC string format
	// ($argon2id$v=19$m=...,t=...,p=...$salt$hash); empty when no password is set.
	Hash string `json:"hash,omitempty"`
	// Demo marks a seeded demo user whose password is still the one derived
	// from the demo database's secret (see DemoPassword). It is hashed on
	// first use (Hash empty until then), so that a million-user demo does not
	// hash a million passwords up front; choosing a password clears the mark.
	// Only a demo database has the secret; nothing derived is ever stored.
	Demo bool `json:"demo,omitempty"`
}

// Set reports whether a password exists for the account.
func (c Credential) Set() bool { return c.Hash != "" || c.Demo }

// HashParams are argon2id's cost settings.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultHashParams follow OWASP's argon2id guidance (19 MiB, 2 passes, 1 lane).
var DefaultHashParams = HashParams{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of a fresh salted argon2id hash of pw.
func hashPassword(pw string, p HashParams) string {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	key := argon2.IDKey([]byte(normalizePassword(pw)), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("stored password hash is malformed")

// verifyPassword checks pw against a PHC argon2id string in constant time.
func verifyPassword(pw, phc string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(normalizePassword(pw)), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
