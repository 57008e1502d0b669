package accounts

import (
	"strings"
)

// Operators are people, and four eyes (R42) are two of them: names that
// differ only in case, spacing, width or invisible characters ("Dana",
// " dana ", "ｄａｎａ", "dan\u200ba") are one operator, or the one who asked
// could approve their own request by typing their name another way.

// operatorKey is the form operator names are compared in: folded (case,
// compatibility forms, marks) with everything but letters and digits
// dropped. A name with no letter or digit is compared as it is.
func operatorKey(name string) string {
	key := strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return -1
	}, fold(name))
	if key == "" {
		return strings.TrimSpace(name)
	}
	return key
}

// sameOperator reports whether two operator names are one person (R42).
func sameOperator(a, b string) bool { return operatorKey(a) == operatorKey(b) }
