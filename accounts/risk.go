package accounts

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"latchkey/store"
)

// Risk signals (R42): what the desk should know about a user before acting
// for a caller who says they are them. Computed from the user's record and
// their own audit history (newest first, back at most 7 days), so no face
// decides them and nothing extra is stored.

// Signal names.
const (
	SignalPrivileged    = "privileged"     // owner or admin
	SignalFactorChanged = "factor_changed" // MFA enrolled or cleared in 7 days
	SignalEmailChanged  = "email_changed"  // login email changed in 7 days
	SignalPasswordReset = "password_reset" // a password reset in 24 hours
	SignalDeskContacts  = "desk_contacts"  // two or more desk contacts or locks in 24 hours
	SignalWatchList     = "watch_list"     // a factor on the watch list (R43)
)

// Risk windows (R42).
const (
	riskLongWindow  = 7 * 24 * time.Hour
	riskShortWindow = 24 * time.Hour
)

// RiskSignal is one signal and since when it holds (zero for a standing one
// such as a role).
type RiskSignal struct {
	Signal string    `json:"signal"`
	Since  time.Time `json:"since,omitzero"`
	Detail string    `json:"detail"` // in words, for the desk
}

// Label is the signal as a worded badge (never colour alone).
func (r RiskSignal) Label() string {
	return map[string]string{
		SignalPrivileged: "PRIVILEGED", SignalFactorChanged: "FACTOR CHANGED", SignalEmailChanged: "EMAIL CHANGED",
		SignalPasswordReset: "PASSWORD RESET", SignalDeskContacts: "REPEAT CONTACT", SignalWatchList: "WATCH LIST",
	}[r.Signal]
}

// Privileged reports whether signals include the privileged one.
func Privileged(signals []RiskSignal) bool {
	for _, r := range signals {
		if r.Signal == SignalPrivileged {
			return true
		}
	}
	return false
}

// Risk returns a user's risk signals now.
func (s *Service) Risk(userID uint64) ([]RiskSignal, error) {
	var out []RiskSignal
	now := s.Now()
	err := s.db.View(func(tx *store.Tx) error {
		u, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		out, err = riskOf(tx, s.legacyEvents, u, now)
		return err
	})
	return out, err
}

