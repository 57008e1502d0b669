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
	for _, rec := range []User{u, {ID: 8, PracticeID: 1, Status: StatusInactive}} {
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
