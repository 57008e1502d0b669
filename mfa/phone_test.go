package mfa

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

var e164US = regexp.MustCompile(`^\+1[2-9]\d{2}[2-9]\d{6}$`)

// R21: the forms people type a US number in all give one E.164 number.
func TestNormalizeUSPhoneAccepts(t *testing.T) {
	for _, in := range []string{
		"(503) 253-0123",
		"503.253.0123",
		"503-253-0123",
		"5032530123",
		"+1 503 253 0123",
		"1-503-253-0123",
		"+15032530123",
		"15032530123",
		"+1 (503) 253-0123",
		"  503 253 0123 ",
		"1 (503) 253.0123",
	} {
		got, err := NormalizeUSPhone(in)
		if err != nil || got != "+15032530123" {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
	for i := range 200 {
		if _, err := NormalizeUSPhone(DemoPhone(i)); err != nil {
			t.Errorf("R21: demo phone %s refused: %v", DemoPhone(i), err)
		}
	}
}

// R21: only numbers libphonenumber places in the US pass: Canada, the
// Caribbean, the territories, premium-rate, toll-free, unassigned area codes,
// the fictional 555-01xx range and N11 exchanges share +1 and are refused.
func TestNormalizeUSPhoneRefuses(t *testing.T) {
	for _, tc := range []struct{ in, why string }{
		{"", "no digits"},
		{"+44 20 7946 0958", "country code"},
		{"+447911123456", "country code"},
		{"+33 1 23 45 67 89", "country code"},
		{"+52 55 1234 5678", "country code"},
		{"+", "no digits"},
		{"+1 604 555 1234", "Canadian"},
		{"(416) 253-1234", "Canadian"},
		{"+1 876 555 1234", "JM"},
		{"+1 809 253 1234", "DO"},
		{"+1 787 253 1234", "PR"},
		{"+1 671 253 1234", "GU"},
		{"+1 900 253 1234", "premium-rate"},
		{"+1 800 253 1234", "toll-free"},
		{"(999) 253-1234", "not an assigned US number"},
		{"(555) 253-1234", "not an assigned US number"},
		{"(503) 555-0123", "fictional"},
		{"503-555-0100", "fictional"},
		{"+1 212 555 0199", "fictional"},
		{"503-253-012", "not an assigned US number"},
		{"503-253-01234", "not"},
		{"503-555-CALL", "characters"},
		{"503 555 0123 x12", "characters"},
		{"503/555/0123", "characters"},
		{"++15035550123", "characters"},
		{"1+5035550123", "characters"},
		{"503\u00a0555\u00a00123", "characters"},
		{"５０３５５５０１２３", "characters"},
		{"(003) 555-0123", "not"},
		{"(103) 555-0123", "not"},
		{"(503) 055-0123", "not"},
		{"(911) 555-0123", "not an assigned US number"},
		{"(503) 911-0123", "N11"},
		{"(503) 211-0123", "N11"},
		{strings.Repeat("5", 100), "too long"},
	} {
		got, err := NormalizeUSPhone(tc.in)
		var pe *PhoneError
		if err == nil || !errors.As(err, &pe) {
			t.Errorf("%q accepted as %q", tc.in, got)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "R21: only US phone numbers can receive codes") || !strings.Contains(msg, tc.why) {
			t.Errorf("%q: message %q does not name R21 and %q", tc.in, msg, tc.why)
		}
		if got != "" {
			t.Errorf("%q: refused but returned %q", tc.in, got)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+15035550123": "•••-•••-0123",
		"+19715550199": "•••-•••-0199",
		"":             "•••-•••-••••",
		"+1234":        "•••-•••-••••",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeUSPhone(f *testing.F) {
	for _, s := range []string{
		"(503) 253-0123", "503.253.0123", "503-555-0123", "5032530123",
		"+1 503 253 0123", "1-604-555-0123", "+18765550123", "+19002530123",
		"+44 20 7946 0958", "(911) 555-0123", "503-555-CALL", "", "+", "1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeUSPhone(s)
		if err != nil {
			if got != "" {
				t.Fatalf("%q: error %v with result %q", s, err, got)
			}
			if !strings.HasPrefix(err.Error(), "R21: ") {
				t.Fatalf("%q: error does not name R21: %v", s, err)
			}
			return
		}
		if !e164US.MatchString(got) || isN11([]byte(got[2:5])) || isN11([]byte(got[5:8])) {
			t.Fatalf("%q accepted as %q, not a US E.164 number", s, got)
		}
		if n, err := phonenumbers.Parse(got, "US"); err != nil || phonenumbers.GetRegionCodeForNumber(n) != "US" {
			t.Fatalf("R21: %q accepted as %q, which libphonenumber does not place in the US", s, got)
		}
		if got[5:8] == "555" && got[8:] >= "0100" && got[8:] <= "0199" {
			t.Fatalf("R21: %q accepted as the fictional %q", s, got)
		}
		// Normalising is idempotent, and the output keeps the input's digits.
		if again, err := NormalizeUSPhone(got); err != nil || again != got {
			t.Fatalf("%q -> %q -> %q, %v", s, got, again, err)
		}
		var digits strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		if !strings.HasSuffix(digits.String(), got[2:]) {
			t.Fatalf("%q accepted as %q: digits changed", s, got)
		}
	})
}
