package accounts

// The patient portal's passwords: a reset by the desk or a practice admin
// with its printable result (R28), the patient's login with the forced
// change after a reset, and the patient changing their own password (R27);
// portal accounts lock like practice accounts (R11).

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"latchkey/store"
)

// PortalReset is the outcome of a portal password reset: what the printable
// credentials document holds (R28).
type PortalReset struct {
	Patient           Patient
	Practice          Practice
	TemporaryPassword string
	EmailedTo         string // "" when no email went out
	IssuedBy          string
	IssuedAt          time.Time
	MustChange        bool
}

// readAloudAlphabet has no look-alike characters (no 0/O, 1/l/I, 5/S, 2/Z, 8/B).
const readAloudAlphabet = "acdefghjkmnpqrtuvwxy34679"

// GeneratePortalPassword makes a temporary password from crypto/rand that is
// easy to read aloud: four groups of four from an alphabet without
// look-alike characters (about 74 bits).
func GeneratePortalPassword() string {
	var b strings.Builder
	max := big.NewInt(int64(len(readAloudAlphabet)))
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b.WriteByte(readAloudAlphabet[n.Int64()])
	}
	return b.String()
}

// ResetPatientPassword resets a portal password to a generated one, or to
// one the operator or practice admin designates (the same rules apply,
// R18). The patient's contact email on file gets the new credentials, and
// the patient must change the password at the next login (R28).
func (s *Service) ResetPatientPassword(actor Actor, patientID uint64, designated string, req Request) (PortalReset, error) {
	return s.resetPatientPassword(actor, patientID, designated, req, nil)
}

func (s *Service) resetPatientPassword(actor Actor, patientID uint64, designated string, req Request, deliver DocumentWriter) (_ PortalReset, err error) {
	if err := checkRequest(actor, ActPatientPasswordReset, &req); err != nil {
		return PortalReset{}, err
	}
	if actor.Kind == ActorOperator {
		if req.Reason == "" {
			return PortalReset{}, badField("reason", "say why the portal password is reset (R28)")
		}
		if req.VerifiedBy == "" {
			return PortalReset{}, badField("verified_by", "record how the caller was verified (R28)")
		}
	}
	p, err := s.Patient(patientID)
	if err != nil {
		return PortalReset{}, err
	}
	pw := designated
	if pw == "" {
		pw = GeneratePortalPassword()
	} else if err := s.policyCheck(pw, User{PracticeID: p.PracticeID, Name: p.Name, Username: p.Login, Email: p.ContactEmail}, false); err != nil {
		return PortalReset{}, err
	}
	newHash := hashPassword(pw, s.cfg.Hash)
	out := PortalReset{TemporaryPassword: pw, IssuedBy: actor.Name, MustChange: s.cfg.PortalForceChange}
	defer func() {
		// A refusal stays on record, like every refused action.
		if err != nil {
			err = s.recordRefusal(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActPatientPasswordReset,
				Target: p.Login, PracticeID: p.PracticeID, Reason: req.Reason, VerifiedBy: req.VerifiedBy}, err)
		}
	}()
	var doc stagedDocument
	err = s.update(func(t *txn) error {
		old, err := getPatient(t.tx, patientID)
		if err != nil {
			return err
		}
		if actor.Kind == ActorAdmin {
			if err := t.isAdminOf(actor, old.PracticeID, "R28"); err != nil {
				return err
			}
		} else if actor.Kind != ActorOperator {
			return refuse("R28", "only an operator or a practice admin can reset a portal password")
		}
		pr, err := getPractice(t.tx, old.PracticeID)
		if err != nil {
			return err
		}
		n := old
		n.Password, n.MustChange, n.ResetAt = Credential{Hash: newHash}, s.cfg.PortalForceChange, t.now
		n.Failures, n.LockedUntil = 0, time.Time{} // the desk verified the caller
		if err := store.Put(t.tx, bPatients, store.U64(n.ID), n); err != nil {
			return err
		}
		if n.ContactEmail != "" {
			if _, err := t.send(Message{Kind: MessageEmail, To: n.ContactEmail, Subject: pr.Name + ": your patient portal password was reset",
				Body: fmt.Sprintf("Hello %s,\n\nYour patient portal password at %s was reset.\n\nLogin: %s\nTemporary password: %s\n\nYou will be asked to choose a new password when you log in.",
					firstName(n.Name), pr.Name, n.Login, pw),
				Cause: ActPatientPasswordReset, Secrets: []string{pw}}); err != nil {
				return err
			}
			out.EmailedTo = n.ContactEmail
		}
		out.Patient, out.Practice, out.IssuedAt = n, pr, t.now
		how := "generated"
		if designated != "" {
			how = "designated by " + actor.Name
		}
		if err := t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActPatientPasswordReset,
			Target: n.Login, PracticeID: n.PracticeID, Requester: req.Requester, Reason: req.Reason,
			VerifiedBy: req.VerifiedBy, Outcome: OutcomeOK,
			Detail: fmt.Sprintf("temporary password %s; emailed: %v; change at next login: %v", how, out.EmailedTo != "", n.MustChange)}); err != nil {
			return err
		}
		return doc.deliver(deliver, out)
	})
	if err != nil {
		doc.discard()
	}
	return out, err
}

