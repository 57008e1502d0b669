package mfa

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// testKey is a code key from a fixed sealing key.
var testKey = mustSealer(bytes.Repeat([]byte{7}, keySize)).CodeKey()

func mustSealer(key []byte) *Sealer {
	s, err := NewSealer(key)
	if err != nil {
		panic(err)
	}
	return s
}

// wrongFor returns a 6-digit code that is not code.
func wrongFor(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestNewCodeShape(t *testing.T) {
	six := regexp.MustCompile(`^\d{6}$`)
	code, c := NewCode(t0, testKey)
	if !six.MatchString(code) {
		t.Fatalf("code %q is not 6 digits", code)
	}
	if c.State != CodeLive || c.Attempts != 0 || !c.IssuedAt.Equal(t0) || !c.ExpiresAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("new code = %+v", c)
	}
	if len(c.Salt) != codeSaltBytes || len(c.Hash) != 32 {
		t.Fatalf("salt %d bytes, hash %d bytes", len(c.Salt), len(c.Hash))
	}
	// Same code, different salts: the stored hashes differ.
	for range 50 {
		code2, c2 := NewCode(t0, testKey)
		if bytes.Equal(c.Salt, c2.Salt) {
			t.Fatal("two codes share a salt")
		}
		if code2 == code && bytes.Equal(c.Hash, c2.Hash) {
			t.Fatal("equal codes have equal hashes")
		}
	}
}

// What the database gets holds no field from which the code can be read
// without guessing: salt, hash, times, attempts, state.
func TestCodeStoredFields(t *testing.T) {
	code, c := NewCode(t0, testKey)
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(m))
	want := []string{"attempts", "expires_at", "hash", "issued_at", "salt", "scheme", "state"}
	if !slices.Equal(keys, want) {
		t.Fatalf("stored fields %v, want %v", keys, want)
	}
	if bytes.Equal(c.Hash, saltedHash(nil, code)) || bytes.Equal(c.Hash, testKey.hash(nil, code)) {
		t.Fatal("hash is not salted")
	}
}

// Every digit in every position should turn up about equally often; a
// modulo bias or a fixed position would show up as a gross imbalance.
func TestNewCodeDigitsSpread(t *testing.T) {
	const n = 6000
	var counts [6][10]int
	for range n {
		code, _ := NewCode(t0, testKey)
		for i, d := range code {
			counts[i][d-'0']++
		}
	}
	for i := range counts {
		for d, c := range counts[i] {
			if c < n/10/2 || c > n/10*2 {
				t.Errorf("digit %d at position %d seen %d times in %d codes", d, i, c, n)
			}
		}
	}
}

func TestCodeRightOnceThenUsed(t *testing.T) {
	code, c := NewCode(t0, testKey)
	ok, err := c.Check(t0.Add(time.Minute), code, testKey)
	if !ok || err != nil {
		t.Fatalf("right code: ok=%v err=%v", ok, err)
	}
	if c.State != CodeUsed || !c.EndedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after success: %+v", c)
	}
	ok, err = c.Check(t0.Add(time.Minute), code, testKey)
	if ok || !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("second use: ok=%v err=%v", ok, err)
	}
}

func TestCodeAcceptsSpaces(t *testing.T) {
	code, c := NewCode(t0, testKey)
	if ok, err := c.Check(t0, " "+code[:3]+" "+code[3:]+"\n", testKey); !ok {
		t.Fatalf("spaced code refused: %v", err)
	}
}

func TestCodeExpiresAtFiveMinutesExactly(t *testing.T) {
	code, c := NewCode(t0, testKey)
	before := c
	if ok, err := before.Check(t0.Add(CodeTTL-time.Nanosecond), code, testKey); !ok {
		t.Fatalf("1ns before 5:00 refused: %v", err)
	}
	if got := c.StateAt(t0.Add(CodeTTL - time.Nanosecond)); got != CodeLive {
		t.Fatalf("StateAt just before expiry = %s", got)
	}
	if got := c.StateAt(t0.Add(CodeTTL)); got != CodeExpired {
		t.Fatalf("StateAt 5:00 = %s", got)
	}
	ok, err := c.Check(t0.Add(CodeTTL), code, testKey)
	if ok || !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("at 5:00: ok=%v err=%v", ok, err)
	}
	if c.State != CodeExpired || !c.EndedAt.Equal(c.ExpiresAt) || c.Attempts != 0 {
		t.Fatalf("after expiry: %+v", c)
	}
}

func TestCodeDiesAfterFiveWrong(t *testing.T) {
	code, c := NewCode(t0, testKey)
	wrong := wrongFor(code)
	for i := 1; i <= MaxCodeAttempts; i++ {
		ok, err := c.Check(t0, wrong, testKey)
		var we *WrongCodeError
		if ok || !errors.As(err, &we) || !errors.Is(err, ErrCodeWrong) {
			t.Fatalf("wrong attempt %d: ok=%v err=%v", i, ok, err)
		}
		if we.AttemptsLeft != MaxCodeAttempts-i {
			t.Fatalf("attempt %d: %d left", i, we.AttemptsLeft)
		}
		if dead := errors.Is(err, ErrCodeDead); dead != (i == MaxCodeAttempts) {
			t.Fatalf("attempt %d: dead=%v (%v)", i, dead, err)
		}
	}
	if c.State != CodeDead || c.Attempts != MaxCodeAttempts {
		t.Fatalf("after 5 wrong: %+v", c)
	}
	// Even the right code is refused now, and no attempt is counted.
	ok, err := c.Check(t0, code, testKey)
	if ok || !errors.Is(err, ErrCodeDead) || c.Attempts != MaxCodeAttempts {
		t.Fatalf("right code on dead: ok=%v err=%v attempts=%d", ok, err, c.Attempts)
	}
}

