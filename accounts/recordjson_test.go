package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"latchkey/mfa"
)

// randomUser makes a user whose every field exercises the encoders: texts
// with every escape, times encoding/json refuses, MFA state of every kind.
func randomUser(rng *rand.Rand) User {
	s := func() string { return jsonTestText(rng) }
	flag := func() bool { return rng.IntN(2) == 0 }
	blob := func() []byte {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []byte{}
		}
		return []byte(s() + "x")
	}
	u := User{ID: jsonTestUint(rng), PracticeID: jsonTestUint(rng), Name: s(), Kind: Kind(s()),
		Roles: Roles{Owner: flag(), Champion: flag(), Admin: flag()}, Status: Status(s()), Email: s(),
		EmailVerified: flag(), Username: s(), Password: Credential{Hash: s(), Demo: flag()}, Failures: rng.IntN(3) - 1,
		LockedAt: jsonTestTime(rng), LockedUntil: jsonTestTime(rng), LastLoginAt: jsonTestTime(rng), CreatedAt: jsonTestTime(rng),
		ContactEmail: s(), ResetLink: jsonTestUint(rng), SetupLink: jsonTestUint(rng), PendingEmail: s(), EmailChangeLink: jsonTestUint(rng)}
	if flag() {
		u.MFA = MFA{Method: MFAMethod(s()), Phone: s(), Secret: blob(), LastStep: int64(rng.IntN(3))}
		if flag() {
			u.MFA.EnrolledAt, u.MFA.LastUsedAt = jsonTestTime(rng), jsonTestTime(rng)
		}
		if rng.IntN(5) == 0 {
			u.MFA.UsedSteps = []int64{}
		}
		if rng.IntN(5) == 0 {
			u.MFA.Challenge = &mfa.Code{Salt: blob(), IssuedAt: jsonTestTime(rng)}
		}
		if flag() {
			u.MFA.Pending = &MFAEnrolment{Method: MFAMethod(s()), Phone: s(), Secret: blob(), StartedAt: jsonTestTime(rng), Attempts: rng.IntN(3)}
			if rng.IntN(5) == 0 {
				u.MFA.Pending.Code = &mfa.Code{Hash: blob()}
			}
		}
	}
	return u
}

// Users and practices are stored as the very bytes encoding/json makes of
// them, whichever encoder writes them (so every reader, the check and the
// backups see what they always saw), and a user whose record is left to
// encoding/json is left whole.
func TestRecordJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := func() string { return jsonTestText(rng) }
	flag := func() bool { return rng.IntN(2) == 0 }
	byHand := 0
	for range 20000 {
		u := randomUser(rng)
		want, werr := json.Marshal(u)
		got, ok := u.AppendJSON(nil)
		if ok && (werr != nil || string(got) != string(want)) {
			t.Fatalf("%+v:\n got  %s\n want %s %v", u, got, want, werr)
		}
		if ok {
			byHand++
		}
		p := Practice{ID: jsonTestUint(rng), Name: s(), Purchased: rng.IntN(500) - 5, InUse: rng.IntN(500), MFARequired: flag(), CreatedAt: jsonTestTime(rng)}
		want, werr = json.Marshal(p)
		if got, ok := p.AppendJSON(nil); ok != (werr == nil) || ok && string(got) != string(want) {
			t.Fatalf("%+v:\n got  %s\n want %s %v", p, got, want, werr)
		}
	}
	if byHand < 5000 {
		t.Fatalf("only %d of 20000 users encoded by hand", byHand)
	}
}
