package mfa

import (
	"fmt"
	"strings"
)

// PhoneError refuses a number that cannot receive SMS codes (R21: +1 only).
type PhoneError struct {
	Input  string
	Reason string
}

func (e *PhoneError) Error() string {
	return fmt.Sprintf("R21: only US phone numbers (+1) can receive codes: %q %s", e.Input, e.Reason)
}

// maxPhoneInput bounds what we bother to parse; the longest honest form,
// "+1 (503) 555-0123" with generous spacing, is far shorter.
const maxPhoneInput = 40

// NormalizeUSPhone turns a US number as people type it — "(503) 555-0123",
// "503.555.0123", "+1 503 555 0123", "1-503-555-0123", "+15035550123" — into
// E.164 "+15035550123". Only ASCII digits, spaces, "()-." and one leading "+"
// are allowed; the result must be a valid NANP number: area code and exchange
// start with 2-9 and neither is an N11 service code (211-911).
func NormalizeUSPhone(s string) (string, error) {
	refuse := func(reason string) (string, error) {
		return "", &PhoneError{Input: s, Reason: reason}
	}
	t := strings.TrimSpace(s)
	if len(t) > maxPhoneInput {
		return refuse("is too long")
	}
	plus := strings.HasPrefix(t, "+")
	if plus {
		t = t[1:]
	}
	digits := make([]byte, 0, 11)
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.':
		default:
			return refuse("has characters other than digits, spaces, ( ) - . and a leading +")
		}
	}
	national := digits
	switch {
	case plus && (len(digits) == 0 || digits[0] != '1'):
		return refuse("has a country code other than +1")
	case plus || (len(digits) == 11 && digits[0] == '1'):
		national = digits[1:]
	}
	if len(national) != 10 {
		return refuse(fmt.Sprintf("has %d digits; a US number has 10 after the optional 1", len(national)))
	}
	area, exchange := national[0:3], national[3:6]
	if area[0] < '2' || exchange[0] < '2' {
		return refuse("is not a valid US number: area code and exchange cannot start with 0 or 1")
	}
	if isN11(area) || isN11(exchange) {
		return refuse("uses an N11 service code (like 411 or 911), not a phone number")
	}
	return "+1" + string(national), nil
}

func isN11(b []byte) bool { return b[1] == '1' && b[2] == '1' }

// MaskPhone shows only the last four digits, for the console and messages
// ("•••-•••-0123"). It never reveals more than four digits of anything.
func MaskPhone(e164 string) string {
	var digits []byte
	for i := 0; i < len(e164); i++ {
		if c := e164[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) < 8 {
		return "•••-•••-••••"
	}
	return "•••-•••-" + string(digits[len(digits)-4:])
}
