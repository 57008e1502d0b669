package common

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// R38: every string from outside is made safe before it is drawn.
func TestSanitize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain ascii unchanged", "Ana Alvarez <ana@example.com>", "Ana Alvarez <ana@example.com>"},
		{"accents unchanged", "Zoë Ñúñez", "Zoë Ñúñez"},
		{"csi colour shown", "Eve\x1b[31mRed", "Eve␛[31mRed"},
		{"osc retitle shown", "\x1b]0;pwned\x07x", "␛]0;pwned␇x"},
		{"carriage return shown", "a\rb", "a␍b"},
		{"newline and tab shown", "a\nb\tc", "a␊b␉c"},
		{"DEL shown", "a\x7fb", "a␡b"},
		{"C1 CSI shown", "a\u009b31mb", "a<U+009B>31mb"},
		{"bidi override shown", "abc\u202eevil", "abc<U+202E>evil"},
		{"zero width space shown", "a\u200bb", "a<U+200B>b"},
		{"line separator shown", "a\u2028b", "a<U+2028>b"},
		{"invalid utf8 replaced", "a\xffb", "a\uFFFDb"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// R38: whatever comes in, nothing that can steer a terminal goes out, and
// plain printable ASCII is left as it is.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]0;t\x07", "\u202e", "\u009b", "a\rb", "\xff\xfe", "\u200d\ufeff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: not valid UTF-8", in, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 {
				t.Fatalf("Sanitize(%q) = %q: still holds %U", in, out, r)
			}
		}
		if isPrintableASCII(in) && out != in {
			t.Fatalf("Sanitize(%q) = %q: plain text changed", in, out)
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Fatalf("ESC survived in %q", out)
		}
	})
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// R32: countdowns never go negative, round up while a lock is still there,
// and grow an hour field past 59:59.
func TestCountdown(t *testing.T) {
	base := fixed()
	cases := []struct {
		left time.Duration
		want string
	}{
		{60 * time.Minute, "1:00:00"},
		{59*time.Minute + 59*time.Second, "59:59"},
		{90 * time.Second, "1:30"},
		{400 * time.Millisecond, "0:01"},
		{0, "0:00"},
		{-time.Minute, "0:00"},
	}
	for _, tc := range cases {
		if got := Countdown(base, base.Add(tc.left)); got != tc.want {
			t.Errorf("Countdown(%s) = %q, want %q", tc.left, got, tc.want)
		}
	}
}

// R39: the header's offset reads like a duration an operator would say.
func TestOffset(t *testing.T) {
	cases := map[time.Duration]string{
		5 * time.Minute:   "+5m",
		65 * time.Minute:  "+1h05m",
		26 * time.Hour:    "+1d02h00m",
		-10 * time.Minute: "-10m",
	}
	for d, want := range cases {
		if got := Offset(d); got != want {
			t.Errorf("Offset(%s) = %q, want %q", d, got, want)
		}
	}
}

func fixed() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

// Counts read right: "1 user", "2 users", "1 locked account", "1 practice".
func TestPlural(t *testing.T) {
	for n, want := range map[string]string{"users": "1 user", "locked accounts": "1 locked account",
		"practices": "1 practice", "patients": "1 patient", "messages": "1 message", "events": "1 event"} {
		if got := Plural(1, n); got != want {
			t.Errorf("Plural(1, %q) = %q, want %q", n, got, want)
		}
	}
	if got := Plural(2, "users"); got != "2 users" {
		t.Errorf("Plural(2) = %q", got)
	}
}

// R32: the lockouts pane's "Locked at" fits its column: the time alone
// today, the date and time on another day, never cut off.
func TestShort(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 30, 14, 5, 9, 0, time.UTC), "14:05"},
		{time.Date(2026, 11, 29, 23, 55, 0, 0, time.UTC), "Nov 29 23:55"},
	} {
		if got := Short(tc.at, now, time.UTC); got != tc.want || len(got) > 12 {
			t.Errorf("Short(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

// R43: how long after a clear a factor was enrolled, to the minute.
func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Minute: "45m", 65*time.Minute + 20*time.Second: "1h05m", 26 * time.Hour: "26h00m",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%s) = %q, want %q", d, got, want)
		}
	}
}

// R43: how long after a clear a factor came is never "0m": under a
// minute says so.
func TestSpanUnderAMinute(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Second: "<1m", 0: "<1m", 45 * time.Second: "1m", 65 * time.Minute: "1h05m", 3 * time.Minute: "3m",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%s) = %q, want %q", d, got, want)
		}
	}
}
