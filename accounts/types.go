package accounts

import (
	"fmt"
	"strings"
	"time"
)

// Kind is what a practice user is: a provider or a member of the office staff.
type Kind string

const (
	KindProvider Kind = "provider"
	KindStaff    Kind = "staff"
)

// ParseKind accepts "provider" or "staff".
func ParseKind(s string) (Kind, error) {
	switch Kind(strings.ToLower(strings.TrimSpace(s))) {
	case KindProvider:
		return KindProvider, nil
	case KindStaff, "office staff", "office_staff":
		return KindStaff, nil
	}
	return "", badField("kind", fmt.Sprintf("%q is neither provider nor staff", s))
}

// Roles a person may hold in their practice, any of them at once (the
// psychiatrist who owns the practice is an owner and an admin).
type Roles struct {
	Owner    bool `json:"owner,omitempty"`    // a financial decision maker
	Champion bool `json:"champion,omitempty"` // the practice's Latchkey champion
	Admin    bool `json:"admin,omitempty"`    // admin privileges in the practice
}

// List names the roles held, in a fixed order: owner, champion, admin.
func (r Roles) List() []string {
	out := []string{}
	if r.Owner {
		out = append(out, "owner")
	}
	if r.Champion {
		out = append(out, "champion")
	}
	if r.Admin {
		out = append(out, "admin")
	}
	return out
}

// String is the roles joined by commas, or "—" when none.
func (r Roles) String() string {
	if l := r.List(); len(l) > 0 {
		return strings.Join(l, ",")
	}
	return "—"
}

// Status is where a user is in their life: pending until verified, active,
// inactive once they leave.
type Status string

const (
	StatusPending  Status = "pending"
	StatusActive   Status = "active"
	StatusInactive Status = "inactive"
)

// Practice is a customer: a clinic with a count of purchased user licenses.
type Practice struct {
	ID          uint64    `json:"id"`
	Name        string    `json:"name"`
	Purchased   int       `json:"purchased"`
	InUse       int       `json:"in_use"` // users not inactive; kept in the same tx as every user change (R1)
	MFARequired bool      `json:"mfa_required,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Free is the number of licenses not in use.
func (p Practice) Free() int { return p.Purchased - p.InUse }

// AtCapacity reports whether every purchased license is in use.
func (p Practice) AtCapacity() bool { return p.InUse >= p.Purchased }

// User is a practice user's account. One person, for life (R10).
type User struct {
	ID            uint64     `json:"id"`
	PracticeID    uint64     `json:"practice_id"`
	Name          string     `json:"name"`
	Kind          Kind       `json:"kind"`
	Roles         Roles      `json:"roles"`
	Status        Status     `json:"status"`
	Email         string     `json:"email,omitempty"` // login email, as entered (trimmed)
	EmailVerified bool       `json:"email_verified,omitempty"`
	Username      string     `json:"username,omitempty"` // legacy users log in with this instead (R8)
	Password      Credential `json:"password"`
	Failures      int        `json:"failures,omitempty"` // consecutive failed logins
	LockedAt      time.Time  `json:"locked_at,omitzero"`
	LockedUntil   time.Time  `json:"locked_until,omitzero"` // zero when not locked
	LastLoginAt   time.Time  `json:"last_login_at,omitzero"`
	CreatedAt     time.Time  `json:"created_at"`

	ContactEmail    string `json:"contact_email,omitempty"` // email on file of a legacy user, for resets (R8, R17)
	ResetLink       uint64 `json:"reset_link,omitempty"`    // the live password-reset link (R16, R17)
	MFA             MFA    `json:"mfa,omitzero"`
	SetupLink       uint64 `json:"setup_link,omitempty"`        // the live account-setup link (R4-R6)
	PendingEmail    string `json:"pending_email,omitempty"`     // a new login email awaiting verification (R7)
	EmailChangeLink uint64 `json:"email_change_link,omitempty"` // the live link that verifies it
}

// Login is what the user types to log in: the login email, or the username of
// a legacy user.
func (u User) Login() string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}

// Legacy reports whether the user logs in with a username (R8).
func (u User) Legacy() bool { return u.Username != "" }

// Locked reports whether the account is locked (R11). A lock past its lift
// time is still reported until the sweeper lifts it; use LockedAt(now).
func (u User) Locked() bool { return !u.LockedUntil.IsZero() }

// LockedNow reports whether the account is locked at now.
func (u User) LockedNow(now time.Time) bool { return u.Locked() && now.Before(u.LockedUntil) }

// LockState is the state of the account's lock machine.
func (u User) LockState() LockState {
	if u.Locked() {
		return LockLocked
	}
	return LockOpen
}
