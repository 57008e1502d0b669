// Package strength estimates how guessable a password is (R18) with zxcvbn
// (github.com/trustelem/zxcvbn, a Go port of Dropbox's estimator), given the
// words an attacker who knows the person would try first: their name, the
// parts of their email, their practice, the product's name.
package strength

import (
	"slices"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn"
)

// MinScore is the lowest acceptable zxcvbn score (0-4): 3 means "safely
// unguessable: moderate protection from an offline slow-hash attack" (about
// 10^8 guesses or more).
const MinScore = 3

// maxEstimated bounds the work: zxcvbn's matching grows with the square of
// the length, and a password longer than this is not guessable by brute
// force whatever its words; only its first maxEstimated characters are
// scored.
const maxEstimated = 64

// Product is always a context word: a password built on the product's name
// is the first thing tried against its users.
const Product = "latchkey"

// Result is the estimate of one password.
type Result struct {
	Score int // zxcvbn's score, 0-4, of the password as a whole
	// Personal is set when what is left once the context words are taken out
	// scores below MinScore: the password is built from what an attacker
	// knows of the person (zxcvbn alone counts a known word as about fifty
	// guesses, so "RosaDiazGreenfield2026" scores 4).
	Personal bool
}

// Weak reports whether the password should be refused.
func (r Result) Weak() bool { return r.Score < MinScore || r.Personal }

// Estimate scores password with the context words.
func Estimate(password string, context ...string) Result {
	if r := []rune(password); len(r) > maxEstimated {
		password = string(r[:maxEstimated])
	}
	words := Words(context...)
	res := Result{Score: zxcvbn.PasswordStrength(password, words).Score}
	if res.Score < MinScore {
		return res
	}
	rest := strings.ToLower(password)
	for _, w := range words { // longest first, so "rosa.diaz" goes before "rosa"
		rest = strings.ReplaceAll(rest, w, " ")
	}
	if rest != strings.ToLower(password) {
		res.Personal = zxcvbn.PasswordStrength(rest, words).Score < MinScore
	}
	return res
}

// Score is the zxcvbn score of password with the context words.
func Score(password string, context ...string) int { return Estimate(password, context...).Score }

// Words splits context (names, emails, practice names) into the lower-case
// words zxcvbn should treat as known to the attacker: each whole value, and
// each run of letters or digits in it of three characters or more.
func Words(context ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.ToLower(strings.TrimSpace(w))
		if len([]rune(w)) >= 3 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	add(Product)
	for _, c := range context {
		add(c)
		if at := strings.LastIndexByte(c, '@'); at > 0 {
			add(c[:at])
			add(c[at+1:])
		}
		for _, f := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			add(f)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}
