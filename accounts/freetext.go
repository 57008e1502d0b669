package accounts

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// excerptLen is the most of an input an error message repeats: enough to
// recognise it, too little to carry a pasted document (or a secret typed
// into the wrong field) into logs and screens.
const excerptLen = 40

// excerpt is a short, quoted, printable excerpt of untrusted input for an
// error message: invalid UTF-8, controls and format characters become
// U+FFFD, and anything past excerptLen characters is cut with an ellipsis.
func excerpt(s string) string { return excerptN(s, excerptLen) }

// excerptN is excerpt with a limit of n characters.
func excerptN(s string, n int) string {
	var b strings.Builder
	limit := n
	n = 0
	for i, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				b.WriteRune(utf8.RuneError)
				n++
				continue
			}
		}
		if invisible(r) && r != ' ' || !unicode.IsPrint(r) && r != ' ' {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return fmt.Sprintf("%q", b.String())
}

// runeName names a character by its code point (U+00AD).
func runeName(r rune) string { return fmt.Sprintf("U+%04X", r) }
