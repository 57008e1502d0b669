package mfa

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
)

// R16, R37: the throttle key comes from the key file by its own labelled
// derivation: the same file gives the same entry for a text (every machine
// of a desk throttles alike), another file another entry, the entry is not
// the plain hash of the text, and the throttle key is neither the sealing
// key, the code key nor the marker key.
func TestThrottleKeyDerived(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, keySize)
	a, b := mustSealer(raw), mustSealer(raw)
	const text = "someone@example.org"
	if !bytes.Equal(a.ThrottleKey().Entry(text), b.ThrottleKey().Entry(text)) {
		t.Fatal("one key file gave two entries for one text")
	}
	if e := a.ThrottleKey().Entry(text); len(e) != sha256.Size {
		t.Fatalf("entry has %d bytes", len(e))
	}
	if bytes.Equal(a.ThrottleKey().Entry(text), a.ThrottleKey().Entry(text+"x")) {
		t.Fatal("two texts gave one entry")
	}
	if h := sha256.Sum256([]byte(text)); bytes.Equal(h[:], a.ThrottleKey().Entry(text)) {
		t.Fatal("the entry is the plain hash of the text")
	}
	k := a.ThrottleKey().key
	if bytes.Equal(k, raw) || bytes.Equal(k, a.CodeKey().key) || bytes.Equal(k, a.MarkerKey().key) {
		t.Fatal("the throttle key is the sealing, code or marker key")
	}
	if other := mustSealer(bytes.Repeat([]byte{8}, keySize)); bytes.Equal(other.ThrottleKey().Entry(text), a.ThrottleKey().Entry(text)) {
		t.Fatal("two key files gave one entry")
	}
}

// Nothing secret in logs: printing a throttle key shows no key bytes.
func TestThrottleKeyNotPrinted(t *testing.T) {
	k := mustSealer(bytes.Repeat([]byte{7}, keySize)).ThrottleKey()
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k)} {
		if s != "mfa.ThrottleKey(redacted)" {
			t.Fatalf("throttle key printed as %q", s)
		}
	}
}
