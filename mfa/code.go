package mfa

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"latchkey/internal/plural"
)

// R23: SMS and email codes are 6 digits, valid 5 minutes, and die after 5
// wrong tries.
const (
	CodeDigits      = 6
	CodeTTL         = 5 * time.Minute
	MaxCodeAttempts = 5
	codeSaltBytes   = 16
)

// CodeState is where a one-time code is in its life. Live is the only state
// with a way out; the other four are final.
type CodeState string

const (
	CodeLive       CodeState = "live"
	CodeUsed       CodeState = "used"       // accepted once; never again
	CodeExpired    CodeState = "expired"    // CodeTTL passed
	CodeDead       CodeState = "dead"       // MaxCodeAttempts wrong tries
	CodeSuperseded CodeState = "superseded" // a resend issued a newer code
)

// codeTransitions is the whole state machine. Code changes state only through
// (*Code).moveTo, which refuses anything not listed here; a test checks that
// no sequence of operations leaves the table.
var codeTransitions = map[CodeState][]CodeState{
	CodeLive:       {CodeUsed, CodeExpired, CodeDead, CodeSuperseded},
	CodeUsed:       nil,
	CodeExpired:    nil,
	CodeDead:       nil,
	CodeSuperseded: nil,
}

// Errors from (*Code).Check. A wrong attempt returns a *WrongCodeError, which
// matches ErrCodeWrong and, on the attempt that kills the code, ErrCodeDead too.
var (
	ErrCodeExpired    = errors.New("R23: the code has expired (codes are valid 5 minutes); send a new one")
	ErrCodeDead       = errors.New("R23: too many wrong codes (5); this code is dead, send a new one")
	ErrCodeUsed       = errors.New("R23: the code was already used; send a new one")
	ErrCodeWrong      = errors.New("R23: wrong code")
	ErrCodeSuperseded = errors.New("R23: a newer code was sent; use the latest one")
	// ErrNoCodeKey: a code hashed under the CodeKey was checked without it.
	ErrNoCodeKey = errors.New("R37: the code cannot be checked without the key file its hash is keyed with")
)

// WrongCodeError says an attempt did not match and how many remain.
type WrongCodeError struct {
	AttemptsLeft int
}

func (e *WrongCodeError) Error() string {
	if e.AttemptsLeft == 0 {
		return ErrCodeDead.Error()
	}
	return fmt.Sprintf("%s (%s left)", ErrCodeWrong, plural.Count(e.AttemptsLeft, "attempt"))
}

// Is lets callers test errors.Is(err, ErrCodeWrong) for every miss (a wrong
// code counts as a failed login, R11) and errors.Is(err, ErrCodeDead) for the
// miss that used up the last attempt.
func (e *WrongCodeError) Is(target error) bool {
	return target == ErrCodeWrong || (target == ErrCodeDead && e.AttemptsLeft == 0)
}

