package accounts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"latchkey/store"
)

const (
	bPatients          store.Bucket = "patients"             // id -> Patient
	ixPatientLogin     store.Bucket = "ix_patient_login"     // normalized login -> id
	ixPracticePatients store.Bucket = "ix_practice_patients" // practiceID|id
	ixPatientWords     store.Bucket = "ix_patient_words"     // kind|suffix of a word|0|id (search.go)
	ixPatientDocs      store.Bucket = "ix_patient_docs"      // id -> practiceID and search words
)

// Audit actions of the patient portal.
const (
	ActPatientCreated       = "patient.created"
	ActPatientLoginOK       = "patient.login.ok"
	ActPatientLoginFailed   = "patient.login.failed"
	ActPatientPasswordReset = "patient.password_reset"
	ActPatientPasswordSet   = "patient.password_changed"
	ActPatientLocked        = "patient.locked"
)

// Patient holds a patient-portal account at one practice (R27, R28).
type Patient struct {
	ID           uint64     `json:"id"`
	PracticeID   uint64     `json:"practice_id"`
	Name         string     `json:"name"`
	Login        string     `json:"login"`
	ContactEmail string     `json:"contact_email,omitempty"` // the email on file
	Password     Credential `json:"password"`
	MustChange   bool       `json:"must_change,omitempty"` // change at the next login (R28)
	Failures     int        `json:"failures,omitempty"`    // consecutive wrong passwords
	LockedUntil  time.Time  `json:"locked_until,omitzero"` // a portal account locks like any other (R11, R12)
	LastLoginAt  time.Time  `json:"last_login_at,omitzero"`
	ResetAt      time.Time  `json:"reset_at,omitzero"`
	CreatedAt    time.Time  `json:"created_at"`
}

// PatientRow is a patient with their practice's name.
type PatientRow struct {
	Patient
	PracticeName string
	Rank         int // with a search: RankExact, RankName or RankOther (search.go)
}

func getPatient(tx *store.Tx, id uint64) (Patient, error) {
	p, err := store.Get[Patient](tx, bPatients, store.U64(id))
	if errors.Is(err, store.ErrNotFound) {
		return p, &NotFoundError{What: "patient", Key: "#" + itoa(int(id))}
	}
	return p, err
}

func patientByLogin(tx *store.Tx, login string) (Patient, error) {
	raw, err := tx.GetRaw(ixPatientLogin, []byte(normalizeLogin(login)))
	if errors.Is(err, store.ErrNotFound) {
		return Patient{}, &NotFoundError{What: "patient", Key: login}
	}
	if err != nil {
		return Patient{}, err
	}
	return getPatient(tx, store.ParseU64(raw))
}

// patientDoc is what a patient is searched by: the words of their name, of
// their portal login and of their contact email's local part; a query word
// may lie anywhere inside them ("1950" and "walker" find kwalker1950).
func patientDoc(p Patient) searchDoc {
	return searchDoc{practice: p.PracticeID, name: nameWords(p.Name), other: patientLoginWords(p)}
}

// patientLoginWords are the words of a patient's portal login and contact
// email's local part: their runs of letters and digits, never run together
// (see userLoginWords).
func patientLoginWords(p Patient) []string {
	out := tokenize(p.Login)
	if at := strings.LastIndexByte(p.ContactEmail, '@'); at > 0 {
		out = append(out, tokenize(p.ContactEmail[:at])...)
	}
	return dedupe(out)
}

// createPatient adds a portal account (demo seeding and tests).
func (t *txn) createPatient(actor Actor, practiceID uint64, name, login, contact string, cred Credential) (Patient, error) {
	if taken, err := t.tx.GetRaw(ixPatientLogin, []byte(normalizeLogin(login))); err == nil && taken != nil {
		return Patient{}, badField("login", "portal login "+login+" is taken")
	}
	id, err := t.tx.NextSeq(bPatients)
	if err != nil {
		return Patient{}, err
	}
	p := Patient{ID: id, PracticeID: practiceID, Name: name, Login: login, ContactEmail: contact, Password: cred, CreatedAt: t.now}
	if err := store.Put(t.tx, bPatients, store.U64(id), p); err != nil {
		return p, err
	}
	if err := t.tx.PutRaw(ixPatientLogin, []byte(normalizeLogin(login)), store.U64(id)); err != nil {
		return p, err
	}
	if err := t.tx.PutRaw(ixPracticePatients, store.Key(store.U64(practiceID), store.U64(id)), nil); err != nil {
		return p, err
	}
	if err := patientSpace.index(t.tx, id, nil, patientDoc(p)); err != nil {
		return p, err
	}
	return p, t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActPatientCreated,
		Target: login, PracticeID: practiceID, Outcome: OutcomeOK, Detail: "portal account"})
}

