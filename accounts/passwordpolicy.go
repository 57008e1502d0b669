package accounts

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"latchkey/passwords/blocklist"
)

// normalizePassword is the form a password is checked and hashed in: Unicode
// NFKC, so the same password typed on two keyboards is the same password
// (NIST SP 800-63B 5.1.1.2).
func normalizePassword(pw string) string { return norm.NFKC.String(pw) }

// Password length limits (R18, NIST SP 800-63B).
const (
	MinPasswordWithMFA    = 8
	MinPasswordWithoutMFA = 15
	MaxPassword           = 256 // at least 64 must be accepted; this bounds hashing work
)

// checkNewPassword applies the rules for a chosen password and names every
// one it breaks, not only the first (R18). No composition rules.
func checkNewPassword(pw string, u User, hasMFA bool) error {
	pw = normalizePassword(pw)
	var broken []string
	n := utf8.RuneCountInString(pw)
	min := MinPasswordWithoutMFA
	if hasMFA {
		min = MinPasswordWithMFA
	}
	if n < min {
		why := "an account without MFA"
		if hasMFA {
			why = "an account with MFA"
		}
		broken = append(broken, "shorter than "+itoa(min)+" characters (the minimum for "+why+")")
	}
	if n > MaxPassword {
		broken = append(broken, "longer than "+itoa(MaxPassword)+" characters")
	}
	folded := strings.ToLower(strings.TrimSpace(pw))
	for _, same := range []struct{ what, v string }{
		{"the login email", u.Email}, {"the username", u.Username}, {"the person's name", u.Name},
	} {
		if v := strings.ToLower(strings.TrimSpace(same.v)); v != "" && folded == v {
			broken = append(broken, "the same as "+same.what)
		}
	}
	if blocklist.Contains(pw) {
		broken = append(broken, "on the list of common and breached passwords")
	}
	if len(broken) > 0 {
		return refuse("R18", "password refused: "+strings.Join(broken, "; "))
	}
	return nil
}
