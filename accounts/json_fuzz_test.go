package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The hand-written readers and writers of the records (userjson.go,
// statsjson.go, recordjson.go, auditjson.go, totals.go) against
// encoding/json on arbitrary bytes: a reader that accepted what
// encoding/json reads otherwise would read a status, role, hash, practice
// or lock time wrong (R1, R11, R15, R29, R44). Each runs its seeds in
// `go test`; `go test -run X -fuzz FuzzX ./accounts` searches further.

// fuzzSeedUsers adds real records (the encoders' own output, with every
// escape and MFA state) and hand-made spellings to f.
func fuzzSeedUsers(f *testing.F) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 40 {
		u := randomUser(rng)
		raw, err := json.Marshal(u)
		if err == nil {
			f.Add(raw)
		}
	}
	for _, s := range []string{
		`{"id":1,"practice_id":2,"name":"A","kind":"staff","roles":{"owner":true},"status":"active","password":{"hash":"$argon2id$x"},"created_at":"2026-01-01T00:00:00Z"}`,
		`{"id":1,"status":"active","Status":"inactive"}`,
		`{"id":1,"status":"active","st\u0061tus":"inactive"}`,
		`{"practice_id":01,"status":"active"}`,
		`{"practice_id":1,"status":"active","locked_until":"2026-01-01T00:00:00Z","LOCKED_UNTIL":null}`,
		`{"practice_id":1,"status":"active","name":tru}`,
		`{"roles":{"admin":true},"roles":{"owner":true},"password":{"hash":"a"},"password":{"demo":true}}`,
		`{"name":"\ud83d\ude00 \ud83d x \udc00"}`,
		"{\"name\":\"\xff\xfe\"}",
		`{"failures":-9223372036854775808}`,
		`{"id":18446744073709551615,"reset_link":18446744073709551616}`,
		` {"mfa":{"method":"app"},"mfa":{"phone":"+1"}} `,
		`{"locked_at":"2026-01-01T00:00:00\u005a"}`,
		"{\"id\":1\t}",
		`{"id":1,}`,
		`{"id":1}{}`,
	} {
		f.Add([]byte(s))
	}
}

// R11, R15, R29: decodeUser reads any bytes as json.Unmarshal does.
func FuzzDecodeUser(f *testing.F) {
	fuzzSeedUsers(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want User
		werr := json.Unmarshal(raw, &want)
		got, err := decodeUser(raw)
		if (err != nil) != (werr != nil) || (werr == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q:\n by hand      %+v (%v)\n encoding/json %+v (%v)", raw, got, err, want, werr)
		}
	})
}

// R1, R44: check's totals read a user's practice, status and lock as
// json.Unmarshal does.
func FuzzDecodeUserTotals(f *testing.F) {
	fuzzSeedUsers(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want userTotals
		werr := json.Unmarshal(raw, &want)
		got, err := decodeUserTotals(raw)
		if (err != nil) != (werr != nil) || (werr == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q:\n by hand      %+v (%v)\n encoding/json %+v (%v)", raw, got, err, want, werr)
		}
	})
}

