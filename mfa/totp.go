package mfa

import (
	"encoding/base32"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// R21: RFC 6238 with the parameters every authenticator app understands.
const (
	TOTPPeriod = 30 * time.Second
	TOTPSkew   = 1 // steps either side of now (R23: one step of clock skew)
)

var totpOpts = totp.ValidateOpts{
	Period:    uint(TOTPPeriod / time.Second),
	Digits:    otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1,
}

var (
	ErrTOTPWrong  = errors.New("R23: wrong authenticator code")
	ErrTOTPReplay = errors.New("R23: this authenticator code was already used; wait for the next one")
	// ErrTOTPExpired is a code from a step never used but older than one
	// already used: codes never go back in time.
	ErrTOTPExpired = errors.New("R23: this authenticator code has expired; enter the code the app shows now")
	ErrTOTPSecret  = errors.New("mfa: the stored TOTP secret is not valid base32")
)

// TOTPKey is what enrolment shows the user: the secret (base32, to seal with
// a Sealer before storing, R37) and the otpauth:// URI the QR code carries.
type TOTPKey struct {
	Secret string
	URI    string
}

// NewTOTPSecret makes a fresh 160-bit secret (RFC 4226's recommended length)
// for account at issuer.
func NewTOTPSecret(issuer, account string) (TOTPKey, error) {
	return totpKey(issuer, account, nil)
}

// TOTPKeyFor rebuilds the enrolment key (URI for the QR code) from a secret
// already issued, so an enrolment in progress can be shown again.
func TOTPKeyFor(issuer, account, secret string) (TOTPKey, error) {
	raw, err := decodeSecret(secret)
	if err != nil {
		return TOTPKey{}, err
	}
	return totpKey(issuer, account, raw)
}

func totpKey(issuer, account string, secret []byte) (TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpOpts.Period,
		SecretSize:  20,
		Secret:      secret,
		Digits:      totpOpts.Digits,
		Algorithm:   totpOpts.Algorithm,
	})
	if err != nil {
		return TOTPKey{}, err
	}
	return TOTPKey{Secret: k.Secret(), URI: trimDefaultParams(k.URL())}, nil
}

// trimDefaultParams drops algorithm=SHA1, digits=6 and period=30 from the
// URI: they are the Key URI Format's defaults, so every app reads the URI the
// same without them, and the shorter URI makes a QR code small enough for an
// 80x24 terminal. The rest of the query is kept byte for byte, because
// pquerna/otp escapes spaces as %20, which apps display correctly (a "+"
// would show up literally in some).
func trimDefaultParams(uri string) string {
	base, query, ok := strings.Cut(uri, "?")
	if !ok {
		return uri
	}
	var kept []string
	for _, p := range strings.Split(query, "&") {
		switch p {
		case "algorithm=SHA1", "digits=6", "period=30":
		default:
			kept = append(kept, p)
		}
	}
	return base + "?" + strings.Join(kept, "&")
}

func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(raw) == 0 {
		return nil, ErrTOTPSecret
	}
	return raw, nil
}

// TOTPStep is the RFC 6238 time step (counter) that contains t.
func TOTPStep(t time.Time) int64 {
	return floorDiv(t.Unix(), int64(TOTPPeriod/time.Second))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// stepStart is the first instant of step s, for asking pquerna/otp about a
// single step.
func stepStart(s int64) time.Time {
	return time.Unix(s*int64(TOTPPeriod/time.Second), 0)
}

// TOTPCode is the code an authenticator app shows at now, for demos and the
// simulator. It is empty if secret is not valid base32.
func TOTPCode(secret string, now time.Time) string {
	c, err := totp.GenerateCodeCustom(secret, now, totpOpts)
	if err != nil {
		return ""
	}
	return c
}

// ValidateTOTP checks code against secret at now, allowing one step of skew
// either way, and returns the step it matched. pquerna/otp is stateless and
// would accept the same code twice, so the caller stores every step it
// accepted (the newest, and the few before it still inside the skew window)
// and passes them back as used: a code whose step is among them is refused
// as already used (R23: a code is accepted at most once). A step never used
// but older than the newest used one is refused as expired: accepting it
// would let codes go backwards in time. Nothing used yet: pass nothing.
func ValidateTOTP(secret, code string, now time.Time, used ...int64) (int64, error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpOpts.Digits.Length() {
		return 0, ErrTOTPWrong
	}
	var newest int64
	for _, u := range used {
		newest = max(newest, u)
	}
	now0 := TOTPStep(now)
	var refusal error
	// Oldest first, so a code that matches two steps (one chance in a
	// million) is taken as the earlier one and the later stays usable.
	for s := now0 - TOTPSkew; s <= now0+TOTPSkew; s++ {
		ok, err := totp.ValidateCustom(code, secret, stepStart(s), totpOpts)
		if errors.Is(err, otp.ErrValidateSecretInvalidBase32) {
			return 0, ErrTOTPSecret
		}
		if err != nil || !ok {
			continue
		}
		switch {
		case slices.Contains(used, s):
			refusal = ErrTOTPReplay
		case s < newest:
			if refusal == nil {
				refusal = ErrTOTPExpired
			}
		default:
			return s, nil
		}
	}
	if refusal != nil {
		return 0, refusal
	}
	return 0, ErrTOTPWrong
}

// RecentSteps is the list of used steps to keep after step was accepted:
// step and those before it that a code could still match (the skew window),
// so a replay of any of them is named for what it is.
func RecentSteps(used []int64, step int64) []int64 {
	out := []int64{}
	for _, u := range used {
		if u >= step-2*TOTPSkew && u != step {
			out = append(out, u)
		}
	}
	return append(out, step)
}
