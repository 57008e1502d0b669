package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// jsonTestText makes strings that exercise every escape encoding/json
// makes: controls, quotes, backslashes, <>&, U+2028, Unicode, invalid UTF-8.
func jsonTestText(rng *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\x00", "\x1f", "é", "Ł", "\u2028", "\xff", "😀", "@"}
	var s string
	for range rng.IntN(3) * rng.IntN(6) {
		s += pieces[rng.IntN(len(pieces))]
	}
	return s
}

func jsonTestTime(rng *rand.Rand) time.Time {
	switch rng.IntN(40) {
	case 0, 1, 2, 3, 4:
		return time.Time{}
	case 5: // a year encoding/json refuses
		return time.Unix(rng.Int64N(1<<38)-1<<37, 0)
	case 6: // an offset encoding/json refuses
		return time.Unix(rng.Int64N(1<<32), 0).In(time.FixedZone("bad", 25*3600))
	}
	zones := []*time.Location{time.UTC, time.FixedZone("x", -5*3600), time.FixedZone("y", 5*3600+1800), time.Local}
	return time.Unix(rng.Int64N(1<<32), rng.Int64N(2e9)).In(zones[rng.IntN(len(zones))])
}

func jsonTestUint(rng *rand.Rand) uint64 {
	switch rng.IntN(3) {
	case 0:
		return 0
	case 1:
		return rng.Uint64()
	}
	return uint64(rng.IntN(1000))
}

// R29: an audit event is stored as the very bytes encoding/json makes of it
// (the chain's hash covers them), whichever encoder writes it.
func TestEventJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := func() string { return jsonTestText(rng) }
	for range 20000 {
		e := Event{Seq: jsonTestUint(rng), Time: jsonTestTime(rng), ActorKind: ActorKind(s()), Actor: s(), Action: s(),
			Target: s(), TargetID: jsonTestUint(rng), PracticeID: jsonTestUint(rng), Requester: s(), Reason: s(),
			VerifiedBy: s(), Verification: jsonTestUint(rng), VerifyMethod: s(), VerifyResult: s(), ApprovedBy: s(),
			Approval: jsonTestUint(rng), Outcome: s(), Detail: s(), Hash: s(), readOnly: rng.IntN(2) == 0}
		want, werr := json.Marshal(e)
		got, ok := e.AppendJSON(nil)
		if ok != (werr == nil) || ok && string(got) != string(want) {
			t.Fatalf("%+v:\n got  %s %v\n want %s %v", e, got, ok, want, werr)
		}
	}
}
