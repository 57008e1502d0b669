package accounts

import (
	"errors"
	"strings"
	"testing"
)

// R28, R36: a portal reset whose credentials document cannot be written
// does not happen: the password is not changed, no email goes out, and the
// failed attempt is on record. When the document is written, the reset
// commits with it, and the writer saw the final result.
func TestPortalResetDocumentFirst(t *testing.T) {
	s, _ := newTestService(t)
	pr, _, _ := practiceWith(t, s, "Portal Pediatrics", 5)
	pat, err := s.CreatePatient(Operator("op"), pr.ID, "Pia Patient", "ppatient1990", "pia@example.net")
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Reason: "patient called", VerifiedBy: "date of birth"}
	before, _ := s.Patient(pat.ID)
	_, err = s.ResetPatientPasswordWithDocument(Operator("op"), pat.ID, "", req, func(PortalReset) (func(), error) {
		return func() { t.Error("discard called for a document never written") }, errors.New("disk full")
	})
	wantRule(t, err, "R28")
	if !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "not changed") {
		t.Fatalf("the refusal does not say what happened: %v", err)
	}
	after, _ := s.Patient(pat.ID)
	if after.Password.Hash != before.Password.Hash || !after.ResetAt.IsZero() || after.MustChange {
		t.Fatalf("R28: the password changed although the document was not written: %+v", after)
	}
	if msgs, _ := s.Outbox(OutboxQuery{To: "pia@example.net"}); len(msgs) != 0 {
		t.Fatalf("R28: an email went out although the document was not written: %+v", msgs)
	}
	if ev := lastEvent(t, s, ActPatientPasswordReset); ev.Outcome == OutcomeOK {
		t.Fatalf("R29: the failed reset is recorded as done: %+v", ev)
	}

	var seen PortalReset
	calls := 0
	res, err := s.ResetPatientPasswordWithDocument(Operator("op"), pat.ID, "", req, func(r PortalReset) (func(), error) {
		seen, calls = r, calls+1
		return func() { t.Error("discard called for a committed reset") }, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || seen.TemporaryPassword != res.TemporaryPassword || seen.EmailedTo != "pia@example.net" || seen.IssuedAt.IsZero() {
		t.Fatalf("the writer saw %+v (%d calls), the reset is %+v", seen, calls, res)
	}
	if lr, err := s.PatientLogin("ppatient1990", res.TemporaryPassword); err != nil || !lr.MustChange {
		t.Fatalf("login with the documented password: %+v %v", lr, err)
	}
}

// R28: a document written inside a transaction that then does not commit is
// removed, and an engine's retry replaces the first attempt's document.
func TestPortalResetDiscardsDocumentOnRollback(t *testing.T) {
	s, _ := newTestService(t)
	pr, _, _ := practiceWith(t, s, "Portal Pediatrics", 5)
	pat, _ := s.CreatePatient(Operator("op"), pr.ID, "Pia Patient", "ppatient1990", "")
	var d stagedDocument
	removed := 0
	write := func(PortalReset) (func(), error) { return func() { removed++ }, nil }
	if err := d.deliver(write, PortalReset{Patient: pat}); err != nil {
		t.Fatal(err)
	}
	// A retried transaction replaces the first attempt's document.
	if err := d.deliver(write, PortalReset{Patient: pat}); err != nil || removed != 1 {
		t.Fatalf("retry: removed %d, %v", removed, err)
	}
	d.discard()
	d.discard()
	if removed != 2 {
		t.Fatalf("R28: the rolled-back document was not removed once: %d", removed)
	}
}
