package mfa

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var e164US = regexp.MustCompile(`^\+1[2-9]\d{2}[2-9]\d{6}$`)

func TestNormalizeUSPhoneAccepts(t *testing.T) {
	for _, in := range []string{
		"(503) 555-0123",
		"503.555.0123",
		"503-555-0123",
		"5035550123",
		"+1 503 555 0123",
		"1-503-555-0123",
		"+15035550123",
		"15035550123",
		"+1 (503) 555-0123",
		"  503 555 0123 ",
		"1 (503) 555.0123",
	} {
		got, err := NormalizeUSPhone(in)
		if err != nil || got != "+15035550123" {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
}

func TestNormalizeUSPhoneRefuses(t *testing.T) {
	for _, tc := range []struct{ in, why string }{
		{"", "digits"},
		{"+44 20 7946 0958", "country code"},
		{"+447911123456", "country code"},
		{"+33 1 23 45 67 89", "country code"},
		{"+52 55 1234 5678", "country code"},
		{"+", "country code"},
		{"503-555-012", "9 digits"},
		{"503-555-01234", "11 digits"},
		{"+1 503 555 012", "9 digits"},
		{"+1 503 555 01234", "11 digits"},
		{"2-503-555-0123", "11 digits"},
		{"503-555-CALL", "characters"},
		{"503 555 0123 x12", "characters"},
		{"503/555/0123", "characters"},
		{"++15035550123", "characters"},
		{"1+5035550123", "characters"},
		{"503\u00a0555\u00a00123", "characters"},
		{"５０３５５５０１２３", "characters"},
		{"(003) 555-0123", "0 or 1"},
		{"(103) 555-0123", "0 or 1"},
		{"(503) 055-0123", "0 or 1"},
		{"(503) 155-0123", "0 or 1"},
		{"1503555012", "0 or 1"},
		{"(911) 555-0123", "N11"},
		{"(411) 555-0123", "N11"},
		{"(503) 911-0123", "N11"},
		{"(503) 211-0123", "N11"},
		{"001 503 555 0123", "13 digits"},
		{strings.Repeat("5", 100), "too long"},
	} {
		got, err := NormalizeUSPhone(tc.in)
		var pe *PhoneError
		if err == nil || !errors.As(err, &pe) {
			t.Errorf("%q accepted as %q", tc.in, got)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "R21: only US phone numbers (+1) can receive codes") || !strings.Contains(msg, tc.why) {
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
		"(503) 555-0123", "503.555.0123", "503-555-0123", "5035550123",
		"+1 503 555 0123", "1-503-555-0123", "+15035550123",
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