// PatientLoginResult says whether the patient must choose a new password
// before reaching the portal (R28).
type PatientLoginResult struct {
	Patient    Patient
	MustChange bool
}

// checkPatientPassword reads a portal account and checks a password against
// it, outside any write transaction; unknown logins cost one hash too.
func (s *Service) checkPatientPassword(login, password string) (Patient, bool, bool) {
	var p Patient
	found := false
	_ = s.db.View(func(tx *store.Tx) error {
		var err error
		p, err = patientByLogin(tx, login)
		found = err == nil
		return nil
	})
	ok := false
	if found && p.Password.Hash != "" {
		ok, _ = verifyPassword(password, p.Password.Hash)
	} else {
		_, _ = verifyPassword(password, s.dummyHash())
	}
	return p, found, ok
}

// patientAttempt applies a password check to a portal account in one
// transaction: a locked account refuses whatever the password (R11); a
// wrong password counts, and locks the account at the limit for the lock
// duration (R11, R12); every failure is audited (R29).
func (t *txn) patientAttempt(p Patient, found, ok bool, typed, action string) (Patient, error) {
	if !found {
		who, note, err := t.unknownLogin(typed)
		if err != nil {
			return p, err
		}
		return p, t.appendEvent(Event{ActorKind: ActorUser, Actor: who, Action: ActPatientLoginFailed, Target: who,
			Outcome: OutcomeFailed, Detail: joinDetail("no such portal login", note)})
	}
	cur, err := getPatient(t.tx, p.ID)
	if err != nil {
		return p, err
	}
	ev := Event{ActorKind: ActorUser, Actor: cur.Login, Target: cur.Login, PracticeID: cur.PracticeID}
	if t.now.Before(cur.LockedUntil) {
		ev.Action, ev.Outcome, ev.Detail = ActPatientLoginFailed, refusedOutcome("R11"), "portal account is locked"
		return cur, t.appendEvent(ev)
	}
	if !cur.LockedUntil.IsZero() { // the lock's time is up
		cur.LockedUntil, cur.Failures = time.Time{}, 0
	}
	if ok {
		cur.Failures = 0
	} else {
		cur.Failures++
		ev.Action, ev.Outcome, ev.Detail = ActPatientLoginFailed, OutcomeFailed, "wrong password in "+action
		if cur.Failures >= t.s.cfg.MaxFailures {
			cur.LockedUntil = t.now.Add(t.s.cfg.LockDuration)
		}
	}
	if err := store.Put(t.tx, bPatients, store.U64(cur.ID), cur); err != nil {
		return cur, err
	}
	if !ok {
		if err := t.appendEvent(ev); err != nil {
			return cur, err
		}
		if !cur.LockedUntil.IsZero() {
			ev.ActorKind, ev.Actor, ev.Action, ev.Outcome, ev.Detail = ActorSystem, System().Name, ActPatientLocked, OutcomeOK,
				"locked after consecutive wrong passwords"
			return cur, t.appendEvent(ev)
		}
	}
	return cur, nil
}

