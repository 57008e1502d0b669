package accounts

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Search compares words after folding: compatibility decomposition (NFKD),
// combining marks dropped, Unicode case folding, and the Latin letters that
// carry their mark inside the letter (Ł, Ø, Đ...) spelled with their base
// letter. So "lukas" finds Łukasiewicz, "jose" José, "MULLER" Müller.

// foldLetters are letters NFKD leaves whole that a reader takes for a plain
// Latin letter (or two).
var foldLetters = map[rune]string{
	'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ı': "i", 'ƚ': "l", 'ƀ': "b", 'ɨ': "i",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th", 'ß': "ss", 'ẞ': "ss",
}

// folders reuses case folders: a cases.Caser keeps state and is not safe to
// share between goroutines.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// fold is the form search compares text in.
func fold(s string) string {
	if isPlainASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if m, ok := foldLetters[r]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(r)
	}
	c := folders.Get().(*cases.Caser)
	out := c.String(b.String())
	folders.Put(c)
	return out
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text into folded search words: runs of letters and digits.
func tokenize(s string) []string {
	if isPlainASCII(s) { // the runs of ASCII letters and digits, lower-cased
		s = strings.ToLower(s)
		out := make([]string, 0, 4)
		for j := 0; j < len(s); {
			for j < len(s) && !asciiAlnum(s[j]) {
				j++
			}
			st := j
			for j < len(s) && asciiAlnum(s[j]) {
				j++
			}
			if j > st {
				out = append(out, s[st:j])
			}
		}
		return dedupe(out)
	}
	return dedupe(strings.FieldsFunc(fold(s), func(r rune) bool { return !isWordRune(r) }))
}

// nameWords are the words of a name or a login's local part: its tokens, and
// each chunk between spaces run together when punctuation splits it, so
// O'Brien is found by "o brien" and by "obrien", Mary-Jane by "maryjane".
func nameWords(s string) []string {
	if isPlainASCII(s) {
		return nameWordsASCII(strings.ToLower(s))
	}
	var out []string
	for _, chunk := range strings.Fields(fold(s)) {
		if isASCIIWord(chunk) { // most are: one part, the chunk itself
			out = append(out, chunk)
			continue
		}
		parts := strings.FieldsFunc(chunk, func(r rune) bool { return !isWordRune(r) })
		out = append(out, parts...)
		if len(parts) > 1 {
			out = append(out, strings.Join(parts, ""))
		}
	}
	return dedupe(out)
}

// nameWordsASCII is nameWords of folded ASCII text (fold is ToLower there),
// in one pass and without allocating but for the list: the same chunks
// between spaces (strings.Fields), the same parts of runs of letters and
// digits (isWordRune), the same parts run together.
func nameWordsASCII(s string) []string {
	out := make([]string, 0, 4)
	for i := 0; i < len(s); {
		for i < len(s) && asciiSpace(s[i]) {
			i++
		}
		start := i
		for i < len(s) && !asciiSpace(s[i]) {
			i++
		}
		chunk := s[start:i]
		if chunk == "" {
			break
		}
		if isASCIIWord(chunk) {
			out = append(out, chunk)
			continue
		}
		first := len(out)
		for j := 0; j < len(chunk); {
			for j < len(chunk) && !asciiAlnum(chunk[j]) {
				j++
			}
			st := j
			for j < len(chunk) && asciiAlnum(chunk[j]) {
				j++
			}
			if j > st {
				out = append(out, chunk[st:j])
			}
		}
		if len(out)-first > 1 {
			out = append(out, strings.Join(out[first:], ""))
		}
	}
	return dedupe(out)
}

// asciiSpace is unicode.IsSpace for an ASCII byte.
func asciiSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// asciiAlnum is isWordRune for an ASCII byte.
func asciiAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// searchTerms are the words of a query that a match must all have: folded,
// without repeats, and without a term that merely prefixes (or, for a
// substring search, lies inside) another, which the longer one implies.
func searchTerms(q string, inside bool) []string {
	terms := tokenize(q)
	out := terms[:0:0]
	for i, t := range terms {
		implied := false
		for j, u := range terms {
			if i != j && len(u) > len(t) && (strings.HasPrefix(u, t) || inside && strings.Contains(u, t)) {
				implied = true
				break
			}
		}
		if !implied {
			out = append(out, t)
		}
	}
	return out
}

// isASCIIWord reports whether s is all ASCII letters and digits (so
// isWordRune holds for each of its runes).
func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

func dedupe(words []string) []string {
	if len(words) <= 8 { // a name's few words: no map to build
		out := words[:0]
		for _, w := range words {
			if w != "" && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(words))
	out := words[:0]
	for _, w := range words {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// Fold is the form searches compare text in (case and accents folded), for
// faces that filter a short list they already hold.
func Fold(s string) string { return fold(s) }
