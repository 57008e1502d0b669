package accounts

import (
	"encoding/json"
	"testing"
	"time"
)

// The fast read of a user's totals fields agrees with decoding the record.
func TestDecodeUserTotalsAgreesWithJSON(t *testing.T) {
	u := User{ID: 7, PracticeID: 42, Name: `Zoë "Z" O'Brien {x}`, Status: StatusActive, Roles: Roles{Owner: true},
		LockedUntil: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), MFA: MFA{Method: MFAApp}}
	// Backslashes before a quote: an odd run escapes it, an even run ends the string.
	tricky := User{ID: 9, PracticeID: 1 << 62, Name: `ends in a backslash \`, Kind: `k\"ind`, Status: StatusPending,
		Email: `"\\"@example.org`, LockedUntil: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)}
	for _, rec := range []User{u, {ID: 8, PracticeID: 1, Status: StatusInactive}, tricky} {
		raw, _ := json.Marshal(rec)
		got, err := decodeUserTotals(raw)
		if err != nil || got.PracticeID != rec.PracticeID || got.Status != rec.Status || !got.LockedUntil.Equal(rec.LockedUntil) {
			t.Fatalf("%s: got %+v %v", raw, got, err)
		}
	}
	if _, err := decodeUserTotals([]byte(`{"practice_id":`)); err == nil {
		t.Fatal("a cut record was read")
	}
}

// skipString ends a string at its closing quote, however many backslashes
// come before the quotes inside it.
func TestSkipStringEndsAtTheClosingQuote(t *testing.T) {
	for _, s := range []string{"", `plain`, `a"b`, `ends \`, `\\`, `\"`, `\\\"\\`, `"`, `""\`, "zoë \u2028"} {
		raw, _ := json.Marshal(s)
		v := append(append([]byte{}, raw...), `,"next":"\"x"}`...)
		if got := skipString(v, 0); got != len(raw) {
			t.Fatalf("%s: ended at %d, want %d", v, got, len(raw))
		}
	}
	if got := skipString([]byte(`"no end\"`), 0); got != -1 {
		t.Fatalf("an unclosed string ended at %d", got)
	}
}
