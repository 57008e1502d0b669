package mfa

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// PhoneError refuses a number that cannot receive SMS codes (R21: +1 only).
type PhoneError struct {
	Input  string
	Reason string
}

func (e *PhoneError) Error() string {
	return fmt.Sprintf("R21: only US phone numbers can receive codes: %q %s", e.Input, e.Reason)
}

// maxPhoneInput bounds what we bother to parse; the longest honest form,
// "+1 (503) 555-0123" with generous spacing, is far shorter.
const maxPhoneInput = 40

// NormalizeUSPhone turns a US number as people type it — "(503) 253-0123",
// "503.253.0123", "+1 503 253 0123", "1-503-253-0123", "+15032530123" — into
// E.164 "+15032530123". Only ASCII digits, spaces, "()-." and one leading "+"
// are allowed (no letters, extensions or look-alike digits). Whether the
// number is in the United States is libphonenumber's answer, not ours
// (R21): +1 is shared with Canada, the Caribbean and the US territories, and
// the plan holds unassigned area codes; premium-rate and toll-free numbers
// cannot receive codes; 555-0100 to 555-0199 are fictional, and an N11
// service code (211-911) is not an exchange.
func NormalizeUSPhone(s string) (string, error) {
	refuse := func(reason string) (string, error) {
		return "", &PhoneError{Input: excerpt(s), Reason: reason}
	}
	t := strings.TrimSpace(s)
	if len(t) > maxPhoneInput {
		return refuse("is too long")
	}
	digits := 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.':
		case c == '+' && i == 0:
		default:
			return refuse("has characters other than digits, spaces, ( ) - . and a leading +")
		}
	}
	if digits == 0 {
		return refuse("has no digits")
	}
	n, err := phonenumbers.Parse(t, "US")
	if err != nil {
		return refuse("is not a phone number")
	}
	if n.GetCountryCode() != 1 {
		return refuse("has a country code other than +1")
	}
	switch region := phonenumbers.GetRegionCodeForNumber(n); {
	case region == "CA":
		return refuse("is a Canadian number, not a US one")
	case region != "" && region != "US":
		return refuse("is a number in " + region + " (Caribbean or a US territory), not in the United States")
	case region == "" || !phonenumbers.IsValidNumberForRegion(n, "US"):
		return refuse("is not an assigned US number (unknown area code or exchange)")
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	case phonenumbers.PREMIUM_RATE:
		return refuse("is a premium-rate number")
	case phonenumbers.TOLL_FREE:
		return refuse("is a toll-free number")
	default:
		return refuse("is not a personal phone (pager, shared-cost or personal-number service)")
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	if len(e164) != 12 {
		return refuse("is not a 10-digit US number")
	}
	exchange, line := e164[5:8], e164[8:]
	if exchange == "555" && line >= "0100" && line <= "0199" {
		return refuse("is in the fictional range 555-0100 to 555-0199")
	}
	if isN11([]byte(exchange)) {
		return refuse("uses an N11 service code (like 411 or 911) as its exchange")
	}
	return e164, nil
}

func isN11(b []byte) bool { return b[1] == '1' && b[2] == '1' }

// excerpt quotes at most 24 bytes of what was typed, printable.
func excerpt(s string) string {
	if len(s) > 24 {
		s = s[:24] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// demoAreaCodes are assigned US area codes the simulator and the demo seed
// use; with exchange 555 and a line from 2000, they are numbers libphonenumber
// places in the US but that are not in service.
var demoAreaCodes = []string{"503", "971", "206", "212", "312", "415", "617", "702", "808", "907", "303", "512", "404", "305", "713"}

// DemoPhone is the n-th number of the simulator's and demo's phones: US by
// R21, never a real subscriber's (555-2000 to 555-9999 of a real area code).
func DemoPhone(n int) string {
	if n < 0 {
		n = -n
	}
	return fmt.Sprintf("+1%s555%04d", demoAreaCodes[n%len(demoAreaCodes)], 2000+(n/len(demoAreaCodes))%8000)
}

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
