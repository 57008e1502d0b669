package accounts

import (
	"time"

	"latchkey/mfa"
)

// MFAMethod is a user's second factor (R21): at most one at a time.
type MFAMethod string

const (
	MFANone  MFAMethod = ""
	MFASMS   MFAMethod = "sms"
	MFAEmail MFAMethod = "email"
	MFAApp   MFAMethod = "app"
)

// ParseMFAMethod accepts sms, email or app.
func ParseMFAMethod(s string) (MFAMethod, error) {
	switch m := MFAMethod(s); m {
	case MFASMS, MFAEmail, MFAApp:
		return m, nil
	}
	return "", badField("method", "must be sms, email or app (R21)")
}

// MFA is a user's second-factor settings. TOTP secrets are stored only
// sealed (R37); codes only as hashes keyed outside the database (mfa.Code).
type MFA struct {
	Method     MFAMethod `json:"method,omitempty"`
	Phone      string    `json:"phone,omitempty"`  // E.164, for SMS
	Secret     []byte    `json:"secret,omitempty"` // sealed TOTP secret
	EnrolledAt time.Time `json:"enrolled_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	LastStep   int64     `json:"last_step,omitempty"` // newest TOTP step accepted: no replays (R23)
	// UsedSteps are the TOTP steps accepted that a code could still match
	// (LastStep and the ones just before it), so a replay is told apart
	// from an older code never used (R23).
	UsedSteps []int64       `json:"used_steps,omitempty"`
	Challenge *mfa.Code     `json:"challenge,omitempty"` // the login code sent by SMS or email
	Pending   *MFAEnrolment `json:"pending,omitempty"`   // a method being set up, not active yet (R22)
}

// MFAEnrolment is a method being set up: active only once one of its codes
// is verified (R22).
type MFAEnrolment struct {
	Method    MFAMethod `json:"method"`
	Phone     string    `json:"phone,omitempty"`
	Secret    []byte    `json:"secret,omitempty"`
	Code      *mfa.Code `json:"code,omitempty"`
	StartedAt time.Time `json:"started_at"`
	// Attempts counts wrong confirmation codes: at MaxEnrolAttempts the
	// enrolment dies and must be started again (R22).
	Attempts int `json:"attempts,omitempty"`
}

// MaxEnrolAttempts is how many wrong codes kill a method being set up (R22),
// as for SMS and email codes (R23).
const MaxEnrolAttempts = mfa.MaxCodeAttempts

// MFAState is the state of a user's MFA machine.
type MFAState string

const (
	MFAStateNone      MFAState = "none"
	MFAStateEnrolling MFAState = "enrolling" // no method yet, one being set up
	MFAStateEnabled   MFAState = "enabled"
	MFAStateSwitching MFAState = "switching" // a method enabled, another being set up
)

// mfaTransitions: the old method stays until the new one is confirmed (R22);
// only an operator's clear returns to none (R25, R26).
var mfaTransitions = map[MFAState][]MFAState{
	MFAStateNone:      {MFAStateEnrolling},
	MFAStateEnrolling: {MFAStateEnrolling, MFAStateEnabled, MFAStateNone},
	MFAStateEnabled:   {MFAStateSwitching, MFAStateNone},
	MFAStateSwitching: {MFAStateSwitching, MFAStateEnabled, MFAStateNone},
}

// State is where the settings stand.
func (m MFA) State() MFAState {
	switch {
	case m.Method == MFANone && m.Pending == nil:
		return MFAStateNone
	case m.Method == MFANone:
		return MFAStateEnrolling
	case m.Pending == nil:
		return MFAStateEnabled
	}
	return MFAStateSwitching
}

func mfaTransition(from, to MFAState) error {
	if from == to && from != MFAStateEnrolling && from != MFAStateSwitching {
		return nil // settings changed within a state (a code sent, a step used)
	}
	if !allowed(mfaTransitions, from, to) {
		return &TransitionError{Machine: "mfa", From: string(from), To: string(to)}
	}
	return nil
}

// hasMFA reports whether the account has a second factor enabled.
func hasMFA(u User) bool { return u.MFA.Method != MFANone }

// MFAStrength says how much a method is worth, so the console can show it
// (NIST SP 800-63B-4 restricts SMS and does not count email as an
// authenticator).
func MFAStrength(m MFAMethod) string {
	switch m {
	case MFAApp:
		return "strong: authenticator app"
	case MFASMS:
		return "restricted: SMS (NIST SP 800-63B-4)"
	case MFAEmail:
		return "weak: email is not an authenticator (NIST)"
	}
	return "none"
}

// WeakMethodNotice is shown when a user picks SMS or email.
const WeakMethodNotice = "An authenticator app is stronger: NIST SP 800-63B-4 restricts SMS codes and does not count email as an authenticator."

// MFAView is what the desk may see of a user's MFA: never a secret or code.
type MFAView struct {
	Method      MFAMethod `json:"method"`
	Strength    string    `json:"strength"`
	Phone       string    `json:"phone,omitempty"` // masked to the last 4 digits
	EnrolledAt  time.Time `json:"enrolled_at,omitzero"`
	LastUsedAt  time.Time `json:"last_used_at,omitzero"`
	Enrolling   MFAMethod `json:"enrolling,omitempty"`
	Required    bool      `json:"required_by_practice"`
	MustEnroll  bool      `json:"must_enroll"`
	StateOfMFA  MFAState  `json:"state"`
	MethodLabel string    `json:"label"`
}

// ViewMFA is the display form of a user's MFA.
func ViewMFA(u User, p Practice) MFAView {
	v := MFAView{Method: u.MFA.Method, Strength: MFAStrength(u.MFA.Method), EnrolledAt: u.MFA.EnrolledAt,
		LastUsedAt: u.MFA.LastUsedAt, Required: p.MFARequired, StateOfMFA: u.MFA.State()}
	if u.MFA.Phone != "" {
		v.Phone = mfa.MaskPhone(u.MFA.Phone)
	}
	if u.MFA.Pending != nil {
		v.Enrolling = u.MFA.Pending.Method
	}
	v.MustEnroll = p.MFARequired && u.MFA.Method == MFANone
	v.MethodLabel = MethodLabel(u.MFA.Method)
	return v
}

// MethodLabel is a short name for a method, "—" for none.
func MethodLabel(m MFAMethod) string {
	switch m {
	case MFAApp:
		return "app"
	case MFASMS:
		return "sms"
	case MFAEmail:
		return "email"
	}
	return "—"
}