// Code is an issued one-time code as the account service stores it (JSON, in
// bbolt or PostgreSQL). It never holds the code itself, only a hash.
//
// Six digits are about 20 bits: anyone holding a stored record and whatever
// keys the hash can try all million codes in well under a second. So a code
// is hashed under a key kept outside the database (CodeKey, derived from the
// R37 key file), and a copy of the database alone (a backup, a `latchkey
// copy`, a pg_dump) does not reveal a live code (R30: secrets stored only as
// hashes; R23's 5 tries in 5 minutes must be the only way to guess).
//
// Scheme says how Hash was made. Codes issued before keyed hashing have no
// Scheme (HMAC-SHA256 keyed by the salt alone, which the record carries
// beside the hash); they still check the old way until they end, at most
// CodeTTL later, so no code in flight is lost and nothing is migrated.
type Code struct {
	Scheme    string    `json:"scheme,omitempty"`
	Salt      []byte    `json:"salt"`
	Hash      []byte    `json:"hash"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Attempts  int       `json:"attempts"` // wrong attempts so far
	State     CodeState `json:"state"`
	// EndedAt is when the code left CodeLive (zero while live). For an
	// expired code this is the expiry time, not when someone noticed.
	EndedAt time.Time `json:"ended_at,omitzero"`
}

// Schemes of Code.Hash.
const (
	// CodeSchemeSalted is HMAC-SHA256(key = salt, code): codes issued
	// before keyed hashing. Never issued now; checked until they end.
	CodeSchemeSalted = ""
	// CodeSchemeKeyed is HMAC-SHA256(key = CodeKey, salt || code).
	CodeSchemeKeyed = "keyed-v1"
)

// NewCode issues a code at now, hashed under key. The plain code goes into
// the outbox message; the Code goes into the database.
func NewCode(now time.Time, key *CodeKey) (string, Code) {
	if key == nil {
		// Every caller holds a key; a nil one is a programming error, and
		// falling back to an unkeyed hash would store a crackable code.
		panic("mfa: NewCode without a code key")
	}
	code := randomDigits(CodeDigits)
	salt := make([]byte, codeSaltBytes)
	// crypto/rand.Read never fails since Go 1.24 (it aborts the program
	// instead), so there is no error to hand back.
	_, _ = rand.Read(salt)
	return code, Code{
		Scheme:    CodeSchemeKeyed,
		Salt:      salt,
		Hash:      key.hash(salt, code),
		IssuedAt:  now,
		ExpiresAt: now.Add(CodeTTL),
		State:     CodeLive,
	}
}

// NeedsKey reports whether checking the code needs the CodeKey: it was
// hashed under one and can still be accepted at now. A code that has ended
// (or an old salted one) is checked without it.
func (c *Code) NeedsKey(now time.Time) bool {
	return c.Scheme != CodeSchemeSalted && c.StateAt(now) == CodeLive
}

// randomDigits draws a uniform number below 10^n: rand.Int rejects and
// redraws rather than reducing modulo, so no code is likelier than another.
func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic("mfa: crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("%0*d", n, v)
}

// saltedHash is the scheme of codes issued before keyed hashing
// (CodeSchemeSalted). Kept only to check those until they end.
func saltedHash(salt []byte, code string) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(code))
	return m.Sum(nil)
}

// matches compares attempt with the stored hash by the code's scheme.
func (c *Code) matches(attempt string, key *CodeKey) (bool, error) {
	switch c.Scheme {
	case CodeSchemeSalted:
		return hmac.Equal(saltedHash(c.Salt, attempt), c.Hash), nil
	case CodeSchemeKeyed:
		if key == nil {
			return false, ErrNoCodeKey
		}
		return hmac.Equal(key.hash(c.Salt, attempt), c.Hash), nil
	}
	return false, fmt.Errorf("mfa: code hashed by unknown scheme %q", c.Scheme)
}

// StateAt is the state as of now without changing the Code: a live code past
// its expiry reads as expired. Use it for display.
func (c *Code) StateAt(now time.Time) CodeState {
	if c.State == CodeLive && !now.Before(c.ExpiresAt) {
		return CodeExpired
	}
	return c.State
}

// AttemptsLeft is how many wrong attempts the code can still take.
func (c *Code) AttemptsLeft() int {
	return max(0, MaxCodeAttempts-c.Attempts)
}

// Check tries attempt against the code at now and records the outcome in c,
// which the caller must then save. It succeeds at most once. The code is
// valid strictly before ExpiresAt: at 5:00 exactly it has expired. A check of
// a code that is no longer live does not count as an attempt. key is the
// CodeKey; it may be nil when NeedsKey is false. A keyed code checked
// without it returns ErrNoCodeKey and counts no attempt: the code could not
// be compared, which says nothing about the caller.
func (c *Code) Check(now time.Time, attempt string, key *CodeKey) (bool, error) {
	if err := c.expireIfDue(now); err != nil {
		return false, err
	}
	switch c.State {
	case CodeLive:
	case CodeUsed:
		return false, ErrCodeUsed
	case CodeExpired:
		return false, ErrCodeExpired
	case CodeDead:
		return false, ErrCodeDead
	case CodeSuperseded:
		return false, ErrCodeSuperseded
	default:
		return false, fmt.Errorf("mfa: code in unknown state %q", c.State)
	}
	// People paste "123 456" or add a trailing newline; spaces carry nothing.
	attempt = strings.Join(strings.Fields(attempt), "")
	ok, err := c.matches(attempt, key)
	if err != nil {
		return false, err
	}
	if ok {
		return true, c.moveTo(CodeUsed, now)
	}
	c.Attempts++
	if c.Attempts >= MaxCodeAttempts {
		if err := c.moveTo(CodeDead, now); err != nil {
			return false, err
		}
	}
	return false, &WrongCodeError{AttemptsLeft: c.AttemptsLeft()}
}

// Supersede retires a code because a resend issued a new one (R23: the old
// one dies). A code that had already expired is recorded as expired, since
// that is what ended it; a code already final is left alone.
func (c *Code) Supersede(now time.Time) {
	if c.expireIfDue(now) != nil || c.State != CodeLive {
		return
	}
	// Live to superseded is in the table, so this cannot fail.
	_ = c.moveTo(CodeSuperseded, now)
}

// expireIfDue moves a live code past its expiry to expired, stamped with
// the expiry time.
func (c *Code) expireIfDue(now time.Time) error {
	if c.State == CodeLive && !now.Before(c.ExpiresAt) {
		return c.moveTo(CodeExpired, c.ExpiresAt)
	}
	return nil
}

func (c *Code) moveTo(to CodeState, at time.Time) error {
	for _, ok := range codeTransitions[c.State] {
		if ok == to {
			c.State, c.EndedAt = to, at
			return nil
		}
	}
	return fmt.Errorf("mfa: code cannot go from %q to %q", c.State, to)
}
