// Package plural says a count with its noun the way a person would: "1
// attempt left", "2 attempts left". Every face (service messages, console,
// command line, SSH) uses it, so no count reads "1 attempts".
package plural

import "fmt"

// Integer is any count: the service counts in int, the audit trail in uint64.
type Integer interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// Count is n with noun, given in the singular, made plural with an "s"
// unless n is 1: Count(1, "license") is "1 license", Count(0, "license")
// "0 licenses". Nouns that do not take an "s" are not passed here.
func Count[N Integer](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Of is "n of total noun", the noun agreeing with the total: "0 of 1
// license", "3 of 6 licenses".
func Of[N Integer](n, total N, noun string) string {
	return fmt.Sprintf("%d of %s", n, Count(total, noun))
}
