package tui

import (
	"bytes"
	tea "charm.land/bubbletea/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
	"latchkey/tui/internal/fixture"
)

// pwHarness is a console over the small fixture plus portal accounts, with
// credentials documents going to a temporary directory.
func pwHarness(t *testing.T, w, h int, start common.PaneID) (*harness, []uint64) {
	t.Helper()
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), small)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	ids, err := f.AddPatients(5)
	if err != nil {
		t.Fatal(err)
	}
	hs := harnessFor(t, f, w, h, start)
	hs.m.Common().DocsDir = filepath.Join(t.TempDir(), "credentials")
	return hs, ids
}

// yesWait answers yes in a confirm and waits for the action however long it
// takes (writing a PDF under -race takes longer than the harness waits for
// a command), then feeds its answer back.
func (h *harness) yesWait() {
	h.t.Helper()
	_, cmd := h.m.Update(keyMsg("y"))
	h.runAll([]tea.Cmd{cmd}, 0, 10*time.Second) // hashing a password takes its time (R15)
}

func outboxLen(t *testing.T, svc *accounts.Service) int {
	t.Helper()
	ms, err := svc.Outbox(accounts.OutboxQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// secondUser is a staff member (not the owner) of the fixture's second
// practice, which has free licenses.
func secondUser(t *testing.T, f *fixture.Fixture) accounts.User {
	t.Helper()
	ps, err := f.Svc.Practices(accounts.PracticeQuery{Limit: 10})
	if err != nil || len(ps) < 2 {
		t.Fatalf("practices: %v", err)
	}
	rs, err := f.Svc.Users(accounts.UserQuery{PracticeID: ps[1].ID, Limit: 10})
	if err != nil || len(rs) < 2 {
		t.Fatalf("users: %v", err)
	}
	return rs[1].User
}

// R16: P on a user with a verified login email opens no form: an alert
// gives the self-service guidance, and nothing is sent.
func TestUserResetVerifiedGetsGuidance(t *testing.T) {
	h, _ := pwHarness(t, 100, 30, common.PaneUsers)
	u := secondUser(t, h.f)
	if err := h.f.Verify(u.ID, "a long enough passphrase 42"); err != nil {
		t.Fatal(err)
	}
	before := outboxLen(t, h.f.Svc)
	h.send(common.OpenDetailMsg{UserID: u.ID})
	if !strings.Contains(h.view(), "(email verified)") {
		t.Fatalf("detail does not show the verified email:\n%s", h.view())
	}
	h.key("P")
	if h.m.Dialog() != "alert" || h.flow() != "" {
		t.Fatalf("want an alert and no form, got dialog %q flow %q", h.m.Dialog(), h.flow())
	}
	v := h.view()
	for _, want := range []string{"R16", "Forgot your password?", "Nothing was done"} {
		if !strings.Contains(v, want) {
			t.Fatalf("alert lacks %q:\n%s", want, v)
		}
	}
	if n := outboxLen(t, h.f.Svc); n != before {
		t.Fatalf("outbox grew from %d to %d: something was sent", before, n)
	}
	h.key("esc")
	if h.m.Dialog() != "" || !h.m.InDetail() {
		t.Fatalf("esc should close the alert and stay in the detail: %q %v", h.m.Dialog(), h.m.InDetail())
	}
}

// R8, R17: P on a legacy username user opens the form (reason and how the
// caller was verified), then a confirm with No focused; yes sends the reset
// link to the email on file, and the flash says where it went.
func TestUserResetLegacySendsEmail(t *testing.T) {
	h, _ := pwHarness(t, 100, 30, common.PaneUsers)
	ps, _ := h.f.Svc.Practices(accounts.PracticeQuery{Limit: 10})
	u, err := h.f.AddLegacy(ps[1].ID, "Walter Grey", "wgrey", "walter.grey@home.example")
	if err != nil {
		t.Fatal(err)
	}
	h.send(common.OpenDetailMsg{UserID: u.ID})
	fill := func() {
		t.Helper()
		h.key("P")
		if h.flow() != "user form" {
			t.Fatalf("P opened %q, want the user form", h.flow())
		}
		h.key("enter") // an empty reason is refused by the form
		if h.flow() != "user form" || !strings.Contains(h.view(), "required (R17)") {
			t.Fatalf("an empty reason went through:\n%s", h.view())
		}
		h.paste("forgot password, no email to reset it")
		h.key("enter")
		h.paste("called back on the number on file")
		h.key("enter")
		if h.flow() != "confirm" {
			t.Fatalf("after the form: %q, want the confirm", h.flow())
		}
		if h.m.Top().(*dialog.Confirm).YesFocused() {
			t.Fatal("the confirm opened with yes focused")
		}
	}
	before := outboxLen(t, h.f.Svc)
	fill()
	h.key("enter") // No is focused: enter alone goes back to the form
	if h.flow() != "user form" || outboxLen(t, h.f.Svc) != before {
		t.Fatalf("enter on No sent something, or left the form: flow %q", h.flow())
	}
	h.key("esc")
	fill()
	h.key("y")
	if h.flow() != "" || h.m.Dialog() != "" {
		t.Fatalf("still open after yes: %q %q (flash %q)", h.flow(), h.m.Dialog(), h.m.Flash())
	}
	ms, _ := h.f.Svc.Outbox(accounts.OutboxQuery{Limit: 1})
	if len(ms) == 0 || ms[0].To != "walter.grey@home.example" || ms[0].Cause != accounts.ActResetSent {
		t.Fatalf("no reset email to the email on file: %+v", ms)
	}
	if f := h.m.Flash(); !strings.Contains(f, "walter.grey@home.example") || !strings.Contains(f, "alice") {
		t.Fatalf("flash %q does not say where the email went and who sent it", f)
	}
	es, _ := h.f.Svc.Audit(accounts.AuditQuery{UserID: u.ID, Limit: 1})
	if len(es) == 0 || es[0].Action != accounts.ActResetSent || es[0].Actor != "alice" ||
		es[0].VerifiedBy != "called back on the number on file" {
		t.Fatalf("audit does not record the reset as the operator with the verification: %+v", es)
	}
}

// R4, R31: a pending user who never set up the account is told to get the
// setup email again; a refusal names its rule.
func TestUserResetPendingPointsToSetup(t *testing.T) {
	h, _ := pwHarness(t, 100, 30, common.PaneUsers)
	u := secondUser(t, h.f)
	h.send(common.OpenDetailMsg{UserID: u.ID})
	h.key("P")
	if h.m.Dialog() != "alert" || !strings.Contains(h.view(), "R4") || !strings.Contains(h.view(), "Send Verification") {
		t.Fatalf("pending user: want the R4 alert:\n%s", h.view())
	}
}

// R28: tab 7 lists the portal accounts; / filters by name, login or
// contact email; enter opens the patient's detail and esc goes back.
func TestPatientsFilterAndDetail(t *testing.T) {
	h, ids := pwHarness(t, 120, 30, common.PanePractices)
	h.key("7")
	if h.m.Active() != common.PanePatients {
		t.Fatalf("7 shows pane %d", h.m.Active())
	}
	if n := len(h.m.Patients().Items()); n != len(ids) {
		t.Fatalf("%d patients listed, want %d", n, len(ids))
	}
	for _, q := range []struct{ text, want string }{
		{"natarajan", "Priya Natarajan"},   // name
		{"tbecker", "Tom Becker"},          // portal login
		{"samuel.okafor", "Samuel Okafor"}, // contact email
	} {
		h.key("/")
		h.typeText(q.text)
		h.key("enter")
		items := h.m.Patients().Items()
		if len(items) != 1 || items[0].Name != q.want {
			t.Fatalf("filter %q: %+v, want only %s", q.text, items, q.want)
		}
		h.key("esc") // clears the filter
	}
	if n := len(h.m.Patients().Items()); n != len(ids) {
		t.Fatalf("esc left %d rows, want all %d", n, len(ids))
	}
	h.key("enter")
	v := h.view()
	for _, want := range []string{"Maria Lopez", "mlopez1961", "maria.lopez@mailbox.example", "Last login", "Last reset", "never"} {
		if !strings.Contains(v, want) {
			t.Fatalf("detail lacks %q:\n%s", want, v)
		}
	}
	h.key("esc")
	if h.m.Patients().InDetail() {
		t.Fatal("esc did not leave the patient detail")
	}
}

// portalReset drives the portal form: generate or designate (typed twice),
// a reason, how the caller was verified; it leaves the confirm open.
func portalReset(t *testing.T, h *harness, designated string) {
	t.Helper()
	h.key("P")
	if h.flow() != "portal form" {
		t.Fatalf("P opened %q, want the portal form", h.flow())
	}
	if designated != "" {
		h.key("down")
		h.key("enter")
		h.paste(designated)
		h.key("enter")
		h.paste(designated)
		h.key("enter")
	} else {
		h.key("enter")
	}
	h.paste("patient locked out of the portal")
	h.key("enter")
	h.paste("date of birth and address on file")
	h.key("enter")
	if h.flow() != "confirm" {
		t.Fatalf("after the form: %q, want the confirm:\n%s", h.flow(), h.view())
	}
	if h.m.Top().(*dialog.Confirm).YesFocused() {
		t.Fatal("the confirm opened with yes focused")
	}
}

// R28: a generated temporary password ends on the credentials document:
// the preview shows practice, patient, login, the password and whether an
// email went out; the PDF is written 0600; the patient must change the
// password at the next login; the password is drawn nowhere else.
func TestPortalResetGenerated(t *testing.T) {
	h, ids := pwHarness(t, 120, 40, common.PanePatients)
	h.key("enter") // Maria Lopez's detail
	portalReset(t, h, "")
	h.yesWait()
	if h.flow() != "preview" {
		t.Fatalf("after yes: %q (dialog %q, flash %q)", h.flow(), h.m.Dialog(), h.m.Flash())
	}
	doc := h.m.Top().(*dialog.Document)
	pw := doc.Creds.TemporaryPassword
	if len(pw) != 19 || strings.Count(pw, "-") != 3 {
		t.Fatalf("generated password %q is not four groups of four", pw)
	}
	v := h.view()
	for _, want := range []string{"Maple Family Clinic", "Maria Lopez", "mlopez1961", pw,
		"maria.lopez@mailbox.example", "choose a new password at the first sign-in", filepath.Base(doc.Path)} {
		if !strings.Contains(v, want) {
			t.Fatalf("preview lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(h.m.Flash(), pw) {
		t.Fatalf("the flash shows the password: %q", h.m.Flash())
	}
	// The PDF: a new file, readable by its owner only, in the documents directory.
	st, err := os.Stat(doc.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 || filepath.Dir(doc.Path) != h.m.Common().DocsDir {
		t.Fatalf("PDF %s mode %v, want 0600 in %s", doc.Path, st.Mode().Perm(), h.m.Common().DocsDir)
	}
	if strings.ContainsRune(filepath.Base(doc.Path), ' ') || !strings.Contains(doc.Path, "mlopez1961") {
		t.Fatalf("PDF name %q: want the login and no spaces", doc.Path)
	}
	b, _ := os.ReadFile(doc.Path)
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatal("the document is not a PDF")
	}
	p, _ := h.f.Svc.Patient(ids[0])
	if !p.MustChange || p.ResetAt.IsZero() {
		t.Fatalf("patient after reset: must change %v, reset at %v", p.MustChange, p.ResetAt)
	}
	if _, err := h.f.Svc.PatientLogin("mlopez1961", pw); err != nil {
		t.Fatalf("the printed password does not log in: %v", err)
	}
	ms, _ := h.f.Svc.Outbox(accounts.OutboxQuery{To: "maria.lopez@mailbox.example", Limit: 1})
	if len(ms) != 1 {
		t.Fatal("no email with the new credentials went to the contact email on file")
	}
	h.key("esc")
	if h.flow() != "" || strings.Contains(h.view(), pw) {
		t.Fatalf("esc did not close the document:\n%s", h.view())
	}
	if !strings.Contains(h.view(), "MUST CHANGE") {
		t.Fatalf("the detail does not show the forced change:\n%s", h.view())
	}
}

// R18, R28: a designated password follows the same rules: `password` is
// refused naming R18 and nothing changes; a good one is printed as typed,
// and a patient with no contact email on file gets no email (emailed: no).
func TestPortalResetDesignated(t *testing.T) {
	h, ids := pwHarness(t, 120, 40, common.PanePatients)
	h.key("end") // Lena Park: no contact email on file
	before := outboxLen(t, h.f.Svc)
	portalReset(t, h, "password")
	h.yesWait()
	if h.m.Dialog() != "alert" || !strings.Contains(h.view(), "R18") {
		t.Fatalf("`password` was not refused naming R18:\n%s", h.view())
	}
	if strings.Contains(h.m.Flash(), "password: password") {
		t.Fatalf("the refusal shows the password: %q", h.m.Flash())
	}
	if p, _ := h.f.Svc.Patient(ids[4]); !p.ResetAt.IsZero() || p.Password.Hash != "" {
		t.Fatal("a refused reset changed the patient")
	}
	h.key("esc")

	// Two different typings stay in the form.
	h.key("P")
	h.key("down")
	h.key("enter")
	h.paste("Quiet-Harbor-Lantern-2048")
	h.key("enter")
	h.paste("Quiet-Harbor-Lantern-2049")
	h.key("enter")
	if h.flow() != "portal form" || !strings.Contains(h.view(), "the two passwords differ") {
		t.Fatalf("different typings went through:\n%s", h.view())
	}
	if strings.Contains(h.view(), "Quiet-Harbor") {
		t.Fatalf("the form echoes the password:\n%s", h.view())
	}
	h.key("esc")

	portalReset(t, h, "Quiet-Harbor-Lantern-2048")
	if strings.Contains(h.view(), "Quiet-Harbor") {
		t.Fatalf("the confirm shows the password:\n%s", h.view())
	}
	h.yesWait()
	if h.flow() != "preview" {
		t.Fatalf("after yes: %q (flash %q)", h.flow(), h.m.Flash())
	}
	v := h.view()
	for _, want := range []string{"Lena Park", "lpark2001", "Quiet-Harbor-Lantern-2048", "No email was sent"} {
		if !strings.Contains(v, want) {
			t.Fatalf("preview lacks %q:\n%s", want, v)
		}
	}
	if n := outboxLen(t, h.f.Svc); n != before {
		t.Fatalf("an email went out for a patient with no contact email (%d -> %d)", before, n)
	}
	if _, err := h.f.Svc.PatientLogin("lpark2001", "Quiet-Harbor-Lantern-2048"); err != nil {
		t.Fatalf("the designated password does not log in: %v", err)
	}
}

// R28: a credentials document is never overwritten: a second document in
// the same second gets its own name; both are 0600.
func TestCredentialsNeverOverwritten(t *testing.T) {
	h, _ := pwHarness(t, 120, 40, common.PanePatients)
	var paths []string
	for range 2 {
		portalReset(t, h, "")
		h.yesWait()
		if h.m.Dialog() != "document" {
			t.Fatalf("no document: flash %q", h.m.Flash())
		}
		paths = append(paths, h.m.Top().(*dialog.Document).Path)
		h.key("esc")
	}
	if paths[0] == paths[1] {
		t.Fatalf("the second document took the first one's name %s", paths[0])
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", p, err, st)
		}
	}
	if st, err := os.Stat(h.m.Common().DocsDir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("documents directory: %v %v", err, st)
	}
}

// R28: cancelling the form or answering No changes nothing.
func TestPortalResetCancel(t *testing.T) {
	h, ids := pwHarness(t, 100, 30, common.PanePatients)
	h.key("P")
	h.key("esc")
	if h.flow() != "" || !strings.Contains(h.m.Flash(), "nothing was changed") {
		t.Fatalf("esc in the form: %q %q", h.flow(), h.m.Flash())
	}
	portalReset(t, h, "")
	h.key("n")
	if p, _ := h.f.Svc.Patient(ids[0]); !p.ResetAt.IsZero() {
		t.Fatal("No reset the password")
	}
}

// flow names what the password flows have open: "user form", "portal
// form", "confirm", "preview" (the credentials document) or "".
func (h *harness) flow() string {
	switch h.m.Dialog() {
	case "form":
		if h.m.Form().ID() == "form:"+string(accounts.ActionPortalReset) {
			return "portal form"
		}
		return "user form"
	case "confirm":
		return "confirm"
	case "document":
		return "preview"
	}
	return ""
}
