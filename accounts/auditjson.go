package accounts

import "latchkey/internal/jsonenc"

// AppendJSON appends the event as encoding/json writes it (the same bytes:
// the chain's hash covers them, and readers decode them as ever), without
// reflection: a demo build appends over a million events. ok is false for an
// event encoding/json would refuse (a time it cannot write), which is then
// left to encoding/json. TestEventJSONAsEncodingJSON compares the two.
func (e Event) AppendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"seq":`...)
	b = jsonenc.Uint(b, e.Seq)
	b = append(b, `,"time":`...)
	if b, ok = jsonenc.Time(b, e.Time); !ok {
		return b, false
	}
	b = append(b, `,"actor_kind":`...)
	b = jsonenc.String(b, string(e.ActorKind))
	b = append(b, `,"actor":`...)
	b = jsonenc.String(b, e.Actor)
	b = append(b, `,"action":`...)
	b = jsonenc.String(b, e.Action)
	b = optString(b, "target", e.Target)
	b = optUint(b, "target_id", e.TargetID)
	b = optUint(b, "practice_id", e.PracticeID)
	b = optString(b, "requester", e.Requester)
	b = optString(b, "reason", e.Reason)
	b = optString(b, "verified_by", e.VerifiedBy)
	b = optUint(b, "verification", e.Verification)
	b = optString(b, "verify_method", e.VerifyMethod)
	b = optString(b, "verify_result", e.VerifyResult)
	b = optString(b, "approved_by", e.ApprovedBy)
	b = optUint(b, "approval", e.Approval)
	b = append(b, `,"outcome":`...)
	b = jsonenc.String(b, e.Outcome)
	b = optString(b, "detail", e.Detail)
	return append(b, '}'), true
}

// optString and optUint write an omitempty member that is not the first.
func optString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return jsonenc.String(jsonenc.Key(b, name, false), s)
}

func optUint(b []byte, name string, n uint64) []byte {
	if n == 0 {
		return b
	}
	return jsonenc.Uint(jsonenc.Key(b, name, false), n)
}
