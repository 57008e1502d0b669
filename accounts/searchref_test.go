package accounts

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// The search's rules written out a second time, for the scans the tests
// compare the index with, from what the README says rather than from
// fold.go's code: text is compared in its compatibility decomposition,
// marks dropped, case folded, letters with a stroke or a ligature spelled
// out; a word is a run of letters and digits; a name's chunk between spaces
// that punctuation splits also counts run together (O'Brien: o, brien,
// obrien), a login's does not.

var refLetters = strings.NewReplacer("ł", "l", "ø", "o", "đ", "d", "ð", "d", "ħ", "h", "ŧ", "t", "ı", "i",
	"ƚ", "l", "ƀ", "b", "ɨ", "i", "æ", "ae", "œ", "oe", "þ", "th", "ß", "ss")

func refFold(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFKD.String(s))
	return refLetters.Replace(cases.Fold().String(s))
}

// refRuns are the runs of letters and digits of folded s.
func refRuns(s string) []string {
	return strings.FieldsFunc(refFold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// refNameWords are a name's words: its runs, and each chunk between spaces
// that punctuation splits, run together.
func refNameWords(s string) []string {
	var out []string
	for _, chunk := range strings.Fields(refFold(s)) {
		runs := refRuns(chunk)
		out = append(out, runs...)
		if len(runs) > 1 {
			out = append(out, strings.Join(runs, ""))
		}
	}
	return out
}