// R1, R44: the running totals are read as json.Unmarshal reads them.
func FuzzDecodeStats(f *testing.F) {
	for _, s := range []string{
		`{"practices":1,"users":2,"pending":0,"active":2,"inactive":0,"purchased":5,"in_use":2,"locked":1,"at_capacity":0}`,
		`{"users":-1}`, `{"users":9007199254740993}`, `{"Users":3}`, `{"users":3,"users":4}`, ` {"users" : 0} `,
		`{"users":00}`, `{"users":1}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want Stats
		werr := json.Unmarshal(raw, &want)
		got, err := decodeStats(raw)
		if (err != nil) != (werr != nil) || (werr == nil && got != want) {
			t.Fatalf("%q:\n by hand      %+v (%v)\n encoding/json %+v (%v)", raw, got, err, want, werr)
		}
	})
}

// R1, R44: the totals are written as the very bytes of json.Marshal, and
// read back whole.
func FuzzStatsAppendJSON(f *testing.F) {
	f.Add(1, 2, 0, 2, 0, 5, 2, 1, 0)
	f.Add(-1, -9223372036854775808, 9223372036854775807, 1<<53+1, 0, 0, 0, 0, 0)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, h, i, j int) {
		st := Stats{a, b, c, d, e, g, h, i, j}
		want, _ := json.Marshal(st)
		got, ok := st.AppendJSON(nil)
		if !ok || string(got) != string(want) {
			t.Fatalf("%+v: by hand %s, encoding/json %s", st, got, want)
		}
		var back Stats
		if err := json.Unmarshal(got, &back); err != nil || back != st {
			t.Fatalf("%s read back as %+v (%v)", got, back, err)
		}
		if hb, err := decodeStats(got); err != nil || hb != st {
			t.Fatalf("%s read back by hand as %+v (%v)", got, hb, err)
		}
	})
}

// R29: a user, practice or event json.Unmarshal reads from any bytes is
// written by hand as json.Marshal writes it, and the user read back by hand
// as it was written (the round trip).
func FuzzRecordsAppendJSON(f *testing.F) {
	fuzzSeedUsers(f)
	f.Add([]byte(`{"seq":3,"time":"2026-01-01T00:00:00+01:00","actor_kind":"operator","actor":"<b>&\u2028","action":"unlock","target_id":9,"outcome":"ok","detail":"\ufffd\u0000"}`))
	f.Add([]byte(`{"id":3,"name":"Clinic <&>","purchased":-4,"in_use":2,"mfa_required":true,"created_at":"0001-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u User
		if json.Unmarshal(raw, &u) == nil {
			want, werr := json.Marshal(u)
			if got, ok := u.AppendJSON(nil); ok && (werr != nil || string(got) != string(want)) {
				t.Fatalf("user %+v:\n by hand      %s\n encoding/json %s (%v)", u, got, want, werr)
			}
			if werr == nil {
				back, err := decodeUser(want)
				if err != nil || !reflect.DeepEqual(back, roundTrip(t, want)) {
					t.Fatalf("%s read back by hand as %+v (%v)", want, back, err)
				}
			}
		}
		var p Practice
		if json.Unmarshal(raw, &p) == nil {
			want, werr := json.Marshal(p)
			if got, ok := p.AppendJSON(nil); ok && (werr != nil || string(got) != string(want)) {
				t.Fatalf("practice %+v:\n by hand      %s\n encoding/json %s (%v)", p, got, want, werr)
			}
		}
		var e Event
		if json.Unmarshal(raw, &e) == nil {
			want, werr := json.Marshal(e)
			if got, ok := e.AppendJSON(nil); ok && (werr != nil || string(got) != string(want)) {
				t.Fatalf("event %+v:\n by hand      %s\n encoding/json %s (%v)", e, got, want, werr)
			}
		}
	})
}

// roundTrip is what json.Unmarshal reads of raw.
func roundTrip(t *testing.T, raw []byte) User {
	t.Helper()
	var u User
	if err := json.Unmarshal(raw, &u); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return u
}

// R30: a link or outbox message json.Unmarshal reads from any bytes is
// written by hand as json.Marshal writes it.
func FuzzMessagesAppendJSON(f *testing.F) {
	rng := rand.New(rand.NewPCG(23, 24))
	for range 20 {
		for _, v := range []any{randomLink(rng), randomMessage(rng)} {
			if raw, err := json.Marshal(v); err == nil {
				f.Add(raw)
			}
		}
	}
	f.Add([]byte(`{"id":4,"purpose":"reset","user_id":9,"email":"a@b.c","hash":"AAEC/w==","state":"live","issued_at":"2026-01-01T00:00:00Z","expires_at":"0001-01-01T00:00:00+05:00"}`))
	f.Add([]byte(`{"id":5,"kind":"setup","to":"<a>","body":"x\u2028","time":"2026-01-01T00:00:00-05:00","cause":"c","masks":[{"s":-1,"e":9007199254740993}],"masks":[],"masked":true}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var l Link
		if json.Unmarshal(raw, &l) == nil {
			want, werr := json.Marshal(l)
			if got, ok := l.AppendJSON(nil); ok != (werr == nil) || ok && string(got) != string(want) {
				t.Fatalf("link %+v:\n by hand      %s\n encoding/json %s (%v)", l, got, want, werr)
			}
		}
		var m Message
		if json.Unmarshal(raw, &m) == nil {
			want, werr := json.Marshal(m)
			if got, ok := m.AppendJSON(nil); ok != (werr == nil) || ok && string(got) != string(want) {
				t.Fatalf("message %+v:\n by hand      %s\n encoding/json %s (%v)", m, got, want, werr)
			}
		}
	})
}
