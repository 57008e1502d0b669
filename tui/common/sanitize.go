package common

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes text that came from outside (names, emails, reasons, message
// bodies) safe to draw (R38). Every control character (C0, DEL, C1) and every
// format character (bidi overrides and isolates, zero-width characters), as
// well as line and paragraph separators and invalid UTF-8, is replaced by a
// visible stand-in, so no string can move the cursor, repaint or retitle the
// operator's terminal, or reorder what is drawn around it — and the operator
// can still see that something odd was there. Stored records keep the
// original bytes; only what is drawn is changed.
func Sanitize(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune('\uFFFD')
			i++
			continue
		}
		i += size
		switch {
		case r < 0x20:
			b.WriteRune(0x2400 + r) // Unicode "control pictures": ␛ for ESC, ␍ for CR
		case r == 0x7f:
			b.WriteRune('\u2421') // ␡
		case r >= 0x80 && r <= 0x9f, unicode.Is(unicode.Cf, r), r == 0x2028, r == 0x2029:
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
