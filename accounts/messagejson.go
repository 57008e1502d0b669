package accounts

import (
	"latchkey/internal/jsonenc"
)

// Links and outbox messages are written once for every setup email and
// reset a demo build sends (about 100,000 each at a million users): they
// encode themselves, the very bytes encoding/json writes (see
// recordjson.go), and leave a time encoding/json refuses to it (ok false).
// TestMessageJSONAsEncodingJSON and FuzzMessagesAppendJSON compare the two.

// AppendJSON appends the link as encoding/json writes it.
func (l *Link) AppendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = jsonenc.Uint(b, l.ID)
	b = append(b, `,"purpose":`...)
	b = jsonenc.String(b, string(l.Purpose))
	b = append(b, `,"user_id":`...)
	b = jsonenc.Uint(b, l.UserID)
	b = append(b, `,"email":`...)
	b = jsonenc.String(b, l.Email)
	b = append(b, `,"hash":`...)
	b = jsonenc.Bytes(b, l.Hash)
	b = append(b, `,"state":`...)
	b = jsonenc.String(b, string(l.State))
	if b, ok = jsonenc.Time(jsonenc.Key(b, "issued_at", false), l.IssuedAt); !ok {
		return b, false
	}
	// omitzero: a time is left out when IsZero, whatever its location.
	if !l.ExpiresAt.IsZero() {
		if b, ok = jsonenc.Time(jsonenc.Key(b, "expires_at", false), l.ExpiresAt); !ok {
			return b, false
		}
	}
	if !l.EndedAt.IsZero() {
		if b, ok = jsonenc.Time(jsonenc.Key(b, "ended_at", false), l.EndedAt); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// AppendJSON appends the message as encoding/json writes it (Secrets are
// never written).
func (m *Message) AppendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = jsonenc.Uint(b, m.ID)
	b = append(b, `,"kind":`...)
	b = jsonenc.String(b, string(m.Kind))
	b = append(b, `,"to":`...)
	b = jsonenc.String(b, m.To)
	b = optString(b, "subject", m.Subject)
	b = append(b, `,"body":`...)
	b = jsonenc.String(b, m.Body)
	if b, ok = jsonenc.Time(jsonenc.Key(b, "time", false), m.Time); !ok {
		return b, false
	}
	b = append(b, `,"cause":`...)
	b = jsonenc.String(b, m.Cause)
	b = optUint(b, "user_id", m.UserID)
	b = optUint(b, "link_id", m.LinkID)
	if len(m.Masks) > 0 {
		b = append(b, `,"masks":[`...)
		for i, sp := range m.Masks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"s":`...)
			b = jsonenc.Int(b, int64(sp.Start))
			b = append(b, `,"e":`...)
			b = jsonenc.Int(b, int64(sp.End))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if m.Masked {
		b = append(b, `,"masked":true`...)
	}
	return append(b, '}'), true
}
