package mfa

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"testing"
	"time"
)

// bruteForce tries every 6-digit code against c.Hash, as someone holding a
// copy of the database would: mac is the HMAC they can make, prefix what
// goes before the code. It returns the codes that match.
func bruteForce(c Code, mac hash.Hash, prefix []byte) []string {
	var found []string
	guess := []byte("000000")
	sum := make([]byte, 0, sha256.Size)
	for n := range 1_000_000 {
		for i, v := 5, n; i >= 0; i, v = i-1, v/10 {
			guess[i] = byte('0' + v%10)
		}
		mac.Reset()
		mac.Write(prefix)
		mac.Write(guess)
		if hmac.Equal(mac.Sum(sum[:0]), c.Hash) {
			found = append(found, string(guess))
		}
	}
	return found
}

// R30, R37: a stored code is keyed with a key from outside the database, so
// a copy of the record alone (salt and hash) cannot be cracked: trying all
// 10^6 codes under the old scheme (HMAC keyed by the salt), under a plain
// hash of salt and code, and under the code key of another key file finds
// nothing, while the key that issued it checks it.
func TestCodeCopyWithoutKeyCannotCrack(t *testing.T) {
	code, c := NewCode(t0, testKey)
	if c.Scheme != CodeSchemeKeyed {
		t.Fatalf("new code scheme %q, want %q", c.Scheme, CodeSchemeKeyed)
	}
	if found := bruteForce(c, hmac.New(sha256.New, c.Salt), nil); len(found) != 0 {
		t.Fatalf("the old salted scheme over all 10^6 codes matched %v", found)
	}
	if bytes.Equal(c.Hash, plainHash(c.Salt, code)) || bytes.Equal(c.Hash, saltedHash(c.Salt, code)) {
		t.Fatal("the hash can be recomputed from the salt alone")
	}
	other := mustSealer(bytes.Repeat([]byte{8}, keySize)).CodeKey()
	if !testing.Short() {
		if found := bruteForce(c, hmac.New(sha256.New, other.key), c.Salt); len(found) != 0 {
			t.Fatalf("another key file's code key over all 10^6 codes matched %v", found)
		}
	}
	if ok, err := c.Check(t0, code, other); ok || !errors.Is(err, ErrCodeWrong) {
		t.Fatalf("checked under another key: ok=%v err=%v", ok, err)
	}
	// The same search under the right key finds exactly the code: the
	// searches above were not vacuous.
	if found := bruteForce(c, hmac.New(sha256.New, testKey.key), c.Salt); len(found) != 1 || found[0] != code {
		t.Fatalf("the issuing key's search found %v, want [%s]", found, code)
	}
	if ok, err := c.Check(t0.Add(time.Minute), code, testKey); !ok {
		t.Fatalf("the code with its key: %v", err)
	}
}

func plainHash(salt []byte, code string) []byte {
	h := sha256.Sum256(append(append([]byte{}, salt...), code...))
	return h[:]
}

// R37: the code key comes from the sealing key file by a labelled
// derivation: the same file gives the same key (every machine of a desk
// sharing the file checks every other's codes), another file another key,
// and the code key is never the sealing key itself.
func TestCodeKeyDerived(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, keySize)
	a, b := mustSealer(raw), mustSealer(raw)
	if !bytes.Equal(a.CodeKey().key, b.CodeKey().key) {
		t.Fatal("one key file gave two code keys")
	}
	if bytes.Equal(a.CodeKey().key, raw) {
		t.Fatal("the code key is the sealing key")
	}
	if other := mustSealer(bytes.Repeat([]byte{8}, keySize)); bytes.Equal(other.CodeKey().key, a.CodeKey().key) {
		t.Fatal("two key files gave one code key")
	}
	code, c := NewCode(t0, a.CodeKey())
	if ok, err := c.Check(t0, code, b.CodeKey()); !ok {
		t.Fatalf("a code issued on one machine, checked on another with the same key file: %v", err)
	}
}

// R23: a code issued before keyed hashing (no scheme: HMAC keyed by its
// salt), read back from the JSON the database holds, still checks without
// the key until it expires, 5 minutes after it was issued.
func TestCodeOldSchemeStillChecks(t *testing.T) {
	salt := bytes.Repeat([]byte{3}, codeSaltBytes)
	stored := func() Code {
		raw := fmt.Sprintf(`{"salt":%q,"hash":%q,"issued_at":%q,"expires_at":%q,"attempts":0,"state":"live"}`,
			b64(salt), b64(saltedHash(salt, "424242")), t0.Format(time.RFC3339), t0.Add(CodeTTL).Format(time.RFC3339))
		var c Code
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := stored()
	if c.Scheme != CodeSchemeSalted || c.NeedsKey(t0) {
		t.Fatalf("old code read as scheme %q, needs key %v", c.Scheme, c.NeedsKey(t0))
	}
	if ok, err := c.Check(t0.Add(4*time.Minute), "424 242", nil); !ok {
		t.Fatalf("old code refused before expiry: %v", err)
	}
	c = stored()
	if ok, err := c.Check(t0, "000000", testKey); ok || !errors.Is(err, ErrCodeWrong) {
		t.Fatalf("old code, wrong attempt: ok=%v err=%v", ok, err)
	}
	c = stored()
	if ok, err := c.Check(t0.Add(CodeTTL), "424242", nil); ok || !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("old code at expiry: ok=%v err=%v", ok, err)
	}
}

// R37: a keyed code checked without its key is not compared and counts no
// attempt; once it has ended it no longer needs the key to say so (R23).
func TestCodeKeyedWithoutKey(t *testing.T) {
	code, c := NewCode(t0, testKey)
	if !c.NeedsKey(t0) {
		t.Fatal("a live keyed code should need its key")
	}
	if ok, err := c.Check(t0, code, nil); ok || !errors.Is(err, ErrNoCodeKey) || c.Attempts != 0 || c.State != CodeLive {
		t.Fatalf("without the key: ok=%v err=%v %+v", ok, err, c)
	}
	if c.NeedsKey(t0.Add(CodeTTL)) {
		t.Fatal("an expired code should not need the key")
	}
	if ok, err := c.Check(t0.Add(CodeTTL), code, nil); ok || !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("expired without the key: ok=%v err=%v", ok, err)
	}
}

// Nothing secret in logs: printing a code key shows no key bytes.
func TestCodeKeyNotPrinted(t *testing.T) {
	k := testKey
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), fmt.Sprintf("%v", k)} {
		if s != "mfa.CodeKey(redacted)" {
			t.Fatalf("code key printed as %q", s)
		}
	}
}

func b64(b []byte) string {
	raw, _ := json.Marshal(b)
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
