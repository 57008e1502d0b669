package accounts

import (
	"encoding/json"
	"time"

	"latchkey/internal/jsonenc"
	"latchkey/store"
)

// The records written most often (a demo build writes a user three or four
// times over) encode themselves: the very bytes encoding/json writes, so
// every reader decodes them as ever. What is rare — a live MFA code, used
// TOTP steps, a time encoding/json refuses — is left to encoding/json (ok
// false). TestRecordJSONAsEncodingJSON compares the two.

// AppendJSON appends the user as encoding/json writes it.
func (u *User) AppendJSON(b []byte) (_ []byte, ok bool) {
	m := &u.MFA
	if m.Challenge != nil || m.UsedSteps != nil || m.Pending != nil && m.Pending.Code != nil {
		return b, false
	}
	b = append(b, `{"id":`...)
	b = jsonenc.Uint(b, u.ID)
	b = append(b, `,"practice_id":`...)
	b = jsonenc.Uint(b, u.PracticeID)
	b = append(b, `,"name":`...)
	b = jsonenc.String(b, u.Name)
	b = append(b, `,"kind":`...)
	b = jsonenc.String(b, string(u.Kind))
	b = append(b, `,"roles":{`...)
	first := true
	for _, r := range [...]struct {
		name string
		on   bool
	}{{"owner", u.Roles.Owner}, {"champion", u.Roles.Champion}, {"admin", u.Roles.Admin}} {
		if r.on {
			b = append(jsonenc.Key(b, r.name, first), "true"...)
			first = false
		}
	}
	b = append(b, `},"status":`...)
	b = jsonenc.String(b, string(u.Status))
	b = optString(b, "email", u.Email)
	if u.EmailVerified {
		b = append(b, `,"email_verified":true`...)
	}
	b = optString(b, "username", u.Username)
	b = append(b, `,"password":{`...)
	if u.Password.Hash != "" {
		b = jsonenc.String(jsonenc.Key(b, "hash", true), u.Password.Hash)
	}
	if u.Password.Demo {
		b = append(jsonenc.Key(b, "demo", u.Password.Hash == ""), "true"...)
	}
	b = append(b, '}')
	if u.Failures != 0 {
		b = jsonenc.Int(jsonenc.Key(b, "failures", false), int64(u.Failures))
	}
	for _, t := range [...]struct {
		name string
		t    time.Time
	}{{"locked_at", u.LockedAt}, {"locked_until", u.LockedUntil}, {"last_login_at", u.LastLoginAt}} {
		if !t.t.IsZero() {
			if b, ok = jsonenc.Time(jsonenc.Key(b, t.name, false), t.t); !ok {
				return b, false
			}
		}
	}
	if b, ok = jsonenc.Time(jsonenc.Key(b, "created_at", false), u.CreatedAt); !ok {
		return b, false
	}
	b = optString(b, "contact_email", u.ContactEmail)
	b = optUint(b, "reset_link", u.ResetLink)
	if !mfaZero(m) {
		b = append(b, `,"mfa":{`...)
		if b, ok = appendMFA(b, m); !ok {
			return b, false
		}
		b = append(b, '}')
	}
	b = optUint(b, "setup_link", u.SetupLink)
	b = optString(b, "pending_email", u.PendingEmail)
	b = optUint(b, "email_change_link", u.EmailChangeLink)
	return append(b, '}'), true
}

// mfaZero is encoding/json's omitzero test of an MFA (every field zero).
func mfaZero(m *MFA) bool {
	return m.Method == "" && m.Phone == "" && m.Secret == nil && m.EnrolledAt == (time.Time{}) &&
		m.LastUsedAt == (time.Time{}) && m.LastStep == 0 && m.UsedSteps == nil && m.Challenge == nil && m.Pending == nil
}

