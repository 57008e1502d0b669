package accounts

import (
	"latchkey/mfa"
)

// seedMFA gives a seeded user a second factor, passing through the MFA
// machine as a real enrolment does (none -> enrolling -> enabled).
func (g *demoGen) seedMFA(t *txn, u User, method MFAMethod, phone int) (User, error) {
	old := u
	pending := MFAEnrolment{Method: method, StartedAt: t.now}
	switch method {
	case MFASMS:
		pending.Phone = mfa.DemoPhone(phone) // drawn by plan

	case MFAApp:
		key, err := mfa.NewTOTPSecret(totpIssuer, u.Login())
		if err != nil {
			return u, err
		}
		if g.sealer == nil {
			if g.sealer, err = t.s.sealer(true); err != nil {
				return u, err
			}
			if err := t.checkSealKey(g.sealer); err != nil {
				return u, err
			}
		}
		if pending.Secret, err = g.sealer.Seal([]byte(key.Secret), sealAD(u.ID)); err != nil {
			return u, err
		}
	}
	u.MFA.Pending = &pending
	if err := t.putUser(&old, u); err != nil {
		return u, err
	}
	enrolling := u
	// The last login (on the record since its creation) passed the factor.
	u.MFA = MFA{Method: method, Phone: pending.Phone, Secret: pending.Secret, EnrolledAt: t.now, LastUsedAt: u.LastLoginAt}
	if err := t.putUser(&enrolling, u); err != nil {
		return u, err
	}
	return u, t.audit(Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}, ActMFAEnrolled, &u, Request{}, OutcomeOK,
		string(method)+" enabled (demo)")
}

// pickMFA chooses a seeded user's method: most have none; in a practice
// that requires MFA most have one.
func (g *demoGen) pickMFA(required bool) MFAMethod {
	r := g.rng.IntN(100)
	if required {
		r /= 4
	}
	switch {
	case r < 3:
		return MFASMS
	case r < 5:
		return MFAEmail
	case r < 8:
		return MFAApp
	}
	return MFANone
}