// riskOf computes u's signals at now.
// legacy: the file keeps older events in legacyAuditUser (userevents.go).
func riskOf(tx *store.Tx, legacy bool, u User, now time.Time) ([]RiskSignal, error) {
	out := []RiskSignal{}
	if u.Roles.Owner || u.Roles.Admin {
		var roles []string
		if u.Roles.Owner {
			roles = append(roles, "owner")
		}
		if u.Roles.Admin {
			roles = append(roles, "admin")
		}
		out = append(out, RiskSignal{Signal: SignalPrivileged, Detail: strings.Join(roles, " and ") + " of the practice"})
	}
	var factor, email, reset, demoted *Event
	var contacts, turnedDown []Event
	err := recentUserEvents(tx, legacy, u.ID, now.Add(-riskLongWindow), func(e Event) (bool, error) {
		age := now.Sub(e.Time)
		if e.Outcome != OutcomeOK {
			if age <= riskShortWindow && turnedDownRequest(e) {
				turnedDown = append(turnedDown, e)
			}
			return true, nil
		}
		switch e.Action {
		case ActMFAEnrolled, ActMFACleared:
			if factor == nil {
				factor = &e
			}
		case ActEmailChanged:
			if email == nil {
				email = &e
			}
		case ActRolesChanged:
			if demoted == nil && privilegedBefore(e.Detail) != "" {
				demoted = &e
			}
		}
		if age > riskShortWindow {
			return true, nil
		}
		switch {
		case e.Action == ActPasswordReset || e.Action == ActPasswordSet || e.Action == ActResetSent:
			if reset == nil {
				reset = &e
			}
		}
		if deskContact(e) {
			contacts = append(contacts, e)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if demoted != nil && !u.Roles.Owner && !u.Roles.Admin {
		// A privileged role removed in the last 7 days still counts: else
		// an operator could have the owner demoted, wait, and clear without
		// a second operator.
		out = append(out, RiskSignal{Signal: SignalPrivileged, Since: demoted.Time,
			Detail: privilegedBefore(demoted.Detail) + " of the practice until " + demoted.Time.UTC().Format("2006-01-02 15:04 MST") + " (roles changed in the last 7 days)"})
	}
	if factor != nil {
		what := "MFA enrolled"
		if factor.Action == ActMFACleared {
			what = "MFA cleared"
		}
		out = append(out, RiskSignal{Signal: SignalFactorChanged, Since: factor.Time, Detail: what + " in the last 7 days"})
	}
	if email != nil {
		out = append(out, RiskSignal{Signal: SignalEmailChanged, Since: email.Time, Detail: "login email changed in the last 7 days"})
	}
	if reset != nil {
		out = append(out, RiskSignal{Signal: SignalPasswordReset, Since: reset.Time, Detail: "password reset in the last 24 hours"})
	}
	contacts = withTurnedDown(contacts, turnedDown)
	if len(contacts) >= 2 {
		out = append(out, RiskSignal{Signal: SignalDeskContacts, Since: contacts[0].Time,
			Detail: fmt.Sprintf("%d desk contacts or locks in the last 24 hours", len(contacts))})
	}
	w, ok, err := openWatchOf(tx, u.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, RiskSignal{Signal: SignalWatchList, Since: w.EnrolledAt,
			Detail: fmt.Sprintf("new %s factor enrolled %s after an MFA clear, not reviewed yet (watch #%d)", w.Method, w.EnrolledAt.Sub(w.ClearedAt).Truncate(time.Minute), w.ID)})
	}
	return out, nil
}

// privilegedRolesMoved reads a roles-change event's detail ("roles owner,admin
// -> champion", written by SetRoles) and names the privileged roles the user
// lost with it and those they gained: "owner and admin", "admin", or "".
func privilegedRolesMoved(detail string) (lost, gained string) {
	before, after, ok := strings.Cut(strings.TrimPrefix(detail, "roles "), " -> ")
	if !ok {
		return "", ""
	}
	var l, g []string
	for _, role := range []string{"owner", "admin"} {
		had, has := hasRole(before, role), hasRole(after, role)
		if had && !has {
			l = append(l, role)
		}
		if !had && has {
			g = append(g, role)
		}
	}
	return strings.Join(l, " and "), strings.Join(g, " and ")
}

// privilegedBefore names the privileged roles a roles change took away.
func privilegedBefore(detail string) string {
	lost, _ := privilegedRolesMoved(detail)
	return lost
}

// privilegedGained names the privileged roles a roles change gave.
func privilegedGained(detail string) string {
	_, gained := privilegedRolesMoved(detail)
	return gained
}

func hasRole(list, role string) bool {
	for _, r := range strings.Split(list, ",") {
		if strings.TrimSpace(r) == role {
			return true
		}
	}
	return false
}

// deskContact reports whether an event is a contact with the desk about the
// user or a lock (R42): a lock, a caller check started, or a caller-driven
// change an operator made (an unlock, a reset email, a change of roles).
// A check and the action it vouched for are one contact, so an action that
// used a verification is not counted again; the desk's own paperwork
// (adding the user, sending the setup email) is no contact.
func deskContact(e Event) bool {
	switch e.Action {
	case ActAccountLocked, ActVerifyStarted, ActVerifyRecorded:
		return true
	case ActAccountUnlocked, ActResetSent, ActOperatorReset, ActRolesChanged:
		return e.ActorKind == ActorOperator && e.Verification == 0
	}
	return false
}

// turnedDownRequest reports whether a refused event is a caller's request
// the desk turned down (R42): an operator refused an unlock, a reset email,
// an MFA clear, a change of roles or a caller check. The caller still
// called, and one who tries operator after operator must show.
func turnedDownRequest(e Event) bool {
	if e.ActorKind != ActorOperator {
		return false
	}
	switch e.Action {
	case ActAccountUnlocked, ActResetSent, ActOperatorReset, ActRolesChanged, ActMFACleared, ActVerifyStarted:
		return true
	}
	return false
}

// withTurnedDown adds to the contacts (newest first) the requests turned
// down that were calls of their own, and returns them all oldest first. A
// refusal is the same call as a contact the same operator made about the
// user within VerificationTTL of it, before or after (the clear refused for
// want of a check, then the check), or as an earlier refusal of theirs in
// that time: an operator's fumbles count once.
func withTurnedDown(contacts, turnedDown []Event) []Event {
	all := append(append([]Event(nil), contacts...), turnedDown...)
	slices.SortFunc(all, func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	out := all[:0:0]
	for i, e := range all {
		sameCall := false
		if e.Outcome != OutcomeOK {
			for j, x := range all {
				apart := e.Time.Sub(x.Time)
				if j != i && (x.Outcome == OutcomeOK || j < i) && x.ActorKind == ActorOperator && sameOperator(x.Actor, e.Actor) &&
					apart <= VerificationTTL && apart >= -VerificationTTL {
					sameCall = true
					break
				}
			}
		}
		if !sameCall {
			out = append(out, e)
		}
	}
	return out
}

// signalWords names signals for a refusal: "privileged (owner and admin of
// the practice), password reset in the last 24 hours".
func signalWords(signals []RiskSignal) string {
	parts := make([]string, 0, len(signals))
	for _, r := range signals {
		if r.Signal == SignalPrivileged {
			parts = append(parts, "privileged ("+r.Detail+")")
		} else {
			parts = append(parts, "flagged: "+r.Detail)
		}
	}
	return strings.Join(parts, ", ")
}