// appendMFA appends the members of an MFA with no challenge and no used
// steps (AppendJSON leaves those to encoding/json).
func appendMFA(b []byte, m *MFA) (_ []byte, ok bool) {
	n := len(b)
	first := func() bool { return len(b) == n }
	if m.Method != "" {
		b = jsonenc.String(jsonenc.Key(b, "method", first()), string(m.Method))
	}
	if m.Phone != "" {
		b = jsonenc.String(jsonenc.Key(b, "phone", first()), m.Phone)
	}
	if len(m.Secret) > 0 {
		b = jsonenc.Bytes(jsonenc.Key(b, "secret", first()), m.Secret)
	}
	if !m.EnrolledAt.IsZero() {
		if b, ok = jsonenc.Time(jsonenc.Key(b, "enrolled_at", first()), m.EnrolledAt); !ok {
			return b, false
		}
	}
	if !m.LastUsedAt.IsZero() {
		if b, ok = jsonenc.Time(jsonenc.Key(b, "last_used_at", first()), m.LastUsedAt); !ok {
			return b, false
		}
	}
	if m.LastStep != 0 {
		b = jsonenc.Int(jsonenc.Key(b, "last_step", first()), m.LastStep)
	}
	if p := m.Pending; p != nil {
		b = append(jsonenc.Key(b, "pending", first()), `{"method":`...)
		b = jsonenc.String(b, string(p.Method))
		b = optString(b, "phone", p.Phone)
		if len(p.Secret) > 0 {
			b = jsonenc.Bytes(jsonenc.Key(b, "secret", false), p.Secret)
		}
		if b, ok = jsonenc.Time(jsonenc.Key(b, "started_at", false), p.StartedAt); !ok {
			return b, false
		}
		if p.Attempts != 0 {
			b = jsonenc.Int(jsonenc.Key(b, "attempts", false), int64(p.Attempts))
		}
		b = append(b, '}')
	}
	return b, true
}

// AppendJSON appends the practice as encoding/json writes it.
func (p *Practice) AppendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = jsonenc.Uint(b, p.ID)
	b = append(b, `,"name":`...)
	b = jsonenc.String(b, p.Name)
	b = append(b, `,"purchased":`...)
	b = jsonenc.Int(b, int64(p.Purchased))
	b = append(b, `,"in_use":`...)
	b = jsonenc.Int(b, int64(p.InUse))
	if p.MFARequired {
		b = append(b, `,"mfa_required":true`...)
	}
	if b, ok = jsonenc.Time(jsonenc.Key(b, "created_at", false), p.CreatedAt); !ok {
		return b, false
	}
	return append(b, '}'), true
}

// putUserRecord writes u's record as store.Put would (the same bytes:
// userRecord), but encodes it straight into a buffer of about its size:
// store.Put copies the record to the heap to ask whether it encodes itself,
// and starts from 256 bytes, which most users' records outgrow (a grown
// copy each). A demo build writes a user three or four times over, a
// million users.
func putUserRecord(tx *store.Tx, u User) error {
	raw, err := userRecord(&u)
	if err != nil {
		return err
	}
	return tx.PutRaw(usersBucketOf(u.ID), store.U64(u.ID), raw)
}

// userRecord is u's record: AppendJSON's bytes, or encoding/json's for
// what AppendJSON leaves to it (the same bytes either way).
func userRecord(u *User) ([]byte, error) {
	if raw, ok := u.AppendJSON(make([]byte, 0, u.jsonSizeHint())); ok {
		return raw, nil
	}
	return json.Marshal(*u)
}

// jsonSizeHint is about the size of u's record as AppendJSON writes it:
// its members' names and the usual values, its texts, 46 bytes a time (one
// with nanoseconds), 30 a link (more when its text needs escapes: the
// buffer then grows).
func (u *User) jsonSizeHint() int {
	n := 200 + len(u.Name) + len(u.Email) + len(u.Username) + len(u.Password.Hash) + len(u.ContactEmail) + len(u.PendingEmail)
	for _, t := range [...]*time.Time{&u.LockedAt, &u.LockedUntil, &u.LastLoginAt, &u.CreatedAt} {
		if !t.IsZero() {
			n += 46
		}
	}
	for _, l := range [...]uint64{u.ResetLink, u.SetupLink, u.EmailChangeLink} {
		if l != 0 {
			n += 30
		}
	}
	if m := &u.MFA; !mfaZero(m) {
		n += 160 + len(m.Phone) + len(m.Secret)*4/3
		if p := m.Pending; p != nil {
			n += 100 + len(p.Phone) + len(p.Secret)*4/3
		}
	}
	return n
}

// putPracticeRecord writes p's record as store.Put would, encoded in place
// (see putUserRecord): a demo build rewrites a practice at each user it
// gains.
func putPracticeRecord(tx *store.Tx, p Practice) error {
	raw, err := practiceRecord(&p)
	if err != nil {
		return err
	}
	return tx.PutRaw(bPractices, store.U64(p.ID), raw)
}

func practiceRecord(p *Practice) ([]byte, error) {
	if raw, ok := p.AppendJSON(make([]byte, 0, 160+len(p.Name))); ok {
		return raw, nil
	}
	return json.Marshal(*p)
}
