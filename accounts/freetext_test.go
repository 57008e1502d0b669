package accounts

import (
	"strings"
	"testing"
)

func wantField(t *testing.T, err error, field string) *FieldError {
	t.Helper()
	fe, ok := err.(*FieldError)
	if !ok || fe.Field != field {
		t.Fatalf("want a %s field error, got %v", field, err)
	}
	return fe
}

// Free text has limits: reasons and notes are valid UTF-8 (refused, never
// rewritten) and at most 1,000 characters; a required reason that is blank
// is refused; the error repeats only a short, sanitised excerpt; nothing
// changes.
func TestFreeTextReasonLimits(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Text Clinic", 10)
	staff := activeUser(t, s, p.ID, "Sam Staff", Roles{}, owner.Email)
	req := func(reason string) Request { return Request{Requester: owner.Email, Reason: reason} }
	before, _ := s.AuditCount()
	long := strings.Repeat("why ", 251) // 1,004 characters
	for _, c := range []struct {
		name   string
		reason string
	}{
		{"invalid UTF-8", "left\xff\xfe the clinic"},
		{"too long", long},
		{"blank", ""},
		{"spaces", "   \t "},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Inactivate(Operator("op"), staff.ID, req(c.reason))
			fe := wantField(t, err, "reason")
			if len(fe.Error()) > 200 || strings.Contains(fe.Error(), long[:200]) || strings.Contains(fe.Error(), "\xff") {
				t.Fatalf("the error echoes the input: %q", fe.Error())
			}
		})
	}
	if u, _ := s.User(staff.ID); u.Status != StatusActive {
		t.Fatal("a refused inactivation changed the user")
	}
	if after, _ := s.AuditCount(); after != before {
		t.Fatalf("refused free text reached the audit trail: %d -> %d events", before, after)
	}
	// Verification notes have the same limits, on every path.
	if _, err := s.ResetPatientPassword(Operator("op"), 1, "", Request{Reason: "called", VerifiedBy: long}); err == nil {
		t.Fatal("a 1,004-character verification note was accepted")
	}
	// 1,000 characters are fine.
	if _, err := s.Inactivate(Operator("op"), staff.ID, req(strings.Repeat("x", 1000))); err != nil {
		t.Fatal(err)
	}
}

// Names are valid UTF-8 and at most 200 characters, for users, patients
// and practices.
func TestFreeTextNameLimits(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Name Clinic", 10)
	for _, name := range []string{strings.Repeat("N", 201), "Ana\xc3", "   "} {
		_, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: name, Kind: KindStaff,
			Email: "ana.new@example.org", EmailConfirm: "ana.new@example.org"}, Request{Requester: owner.Email})
		wantField(t, err, "name")
		_, err = s.CreatePractice(Operator("op"), name, 3)
		wantField(t, err, "name")
		_, err = s.CreatePatient(Operator("op"), p.ID, name, "ana.patient", "")
		wantField(t, err, "name")
	}
	if _, err := s.CreatePractice(Operator("op"), strings.Repeat("N", 200), 3); err != nil {
		t.Fatalf("a 200-character name: %v", err)
	}
}

// Practice names are unique, case and spaces aside; a name that still
// matches several practices (an older database) is refused, listing them.
func TestPracticeNamesUnique(t *testing.T) {
	s, _ := newTestService(t)
	first, err := s.CreatePractice(Operator("op"), "Maple Family Clinic", 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{"maple family clinic", "  MAPLE   Family\tClinic "} {
		_, err := s.CreatePractice(Operator("op"), same, 5)
		if fe := wantField(t, err, "name"); !strings.Contains(fe.Msg, "#1") {
			t.Fatalf("the refusal does not name the practice: %v", err)
		}
	}
	if p, err := s.FindPractice("MAPLE  family clinic"); err != nil || p.ID != first.ID {
		t.Fatalf("find by folded name: %+v %v", p, err)
	}
	// Two alike, as an older database may hold them.
	if err := s.update(func(t *txn) error {
		_, err := t.createPractice(Operator("op"), "maple family  clinic", 2)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindPractice("Maple Family Clinic")
	fe := wantField(t, err, "practice")
	if !strings.Contains(fe.Msg, "#1") || !strings.Contains(fe.Msg, "#2") || !strings.Contains(fe.Msg, "2 practices") {
		t.Fatalf("the refusal does not list both: %v", err)
	}
	if p, err := s.FindPractice("#2"); err != nil || p.ID != 2 {
		t.Fatalf("by number: %+v %v", p, err)
	}
}
