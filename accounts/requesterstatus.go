package accounts

import (
	"strings"
	"time"

	"latchkey/store"
)

// Who may ask the desk for something on a practice's behalf (R2, R3, R19,
// R20, R24, and a setup email's new address, R6) is decided by role; but
// the desk takes the request only from someone who can be held to it: an
// active user, not locked. A pending user has never used their setup link
// (R4): nobody has shown yet that they hold the account, whoever holds
// that link will, and a caller claiming to be them is the lying caller the
// rules guard against. A locked account (R11) may be under attack, and asks
// for nothing until it is unlocked (R13) or the lock lifts (R12). An
// inactive user is no member at all (requesterIn).

// requesterStatus says why r cannot ask for anything now, or "".
func requesterStatus(r User, now time.Time) string {
	switch {
	case r.Status == StatusPending:
		return r.Login() + " has not finished account setup (pending): nobody has shown yet that they hold the account"
	case r.Status != StatusActive:
		return r.Login() + " is " + string(r.Status)
	case r.LockedNow(now):
		return r.Login() + " is locked (R11) until " + r.LockedUntil.UTC().Format("15:04 MST")
	}
	return ""
}

// requesterRefusal refuses r as the requester of an action under rule.
func requesterRefusal(r User, p Practice, rule, roleNames string, now time.Time) error {
	why := requesterStatus(r, now)
	if why == "" {
		return nil
	}
	guidance := "Record someone else who may ask (" + roleNames + " of " + p.Name + ") and has finished account setup"
	if r.Status == StatusPending {
		guidance += ", or have " + r.Login() + " finish it first from their setup email (R4)."
	} else {
		guidance += ", or unlock " + r.Login() + " first if the caller is really them (R13, after a caller check, R41)."
	}
	return refuseWith(rule, why+": the desk takes requests only from active users who are not locked", guidance)
}

// nobodyMayAsk refuses an action that needs a requester when nobody at p
// can ask for it now, naming who holds the role but cannot ask yet.
func (t *txn) nobodyMayAsk(a asker, p Practice, target *User) error {
	var able int
	var waiting []string
	var pending, locked bool
	err := t.tx.Scan(ixPracticeUsers, store.U64(p.ID), nil, false, func(k, _ []byte) (bool, error) {
		u, err := getUser(t.tx, store.ParseU64(k[8:]))
		if err != nil || u.Status == StatusInactive || !a.May(u, target) {
			return err == nil, err
		}
		if why := requesterStatus(u, t.now); why != "" {
			pending, locked = pending || u.Status == StatusPending, locked || u.Status != StatusPending
			if len(waiting) < 3 {
				waiting = append(waiting, why)
			}
			return true, nil
		}
		able++
		return false, nil // one is enough
	})
	if err != nil || able > 0 {
		return err
	}
	if len(waiting) == 0 {
		return refuseWith(a.Rule, "nobody at "+p.Name+" may ask for this: only "+a.Who,
			"Make someone the right role first (permissions, requested by an owner).")
	}
	var then []string
	if pending {
		then = append(then, "a pending one must finish account setup from their setup email (R4; the desk can resend it)")
	}
	if locked {
		then = append(then, "a locked one must be unlocked (R13, after a caller check, R41) or wait for the lock to lift (R12)")
	}
	return refuseWith(a.Rule, "nobody at "+p.Name+" can ask for this now: only "+a.Who+", active and not locked; "+
		strings.Join(waiting, "; "),
		"First "+strings.Join(then, "; ")+".")
}
