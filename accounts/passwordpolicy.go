package accounts

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"latchkey/passwords/blocklist"
	"latchkey/passwords/strength"
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

// policyCheck is checkNewPassword with the name of the user's practice as
// a context word for the strength estimate (R18).
func (s *Service) policyCheck(pw string, u User, hasMFA bool) error {
	practice := ""
	if u.PracticeID != 0 {
		if p, err := s.Practice(u.PracticeID); err == nil {
			practice = p.Name
		}
	}
	return checkNewPassword(pw, u, hasMFA, practice)
}

// CheckNewPassword is the R18 policy for a password chosen for u (practice
// names their practice), for faces that check a form before sending it and
// for the simulator's own choices.
func CheckNewPassword(pw string, u User, hasMFA bool, practice string) error {
	return checkNewPassword(pw, u, hasMFA, practice)
}

// checkNewPassword applies the rules for a chosen password and names every
// one it breaks, not only the first (R18). No composition rules: length,
// not the person's own login or name, not on the list of common and breached
// passwords in any of its common disguises, and not guessable by zxcvbn's
// estimate with the person's name, email, practice and the product's name as
// words an attacker knows. Nothing of the password is repeated in the
// refusal.
func checkNewPassword(pw string, u User, hasMFA bool, practice string) error {
	pw = normalizePassword(pw)
	if strings.TrimSpace(pw) == "" {
		return refuse("R18", "password refused: it is blank or only spaces")
	}
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
		broken = append(broken, "length: shorter than "+itoa(min)+" characters (the minimum for "+why+")")
	}
	if n > MaxPassword {
		broken = append(broken, "length: longer than "+itoa(MaxPassword)+" characters")
	}
	folded := strings.Join(strings.Fields(strings.ToLower(pw)), " ")
	for _, same := range []struct{ what, v string }{
		{"the login email", u.Email}, {"the username", u.Username}, {"the person's name", u.Name},
	} {
		if v := strings.Join(strings.Fields(strings.ToLower(same.v)), " "); v != "" && (folded == v || strings.ReplaceAll(folded, " ", "") == strings.ReplaceAll(v, " ", "")) {
			broken = append(broken, "personal: the same as "+same.what)
		}
	}
	listed := false
	if how, ok := blocklist.Variant(pw); ok {
		listed = true
		broken = append(broken, "blocklist: on the list of common and breached passwords "+string(how))
	}
	if !listed && n <= MaxPassword {
		switch est := strength.Estimate(pw, u.Name, u.Email, u.Username, practice); {
		case est.Score < strength.MinScore:
			broken = append(broken, "strength: easy to guess (zxcvbn score "+itoa(est.Score)+" of 4, at least "+itoa(strength.MinScore)+" needed)")
		case est.Personal:
			broken = append(broken, "strength: built from the person's name, email, practice or the product's name, which an attacker tries first")
		}
	}
	if len(broken) > 0 {
		return refuseWith("R18", "password refused: "+strings.Join(broken, "; "),
			"Choose a longer passphrase of unrelated words.")
	}
	return nil
}
