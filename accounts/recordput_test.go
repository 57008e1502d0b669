package accounts

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// The demo build's writes of users and practices (putUserRecord and
// putPracticeRecord, encoded in place in a buffer of about their size) store
// the very bytes store.Put stores, encoding/json's: for random records with
// every escape and MFA state (some left to encoding/json), and for records
// as a demo makes them, which fit their size hint without growing it.
func TestRecordPutAsStorePut(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 5000 {
		u := randomUser(rng)
		got, err := userRecord(&u)
		want, werr := json.Marshal(u)
		if (err != nil) != (werr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("user record\n got %s, %v\nwant %s, %v", got, err, want, werr)
		}
		p := Practice{ID: jsonTestUint(rng), Name: jsonTestText(rng), Purchased: rng.IntN(300), InUse: rng.IntN(300),
			MFARequired: rng.IntN(2) == 0, CreatedAt: jsonTestTime(rng)}
		got, err = practiceRecord(&p)
		want, werr = json.Marshal(p)
		if (err != nil) != (werr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("practice record\n got %s, %v\nwant %s, %v", got, err, want, werr)
		}
	}
	s, _ := newTestDemo(t, 6)
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[bool]int{} // with a factor or not
	for id := uint64(1); id <= uint64(st.Users); id++ {
		u, err := s.User(id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := userRecord(&u)
		want, werr := json.Marshal(u)
		if err != nil || werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("demo user %d\n got %s, %v\nwant %s, %v", id, got, err, want, werr)
		}
		if len(got) > u.jsonSizeHint() {
			t.Errorf("demo user %d: %d bytes, more than its size hint %d", id, len(got), u.jsonSizeHint())
		}
		seen[u.MFA.Method != ""]++
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Fatalf("want demo users with and without a factor, got %v", seen)
	}
}
