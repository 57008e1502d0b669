package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// randomLink and randomMessage make records whose every field exercises
// the encoders: texts with every escape, times encoding/json refuses, nil,
// empty and filled hashes and masks.
func randomLink(rng *rand.Rand) Link {
	s := func() string { return jsonTestText(rng) }
	l := Link{ID: jsonTestUint(rng), Purpose: LinkPurpose(s()), UserID: jsonTestUint(rng), Email: s(), State: LinkState(s()),
		IssuedAt: jsonTestTime(rng), ExpiresAt: jsonTestTime(rng), EndedAt: jsonTestTime(rng)}
	switch rng.IntN(3) {
	case 0:
		l.Hash = []byte{}
	case 1:
		l.Hash = []byte(s() + "\x00\xff")
	}
	return l
}

func randomMessage(rng *rand.Rand) Message {
	s := func() string { return jsonTestText(rng) }
	m := Message{ID: jsonTestUint(rng), Kind: MessageKind(s()), To: s(), Subject: s(), Body: s(), Time: jsonTestTime(rng),
		Cause: s(), UserID: jsonTestUint(rng), LinkID: jsonTestUint(rng), Masked: rng.IntN(2) == 0, Secrets: []string{s()}}
	switch rng.IntN(3) {
	case 0:
		m.Masks = []Span{}
	case 1:
		for range 1 + rng.IntN(3) {
			m.Masks = append(m.Masks, Span{Start: rng.IntN(200) - 100, End: int(rng.Int64())})
		}
	}
	return m
}

// R30: links and outbox messages are stored as the very bytes
// encoding/json makes of them, whichever encoder writes them (a secret's
// mask is where the desk's copy hides it; a link's hash is what a token is
// checked against), and never the secrets a sender names.
func TestMessageJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for range 20000 {
		l := randomLink(rng)
		want, werr := json.Marshal(l)
		got, ok := l.AppendJSON(nil)
		if ok != (werr == nil) || ok && string(got) != string(want) {
			t.Fatalf("%+v:\n got  %s %v\n want %s %v", l, got, ok, want, werr)
		}
		m := randomMessage(rng)
		want, werr = json.Marshal(m)
		got, ok = m.AppendJSON(nil)
		if ok != (werr == nil) || ok && string(got) != string(want) {
			t.Fatalf("%+v:\n got  %s %v\n want %s %v", m, got, ok, want, werr)
		}
	}
}
