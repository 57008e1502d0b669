package mfa

import (
	"bytes"
	"fmt"
	"testing"
)

// R29, R37: the marker key comes from the key file by its own labelled
// derivation: the same file gives the same marks (every machine of a desk
// lines up repeated attempts), another file other marks, and the marker key
// is neither the sealing key nor the code key.
func TestMarkerKeyDerived(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, keySize)
	a, b := mustSealer(raw), mustSealer(raw)
	const text = "hunter2-typed-in-the-login-field"
	if a.MarkerKey().Mark(text) != b.MarkerKey().Mark(text) {
		t.Fatal("one key file gave two marks for one text")
	}
	if m := a.MarkerKey().Mark(text); len(m) != 2*MarkerBytes {
		t.Fatalf("mark %q has %d hex digits, want %d", m, len(m), 2*MarkerBytes)
	}
	if a.MarkerKey().Mark(text) == a.MarkerKey().Mark(text+"x") {
		t.Fatal("two texts gave one mark")
	}
	k := a.MarkerKey().key
	if bytes.Equal(k, raw) || bytes.Equal(k, a.CodeKey().key) {
		t.Fatal("the marker key is the sealing key or the code key")
	}
	if other := mustSealer(bytes.Repeat([]byte{8}, keySize)); other.MarkerKey().Mark(text) == a.MarkerKey().Mark(text) {
		t.Fatal("two key files gave one mark")
	}
}

// Nothing secret in logs: printing a marker key shows no key bytes.
func TestMarkerKeyNotPrinted(t *testing.T) {
	k := mustSealer(bytes.Repeat([]byte{7}, keySize)).MarkerKey()
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k)} {
		if s != "mfa.MarkerKey(redacted)" {
			t.Fatalf("marker key printed as %q", s)
		}
	}
}
