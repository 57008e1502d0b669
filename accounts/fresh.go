package accounts

import (
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

// Stale forms (R35): two operators can have the same user open. A form
// carries the version of its target as it was opened (Request.Version); if
// someone else changed the user in the meantime — unlocked, inactivated,
// reset — the action is refused with what changed and the fresh record,
// never applied twice. A user's version is the number of the newest audit
// event about them: every change of a user appends one (R29).

// StaleError refuses an action whose form was opened on an older version of
// its target. It is a refusal (errors.As finds its *RuleError).
type StaleError struct {
	Refusal *RuleError
	Fresh   User    // the user as they are now
	Changes []Event // what changed since the form was opened, oldest first
}

func (e *StaleError) Error() string { return e.Refusal.Error() }
func (e *StaleError) Unwrap() error { return e.Refusal }

// UserVersion is the version of user userID: the number of the newest audit
// event about them. A form keeps it in Request.Version.
func (s *Service) UserVersion(userID uint64) (uint64, error) {
	var v uint64
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		v, err = userVersion(tx, s.legacyEvents, userID)
		return err
	})
	return v, err
}

func userVersion(tx *store.Tx, legacy bool, userID uint64) (uint64, error) {
	var v uint64
	err := userEvents(tx, legacy, userID, 0, func(seq uint64) (bool, error) {
		v = seq
		return false, nil
	})
	return v, err
}

// checkFresh refuses when target changed after version (0: no form, no
// check). Refusals and failed logins change nothing an operator acts on and
// do not count.
func (t *txn) checkFresh(target *User, version uint64) error {
	if version == 0 || target == nil || target.ID == 0 {
		return nil
	}
	changes, err := changesSince(t.tx, t.s.legacyEvents, target.ID, version, false)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	fresh, err := getUser(t.tx, target.ID)
	if err != nil {
		return err
	}
	var what []string
	for _, e := range changes[max(0, len(changes)-3):] {
		what = append(what, fmt.Sprintf("%s by %s at %s", e.Action, e.Actor, e.Time.Format("15:04:05")))
	}
	msg := fmt.Sprintf("%s changed after this form was opened (%s); now %s", fresh.Login(), strings.Join(what, "; "), freshState(fresh, t.now))
	return &StaleError{
		Refusal: refuseWith("R35", msg, "Nothing was done. Look at the fresh record and act again if it is still needed."),
		Fresh:   fresh, Changes: changes,
	}
}

// changesSince is the events about userID newer than version that count
// as a change (countsAsChange), oldest first; first stops at the first one,
// for a caller that only asks whether there is any. The one reading behind
// both the service's refusal of a stale form and a face's warning of it.
func changesSince(tx *store.Tx, legacy bool, userID, version uint64, first bool) ([]Event, error) {
	seqs, err := userEventsSince(tx, legacy, userID, version)
	if err != nil {
		return nil, err
	}
	var changes []Event
	for _, seq := range seqs {
		en, err := auditChain.Get(tx, seq)
		if err != nil {
			return nil, err
		}
		e, err := decodeEvent(en)
		if err != nil {
			return nil, err
		}
		if countsAsChange(e) {
			changes = append(changes, e)
			if first {
				break
			}
		}
	}
	return changes, nil
}

// countsAsChange reports whether an event about a user changes what an
// operator acts on: refusals and failed logins do not (R35), nor a caller
// check (R41: started, passed, answered by an owner) — it changes no
// record, and the owner's approval an operator waits for with the form
// open is what lets the form go through, not a reason to refuse it.
func countsAsChange(e Event) bool {
	return !strings.HasPrefix(e.Outcome, "refused ") && e.Action != ActLoginFailed && e.Action != ActLoginRefused &&
		!strings.HasPrefix(e.Action, "verify.")
}

// freshState says in a few words where a user stands.
func freshState(u User, now time.Time) string {
	s := string(u.Status)
	if u.LockedNow(now) {
		s += ", locked until " + u.LockedUntil.Format("15:04:05")
	} else {
		s += ", not locked"
	}
	if u.MFA.Method != "" {
		s += ", MFA " + string(u.MFA.Method)
	} else {
		s += ", no MFA"
	}
	return s
}
