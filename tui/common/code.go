package common

import "strings"

// SixDigits reports whether s is a 6-digit code, spaces aside ("123 456"
// read back in two halves), as every code the desk sends and every
// authenticator shows is (R23). The faces check it before a caller check
// is asked, so a slip of the keys spends none of the caller's tries.
func SixDigits(s string) bool {
	s = strings.Join(strings.Fields(s), "")
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
