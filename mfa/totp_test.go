package mfa

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The ASCII secret "12345678901234567890" of RFC 6238 appendix B, in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

var rfcVectors = []struct {
	unix int64
	code string // 8 digits, SHA-1
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

// RFC 6238 appendix B, SHA-1 rows: the library under us computes them.
func TestTOTPRFC6238Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		got, err := totp.GenerateCodeCustom(rfcSecret, time.Unix(v.unix, 0), totp.ValidateOpts{
			Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1,
		})
		if err != nil || got != v.code {
			t.Errorf("T=%d: got %q (%v), want %q", v.unix, got, err, v.code)
		}
	}
}

// The product's 6-digit codes are the same truncation mod 10^6, so the last
// six digits of each vector must come out of TOTPCode and be accepted.
func TestTOTPProductMatchesRFCVectors(t *testing.T) {
	for _, v := range rfcVectors {
		now := time.Unix(v.unix, 0)
		want := v.code[2:]
		if got := TOTPCode(rfcSecret, now); got != want {
			t.Errorf("T=%d: TOTPCode = %q, want %q", v.unix, got, want)
		}
		step, err := ValidateTOTP(rfcSecret, want, now, 0)
		if err != nil || step != v.unix/30 {
			t.Errorf("T=%d: ValidateTOTP = %d, %v; want step %d", v.unix, step, err, v.unix/30)
		}
	}
}

func TestTOTPReplayRefused(t *testing.T) {
	key, err := NewTOTPSecret("Latchkey", "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	code := TOTPCode(key.Secret, now)
	step, err := ValidateTOTP(key.Secret, code, now, 0)
	if err != nil || step != TOTPStep(now) {
		t.Fatalf("first use: step %d err %v", step, err)
	}
	// Same code, same window, a few seconds later.
	if _, err := ValidateTOTP(key.Secret, code, now.Add(5*time.Second), step); !errors.Is(err, ErrTOTPReplay) {
		t.Fatalf("replay: %v", err)
	}
	// The previous step's code is still inside the skew window but older
	// than the one used, and was never used itself: refused as expired,
	// not as "already used" (R23).
	prev := TOTPCode(key.Secret, now.Add(-TOTPPeriod))
	if prev != code {
		if _, err := ValidateTOTP(key.Secret, prev, now, step); !errors.Is(err, ErrTOTPExpired) {
			t.Fatalf("older, never-used step after a newer one was used: %v", err)
		}
		// Had that older step been used too, it is "already used".
		if _, err := ValidateTOTP(key.Secret, prev, now, step-1, step); !errors.Is(err, ErrTOTPReplay) {
			t.Fatalf("older step that was used: %v", err)
		}
	}
	// The next step's code is fine.
	next := now.Add(TOTPPeriod)
	s2, err := ValidateTOTP(key.Secret, TOTPCode(key.Secret, next), next, step)
	if err != nil || s2 != step+1 {
		t.Fatalf("next step: %d %v", s2, err)
	}
}

func TestTOTPSkew(t *testing.T) {
	now := time.Unix(1111111111, 0) // mid-step
	for _, tc := range []struct {
		offset int64
		ok     bool
	}{{-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}} {
		code := TOTPCode(rfcSecret, now.Add(time.Duration(tc.offset)*TOTPPeriod))
		step, err := ValidateTOTP(rfcSecret, code, now, 0)
		if tc.ok && (err != nil || step != TOTPStep(now)+tc.offset) {
			t.Errorf("offset %+d: step %d err %v", tc.offset, step, err)
		}
		if !tc.ok && !errors.Is(err, ErrTOTPWrong) {
			t.Errorf("offset %+d accepted: step %d err %v", tc.offset, step, err)
		}
	}
}

func TestTOTPWrongAndMalformed(t *testing.T) {
	now := time.Unix(59, 0)
	right := TOTPCode(rfcSecret, now)
	for _, code := range []string{"", "12345", "1234567", "abcdef", "000000"} {
		if code == right {
			continue
		}
		if _, err := ValidateTOTP(rfcSecret, code, now, 0); !errors.Is(err, ErrTOTPWrong) {
			t.Errorf("%q: %v", code, err)
		}
	}
	if _, err := ValidateTOTP(rfcSecret, right[:3]+" "+right[3:], now, 0); err != nil {
		t.Errorf("spaced code refused: %v", err)
	}
	if _, err := ValidateTOTP("not base32!", right, now, 0); !errors.Is(err, ErrTOTPSecret) {
		t.Errorf("bad secret: %v", err)
	}
	if got := TOTPCode("not base32!", now); got != "" {
		t.Errorf("TOTPCode with bad secret = %q", got)
	}
}

func TestNewTOTPSecretURI(t *testing.T) {
	key, err := NewTOTPSecret("Latchkey Dental", "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Secret) != 32 || strings.ContainsAny(key.Secret, "=") {
		t.Fatalf("secret %q: want 32 base32 characters (160 bits)", key.Secret)
	}
	u, err := url.Parse(key.URI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("URI %q: %v", key.URI, err)
	}
	if u.Path != "/Latchkey Dental:alice@example.com" || u.Query().Get("secret") != key.Secret || u.Query().Get("issuer") != "Latchkey Dental" {
		t.Fatalf("URI %q", key.URI)
	}
	if strings.Contains(key.URI, "+") {
		t.Fatalf("URI %q escapes a space as +", key.URI)
	}
	// The defaults are implied, and pquerna reads them back as such.
	k, _ := otp.NewKeyFromURL(key.URI)
	if k.Period() != 30 || k.Digits() != otp.DigitsSix || k.Algorithm() != otp.AlgorithmSHA1 {
		t.Fatalf("URI %q reads as period %d digits %v alg %v", key.URI, k.Period(), k.Digits(), k.Algorithm())
	}
	again, err := TOTPKeyFor("Latchkey Dental", "alice@example.com", ManualKey(key.Secret))
	if err != nil || again != key {
		t.Fatalf("TOTPKeyFor = %+v, %v; want %+v", again, err, key)
	}
	if _, err := NewTOTPSecret("", "a"); err == nil {
		t.Fatal("empty issuer accepted")
	}
	if _, err := TOTPKeyFor("L", "a", "!!"); !errors.Is(err, ErrTOTPSecret) {
		t.Fatalf("bad secret: %v", err)
	}
}

func TestTOTPStep(t *testing.T) {
	for _, tc := range []struct {
		unix, step int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := TOTPStep(time.Unix(tc.unix, 0)); got != tc.step {
			t.Errorf("TOTPStep(%d) = %d, want %d", tc.unix, got, tc.step)
		}
	}
}

// R23: the steps kept after a use are the used ones a code could still match.
func TestRecentSteps(t *testing.T) {
	got := RecentSteps([]int64{7, 9, 10}, 11)
	if len(got) != 3 || got[0] != 9 || got[1] != 10 || got[2] != 11 {
		t.Fatalf("RecentSteps = %v", got)
	}
}
