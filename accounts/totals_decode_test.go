package accounts

import (
	"encoding/json"
	"math/rand/v2"
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

// R1, R44: the one-pass read of a user's totals fields either declines a
// record or reads what encoding/json reads, on the encoder's own records
// (which it must take, or it saves nothing) and on spellings made to trip
// it: a name in another case or with an escape, a second member of the
// same name, space between tokens, numbers JSON reads otherwise, nesting,
// arrays, text past ASCII, a record cut short or followed by more.
func TestFastUserTotalsDeclinesOrAgreesWithJSON(t *testing.T) {
	agree := func(raw []byte) bool {
		got, ok := fastUserTotals(raw)
		if !ok {
			return false
		}
		var want userTotals
		if err := json.Unmarshal(raw, &want); err != nil || got.PracticeID != want.PracticeID ||
			got.Status != want.Status || !got.LockedUntil.Equal(want.LockedUntil) || got.LockedUntil.Location() != want.LockedUntil.Location() {
			t.Fatalf("%s: one pass read %+v, encoding/json %+v (%v)", raw, got, want, err)
		}
		return true
	}
	// Adversarial records (escapes, huge numbers, times in zones): it
	// declines most and must agree with encoding/json on the rest.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		if raw, err := json.Marshal(randomUser(rng)); err == nil {
			agree(raw)
		}
	}
	// Records as the desk writes them: it takes every one.
	statuses := []Status{StatusActive, StatusPending, StatusInactive}
	for i := range 2000 {
		u := User{ID: uint64(i + 1), PracticeID: rng.Uint64N(1 << 40), Name: "Ryan Ross", Kind: "staff",
			Roles: Roles{Owner: i%7 == 0}, Status: statuses[i%3], Email: "ryan.ross@example.org",
			CreatedAt: time.Date(2026, 11, 30, 8, 37, 41, 961872718, time.UTC), SetupLink: uint64(i), Failures: i % 4}
		if i%5 == 0 {
			u.LockedUntil = u.CreatedAt.Add(time.Duration(i) * time.Minute)
			u.MFA = MFA{Method: MFAApp}
		}
		raw, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		if !agree(raw) {
			t.Fatalf("the one pass declined a record as the desk writes it: %s", raw)
		}
	}
	base := `"id":1,"practice_id":7,"name":"A","roles":{"owner":true,"x":{"y":{"z":null}}},"status":"active","locked_until":"2026-01-02T03:04:05Z","n":-12`
	for _, s := range []string{
		`{` + base + `}`,
		`{` + base + `,"Status":"inactive"}`,
		`{` + base + `,"STATUS":"inactive"}`,
		`{` + base + `,"practice_ID":9}`,
		`{` + base + `,"Locked_Until":null}`,
		`{` + base + `,"st\u0061tus":"inactive"}`,
		`{` + base + `,"ſtatus":"inactive"}`,
		`{` + base + `,"status":"inactive"}`,
		`{` + base + `,"practice_id":8}`,
		`{` + base + `,"practice_id":08}`,
		`{` + base + `,"practice_id":-8}`,
		`{` + base + `,"practice_id":8.0}`,
		`{` + base + `,"practice_id":18446744073709551616}`,
		`{` + base + `,"locked_until":"2026-01-02T03:04:05+02:00"}`,
		`{` + base + `,"locked_until":null}`,
		`{` + base + `,"status":"unknown"}`,
		`{` + base + `,"status":"act\u0069ve"}`,
		`{` + base + `,"m":[1,2]}`,
		`{` + base + `,"m":1e3}`,
		`{` + base + `,"m":0123}`,
		`{` + base + `,"m":tru}`,
		`{` + base + `,"m":"x\"y"}`,
		`{` + base + `,"m":{"a":{"b":{"c":{"d":{}}}}}}`,
		`{` + base + `,"m":{"a":{"b":{"c":{}}}}}`,
		`{` + base + `,"zoë":"ü","m":"` + "\xff" + `"}`,
		`{` + base + ` }`,
		`{ ` + base + `}`,
		`{` + base + `}{}`,
		`{` + base + `,}`,
		`{` + base,
		`{"practice_id":1,"status":"active"`,
		`{}`,
		`{"status":"pending"}`,
		`{"status":"pending"}x`,
	} {
		agree([]byte(s))
	}
}