func TestCodeFourWrongThenRight(t *testing.T) {
	code, c := NewCode(t0, testKey)
	for range MaxCodeAttempts - 1 {
		_, _ = c.Check(t0, wrongFor(code), testKey)
	}
	if ok, err := c.Check(t0, code, testKey); !ok {
		t.Fatalf("right code on the 5th try refused: %v", err)
	}
}

func TestCodeSupersede(t *testing.T) {
	code, c := NewCode(t0, testKey)
	c.Supersede(t0.Add(time.Minute))
	if c.State != CodeSuperseded || !c.EndedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after resend: %+v", c)
	}
	if ok, err := c.Check(t0.Add(time.Minute), code, testKey); ok || !errors.Is(err, ErrCodeSuperseded) {
		t.Fatalf("old code after resend: ok=%v err=%v", ok, err)
	}

	// A code that had already expired stays on record as expired.
	_, c = NewCode(t0, testKey)
	c.Supersede(t0.Add(CodeTTL))
	if c.State != CodeExpired {
		t.Fatalf("supersede after expiry: %s", c.State)
	}
	// A used code stays used.
	code, c = NewCode(t0, testKey)
	_, _ = c.Check(t0, code, testKey)
	c.Supersede(t0)
	if c.State != CodeUsed {
		t.Fatalf("supersede after use: %s", c.State)
	}
}

func TestCodeJSONRoundTrip(t *testing.T) {
	code, c := NewCode(t0, testKey)
	_, _ = c.Check(t0, wrongFor(code), testKey)
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Code
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back.Attempts != 1 || back.State != CodeLive {
		t.Fatalf("round trip: %+v", back)
	}
	if ok, err := back.Check(t0, code, testKey); !ok {
		t.Fatalf("code refused after JSON round trip: %v", err)
	}
}

func TestCodeUnknownState(t *testing.T) {
	code, c := NewCode(t0, testKey)
	c.State = "bogus"
	if ok, err := c.Check(t0, code, testKey); ok || err == nil {
		t.Fatalf("unknown state accepted: ok=%v err=%v", ok, err)
	}
}

// The transition table is the whole machine: live has four ways out, every
// other state none.
func TestCodeTransitionTable(t *testing.T) {
	want := map[CodeState][]CodeState{
		CodeLive:       {CodeUsed, CodeExpired, CodeDead, CodeSuperseded},
		CodeUsed:       nil,
		CodeExpired:    nil,
		CodeDead:       nil,
		CodeSuperseded: nil,
	}
	if len(codeTransitions) != len(want) {
		t.Fatalf("table has %d states, want %d", len(codeTransitions), len(want))
	}
	for from, tos := range want {
		if !slices.Equal(codeTransitions[from], tos) {
			t.Errorf("from %s: %v, want %v", from, codeTransitions[from], tos)
		}
	}
	// moveTo refuses anything not in the table.
	for from := range want {
		for to := range want {
			c := Code{State: from}
			err := c.moveTo(to, t0)
			if allowed := slices.Contains(want[from], to); allowed != (err == nil) {
				t.Errorf("%s -> %s: allowed=%v err=%v", from, to, allowed, err)
			}
		}
	}
}

// Random sequences of everything a caller can do never produce a transition
// outside the table, and a final state is never left.
func TestCodeNoOtherTransitions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		code, c := NewCode(t0, testKey)
		now := t0
		for range 12 {
			from := c.State
			switch r.IntN(5) {
			case 0:
				_, _ = c.Check(now, code, testKey)
			case 1:
				_, _ = c.Check(now, wrongFor(code), testKey)
			case 2:
				c.Supersede(now)
			case 3:
				now = now.Add(time.Duration(r.IntN(180)) * time.Second)
			case 4:
				_ = c.StateAt(now)
			}
			if to := c.State; to != from && !slices.Contains(codeTransitions[from], to) {
				t.Fatalf("%s -> %s is not in the table", from, to)
			}
			if from != CodeLive && c.State != from {
				t.Fatalf("final state %s left for %s", from, c.State)
			}
			if c.Attempts > MaxCodeAttempts {
				t.Fatalf("%d attempts recorded", c.Attempts)
			}
		}
	}
}

// R23, R31: the last attempt left is said in the singular.
func TestWrongCodeErrorSaysAttemptsLeft(t *testing.T) {
	for n, want := range map[int]string{2: "(2 attempts left)", 1: "(1 attempt left)"} {
		if got := (&WrongCodeError{AttemptsLeft: n}).Error(); !strings.HasSuffix(got, want) {
			t.Errorf("%d left: %q, want %q", n, got, want)
		}
	}
}
