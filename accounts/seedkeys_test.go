package accounts

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"latchkey/store"
)

// The demo build's cheaper forms of three helpers (issue 14 item 4) give
// what the forms before them gave: u64Pair the key store.Key makes of two
// numbers (a practice's user entry, a user's event entry, the lockout and
// fullness indexes: R12, R29, R31), userLoginWords the words of both
// logins run together (R9, R31), and IsNotFound the same answer for no
// error, a not-found one, wrapped or not, and any other.
func TestSeedHelpersAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		a, b := rng.Uint64()>>rng.IntN(64), rng.Uint64()>>rng.IntN(64)
		if got, want := u64Pair(a, b), store.Key(store.U64(a), store.U64(b)); !bytes.Equal(got, want) {
			t.Fatalf("u64Pair(%d, %d) = %x, want %x", a, b, got, want)
		}
	}
	texts := []string{"", "a", "Ann.Lee@Example.COM", "ann.lee@example.com", "jlee", "J-Lee 2", "lee", "bücher@bücher.example",
		"x@y", "a.a@a.a", "Ølaf_Ærø@mail.dk", "ÅSA", "--", "1 2 3 4 5 6 7 8 9", "ann"}
	for range 5000 {
		u := User{Email: texts[rng.IntN(len(texts))], Username: texts[rng.IntN(len(texts))]}
		if rng.IntN(3) == 0 {
			u.Email = jsonTestText(rng)
		}
		if rng.IntN(3) == 0 {
			u.Username = jsonTestText(rng)
		}
		want := dedupe(append(tokenize(u.Email), tokenize(u.Username)...))
		if got := userLoginWords(u); !slices.Equal(got, want) {
			t.Fatalf("userLoginWords(%q, %q) = %q, want %q", u.Email, u.Username, got, want)
		}
	}
	nf := &NotFoundError{What: "user", Key: "7"}
	for _, c := range []struct {
		err  error
		want bool
	}{{nil, false}, {nf, true}, {fmt.Errorf("reading: %w", nf), true}, {store.ErrNotFound, false}, {fmt.Errorf("x"), false}} {
		if got := IsNotFound(c.err); got != c.want {
			t.Errorf("IsNotFound(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
