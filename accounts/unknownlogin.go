package accounts

import (
	"crypto/sha256"
	"encoding/hex"
)

// unknownLogin is how the audit trail names a login that matches no
// account: a short hash of what was typed, never the text itself, which may
// be a password typed into the wrong field and would stay in the append-only
// trail for good. The same text gives the same marker, so repeated attempts
// on one name still line up (R29).
func unknownLogin(typed string) string {
	h := sha256.Sum256([]byte(normalizeLogin(typed)))
	return "unknown login #" + hex.EncodeToString(h[:4])
}