// CreatePatient adds a patient-portal account with no password yet.
func (s *Service) CreatePatient(actor Actor, practiceID uint64, name, login, contact string) (Patient, error) {
	name, err := checkName("name", name)
	if err != nil {
		return Patient{}, err
	}
	login, contact = strings.TrimSpace(login), strings.TrimSpace(contact)
	if name == "" || login == "" {
		return Patient{}, badField("name", "a patient needs a name and a portal login")
	}
	if contact != "" {
		if err := checkContactEmail("contact_email", contact); err != nil {
			return Patient{}, err
		}
	}
	var p Patient
	err = s.update(func(t *txn) error {
		if _, err := getPractice(t.tx, practiceID); err != nil {
			return err
		}
		// A practice's portal accounts are its own (R28): added by the desk
		// or an admin of that practice, nobody else.
		switch actor.Kind {
		case ActorOperator, ActorSystem:
		case ActorAdmin:
			if err := t.isAdminOf(actor, practiceID, "R28"); err != nil {
				return err
			}
		default:
			return refuse("R28", "only an operator or an admin of the practice adds a patient-portal account")
		}
		var err error
		p, err = t.createPatient(actor, practiceID, name, login, contact, Credential{})
		return err
	})
	if RuleOf(err) != "" {
		err = s.recordRefusal(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActPatientCreated,
			Target: login, PracticeID: practiceID}, err)
	}
	return p, err
}

// PatientQuery selects portal accounts in id order.
type PatientQuery struct {
	PracticeID uint64
	// Search: words that each lie inside a word of the name, the portal
	// login or the contact email's local part, in any order, folding case
	// and accents. Ranked: the exact login, then name matches, then the rest.
	Search    string
	After     uint64 // paging: the id of the last row of the page before
	AfterRank int    // paging: its rank (searches only)
	Limit     int    // 0 = 200
}

// Patients lists portal accounts, a page at a time, from indexes.
func (s *Service) Patients(q PatientQuery) ([]PatientRow, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	var out []PatientRow
	err := s.db.View(func(tx *store.Tx) error {
		names := practiceNames{}
		keepAt := func(p Patient, rank int) (bool, error) {
			if q.PracticeID != 0 && p.PracticeID != q.PracticeID {
				return true, nil
			}
			name, err := names.of(tx, p.PracticeID)
			if err != nil {
				return false, err
			}
			out = append(out, PatientRow{Patient: p, PracticeName: name, Rank: rank})
			return len(out) < q.Limit, nil
		}
		keep := func(p Patient) (bool, error) { return keepAt(p, 0) }
		if terms := searchTerms(q.Search, true); len(terms) > 0 {
			defer s.searched()
			hits, err := searchPatients(tx, q, terms)
			if err != nil {
				return err
			}
			for _, h := range hits {
				p, err := getPatient(tx, h.ID)
				if err != nil {
					return err
				}
				if _, err := keepAt(p, h.Rank); err != nil {
					return err
				}
			}
			return nil
		}
		if q.PracticeID != 0 {
			prefix := store.U64(q.PracticeID)
			return tx.Scan(ixPracticePatients, prefix, store.Key(prefix, store.U64(q.After+1)), false, func(k, _ []byte) (bool, error) {
				p, err := getPatient(tx, store.ParseU64(k[8:]))
				if err != nil {
					return false, err
				}
				return keep(p)
			})
		}
		return tx.Scan(bPatients, nil, store.U64(q.After+1), false, func(_, v []byte) (bool, error) {
			p, err := decode[Patient](v)
			if err != nil {
				return false, err
			}
			return keep(p)
		})
	})
	return out, err
}

// searchPatients is a page of a patient search: the patient whose portal
// login the query is (rank 0), then the ranks of search.go.
func searchPatients(tx *store.Tx, q PatientQuery, terms []string) ([]Hit, error) {
	var hits []Hit
	sq := searchQuery{terms: terms, scope: q.PracticeID, after: Hit{Rank: q.AfterRank, ID: q.After}, limit: q.Limit}
	if exact, err := patientByLogin(tx, q.Search); err == nil {
		sq.exact = exact.ID
		if h := (Hit{Rank: RankExact, ID: exact.ID}); (q.PracticeID == 0 || exact.PracticeID == q.PracticeID) && h.after(sq.after) {
			hits = append(hits, h)
		}
	} else if !IsNotFound(err) {
		return nil, err
	}
	sq.limit -= len(hits)
	more, _, err := patientSpace.find(tx, sq) // no budget: never stopped
	return append(hits, more...), err
}

// Patient reads one portal account.
func (s *Service) Patient(id uint64) (Patient, error) {
	var p Patient
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		p, err = getPatient(tx, id)
		return err
	})
	return p, err
}

// FindPatient finds a portal account by its number (#12) or its login.
func (s *Service) FindPatient(ref string) (Patient, error) {
	ref = strings.TrimSpace(ref)
	var id uint64
	if _, err := fmt.Sscanf(strings.TrimPrefix(ref, "#"), "%d", &id); err == nil && strings.TrimLeft(strings.TrimPrefix(ref, "#"), "0123456789") == "" {
		return s.Patient(id)
	}
	var p Patient
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		p, err = patientByLogin(tx, ref)
		return err
	})
	return p, err
}
