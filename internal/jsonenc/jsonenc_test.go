package jsonenc

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// randomString makes strings that exercise every escape: controls, quotes,
// backslashes, <>&, U+2028/9, other Unicode and invalid UTF-8.
func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"é", "Ł", "日本", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀", "/", "'", "=", "@", ".", "-"}
	n := rng.IntN(12)
	var s string
	for range n {
		s += pieces[rng.IntN(len(pieces))]
	}
	return s
}

// The encoders write what encoding/json writes.
func TestSameBytesAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randomString(rng)
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
		b := []byte(s)
		if rng.IntN(5) == 0 {
			b = nil
		}
		want, _ = json.Marshal(b)
		if got := Bytes(nil, b); string(got) != string(want) {
			t.Fatalf("Bytes(%q) = %s, want %s", b, got, want)
		}
	}
	zones := []*time.Location{time.UTC, time.FixedZone("x", -7*3600-30*60), time.FixedZone("y", 13*3600), time.FixedZone("bad", 24*3600), time.FixedZone("s", 45)}
	for range 20000 {
		tm := time.Unix(rng.Int64N(1<<40)-1<<39, rng.Int64N(2e9)).In(zones[rng.IntN(len(zones))])
		if rng.IntN(10) == 0 {
			tm = time.Time{}
		}
		want, werr := json.Marshal(tm)
		for range 2 { // the second time from the last time's text
			got, ok := Time([]byte("x"), tm)
			if ok != (werr == nil) || ok && string(got) != "x"+string(want) || !ok && string(got) != "x" {
				t.Fatalf("Time(%v) = %s %v, want %s %v", tm, got, ok, want, werr)
			}
		}
	}
}

// R29: any string and any time are written as encoding/json writes them
// (the chain's hash covers the bytes).
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a<b>&c", "\u2028\u2029", "\xff\xe2\x80", "\x00\x1f\x7f\"\\", "😀\xed\xa0\x80"} {
		f.Add(s, int64(0), int64(0))
	}
	f.Add("x", int64(-62135596800), int64(999999999))
	f.Add("x", int64(253402300800), int64(1))
	f.Fuzz(func(t *testing.T, s string, sec, nsec int64) {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
		for _, tm := range []time.Time{time.Unix(sec, nsec).UTC(), time.Unix(sec, nsec).In(time.FixedZone("", int(nsec%100000)))} {
			want, werr := json.Marshal(tm)
			got, ok := Time(nil, tm)
			if ok != (werr == nil) || ok && string(got) != string(want) {
				t.Fatalf("Time(%v) = %s %v, want %s %v", tm, got, ok, want, werr)
			}
		}
	})
}

// R29: a time is written without allocating, each one different as a
// demo's history makes them (the bytes are encoding/json's: TestEncoders).
func TestTimeAllocates(t *testing.T) {
	base := time.Date(2026, 11, 30, 22, 27, 59, 573013707, time.UTC)
	buf := make([]byte, 0, 64)
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		i++
		buf, _ = Time(buf[:0], base.Add(-time.Duration(i)*time.Hour))
	}); n != 0 {
		t.Fatalf("Time allocates %.1f times a call", n)
	}
}

func BenchmarkTimeDistinct(b *testing.B) {
	base := time.Date(2026, 11, 30, 22, 27, 59, 573013707, time.UTC)
	buf := make([]byte, 0, 64)
	for i := 0; b.Loop(); i++ {
		buf, _ = Time(buf[:0], base.Add(-time.Duration(i)*time.Second))
	}
}