// patientRefusal is what an attempt on a portal account answers when the
// password did not get it in.
func patientRefusal(cur Patient, found, ok bool, now time.Time) error {
	if found && now.Before(cur.LockedUntil) {
		return refuse("R11", "this account is locked")
	}
	if !ok {
		return ErrBadCredentials
	}
	return nil
}

// PatientLogin is a patient logging in to the portal. After a reset, the
// result says the password must be changed first (R28).
func (s *Service) PatientLogin(login, password string) (PatientLoginResult, error) {
	p, found, ok := s.checkPatientPassword(login, password)
	var refusal error
	err := s.update(func(t *txn) error {
		cur, err := t.patientAttempt(p, found, ok, login, "the portal login")
		if err != nil {
			return err
		}
		if refusal = patientRefusal(cur, found, ok, t.now); refusal != nil {
			return nil
		}
		cur.LastLoginAt = t.now
		if err := store.Put(t.tx, bPatients, store.U64(cur.ID), cur); err != nil {
			return err
		}
		p = cur
		detail := ""
		if cur.MustChange {
			detail = "must change the password before reaching the portal"
		}
		return t.appendEvent(Event{ActorKind: ActorUser, Actor: cur.Login, Action: ActPatientLoginOK, Target: cur.Login,
			PracticeID: cur.PracticeID, Outcome: OutcomeOK, Detail: detail})
	})
	if err != nil {
		return PatientLoginResult{}, err
	}
	if refusal != nil {
		return PatientLoginResult{}, refusal
	}
	return PatientLoginResult{Patient: p, MustChange: p.MustChange}, nil
}

// PatientChangePassword is a patient changing their portal password: new,
// new again, and current (R27). It clears the forced change (R28).
func (s *Service) PatientChangePassword(login, newPassword, repeat, current string) (Patient, error) {
	var p Patient
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		p, err = patientByLogin(tx, login)
		return err
	})
	if err != nil {
		_, _ = verifyPassword(current, s.dummyHash())
		return Patient{}, ErrBadCredentials
	}
	if ok, _ := verifyPassword(current, p.Password.Hash); !ok || p.Password.Hash == "" {
		var refusal error
		err := s.update(func(t *txn) error {
			cur, err := t.patientAttempt(p, true, false, login, "the change-password form")
			refusal = patientRefusal(cur, true, false, t.now)
			return err
		})
		if err != nil {
			return Patient{}, err
		}
		return Patient{}, refusal
	}
	if s.Now().Before(p.LockedUntil) {
		return Patient{}, refuse("R11", "this account is locked")
	}
	if newPassword != repeat {
		return Patient{}, badField("repeat", "the new password and its repetition differ (R27)")
	}
	if newPassword == current {
		return Patient{}, refuse("R27", "choose a password different from the current one")
	}
	if err := s.policyCheck(newPassword, User{PracticeID: p.PracticeID, Name: p.Name, Username: p.Login, Email: p.ContactEmail}, false); err != nil {
		return Patient{}, err
	}
	newHash := hashPassword(newPassword, s.cfg.Hash)
	err = s.update(func(t *txn) error {
		cur, err := getPatient(t.tx, p.ID)
		if err != nil {
			return err
		}
		if cur.Password != p.Password {
			return refuse("R27", "the password changed meanwhile; try again")
		}
		cur.Password, cur.MustChange = Credential{Hash: newHash}, false
		if err := store.Put(t.tx, bPatients, store.U64(cur.ID), cur); err != nil {
			return err
		}
		p = cur
		return t.appendEvent(Event{ActorKind: ActorUser, Actor: cur.Login, Action: ActPatientPasswordSet,
			Target: cur.Login, PracticeID: cur.PracticeID, Outcome: OutcomeOK, Detail: "changed by the patient"})
	})
	return p, err
}
