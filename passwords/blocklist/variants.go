package blocklist

import (
	"strings"
	"unicode"
)

// R18: a listed password stays guessable when it is dressed up — capitals,
// spaces, "1!" added at the end, "@" for "a" — because cracking tools try
// exactly those rules first. Variant checks the list on the password and on
// each of those undressings, so the list covers what an attacker would try.

// How names the way a password matched the list, for the refusal message.
type How string

const (
	AsTyped    How = "as typed (ignoring case)"
	Spacing    How = "once spaces are trimmed or collapsed"
	Affixes    How = "once the digits and symbols at its ends are removed"
	LookAlikes How = "once look-alike characters are read as letters (0 as o, 3 as e, @ as a …)"
)

// minCore is the shortest undressed form that counts: a long random string
// of digits around one short word is not "a listed word with digits added".
const minCore = 4

// lookAlikes undo the common substitutions; '1' and '!' read as i or l, so
// each of those gives two variants.
var (
	lookAlikeI = strings.NewReplacer("0", "o", "1", "i", "!", "i", "3", "e", "4", "a", "@", "a", "5", "s", "$", "s",
		"7", "t", "+", "t", "8", "b", "9", "g", "6", "g", "2", "z", "|", "l", "€", "e", "(", "c")
	lookAlikeL = strings.NewReplacer("0", "o", "1", "l", "!", "l", "3", "e", "4", "a", "@", "a", "5", "s", "$", "s",
		"7", "t", "+", "t", "8", "b", "9", "g", "6", "g", "2", "z", "|", "l", "€", "e", "(", "c")
)

// Variant reports whether password or one of its common variants is on the
// list, and how it matched. It costs a few dozen lookups of a microsecond.
func Variant(password string) (How, bool) {
	p := Normalize(password)
	if p == "" {
		return "", false
	}
	l := load()
	if l.contains(p) {
		return AsTyped, true
	}
	spaced := []string{strings.Join(strings.Fields(p), " "), strings.Join(strings.Fields(p), "")}
	for _, v := range spaced {
		if v != p && l.contains(v) {
			return Spacing, true
		}
	}
	bases := append([]string{p}, spaced...)
	for _, b := range bases {
		if v := trimAffixes(b); v != b && counts(v) && l.contains(v) {
			return Affixes, true
		}
	}
	for _, b := range bases {
		for _, r := range []*strings.Replacer{lookAlikeI, lookAlikeL} {
			v := r.Replace(b)
			if v != b && counts(v) && l.contains(v) {
				return LookAlikes, true
			}
			// Digits at the ends may be affixes, not substitutions:
			// undo look-alikes inside only, and after trimming.
			core := trimAffixes(b)
			if w := r.Replace(core); counts(w) && w != core && l.contains(w) {
				return LookAlikes, true
			}
			if w := trimAffixes(v); counts(w) && w != v && l.contains(w) {
				return LookAlikes, true
			}
		}
	}
	return "", false
}

// trimAffixes removes digits, symbols and spaces at both ends.
func trimAffixes(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

func counts(v string) bool { return len([]rune(v)) >= minCore }
