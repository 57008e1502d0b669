package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// pdfText is the text of a PDF file: pdftotext where installed, else a
// pure-Go reader; white space dropped, as readers split lines differently.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	var text string
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		text = string(out)
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s does not parse as a PDF: %v", path, err)
		}
		rd, err := r.GetPlainText()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rd)
		if err != nil {
			t.Fatal(err)
		}
		text = string(raw)
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
}

// firstPatient is the first portal account of the demo.
func firstPatient(t *testing.T, db string) patientJSON {
	t.Helper()
	var ps []patientJSON
	decodeJSON(t, mustRun(t, "patients", "list", "--db", db, "--limit", "1", "--json"), &ps)
	if len(ps) == 0 {
		t.Fatal("the demo has no patients")
	}
	return ps[0]
}

// R28: an operator's portal reset writes a PDF (0600) holding the practice,
// patient, login and temporary password, says whether an email went out,
// and the patient must change the password at the next login (R27 clears it).
func TestPatientResetWritesPDFAndForcesChange(t *testing.T) {
	db, _ := newDemo(t)
	p := firstPatient(t, db)
	out := filepath.Join(t.TempDir(), "creds.pdf")
	var res portalResetJSON
	decodeJSON(t, mustRun(t, "patients", "reset-password", p.Login, "--db", db, "--operator", "dana", "--out", out,
		"--reason", "forgot portal password", "--verified-by", "date of birth and address", "--json"), &res)
	if !res.OK || !res.Generated || res.TemporaryPassword == "" || res.PDF != out || !res.MustChange || res.Login != p.Login {
		t.Fatalf("reset: %+v", res)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the PDF is mode %v, want 0600", fi.Mode().Perm())
	}
	text := pdfText(t, out)
	for _, want := range []string{res.TemporaryPassword, p.Login, p.Name, p.Practice, "dana"} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the PDF does not hold %q:\n%s", want, text)
		}
	}
	if p.ContactEmail != "" {
		if res.EmailedTo != p.ContactEmail || !strings.Contains(text, p.ContactEmail) {
			t.Errorf("emailed to %q, PDF text %s; contact %s", res.EmailedTo, text, p.ContactEmail)
		}
		if m := lastMessage(t, db, p.ContactEmail); m.ID != res.MessageID || !strings.Contains(m.Body, res.TemporaryPassword) {
			t.Errorf("outbox: %+v", m)
		}
	}
	var shown patientJSON
	decodeJSON(t, mustRun(t, "patients", "show", p.Login, "--db", db, "--json"), &shown)
	if !shown.MustChange || !shown.HasPassword || shown.ResetAt == nil {
		t.Errorf("patients show after the reset: %+v", shown)
	}

	// The patient logs in with it and is told to change it first (R28).
	r := mustRun(t, "act", "patient-login", p.Login, "--password", res.TemporaryPassword, "--db", db)
	if !strings.Contains(r.out, "must change your password") {
		t.Errorf("patient login: %s", r.out)
	}
	// R27: new twice and current; the R18 rules apply.
	refusal(t, "R18", "act", "patient-change-password", p.Login, "--current", res.TemporaryPassword, "--new", "password", "--db", db)
	mustRun(t, "act", "patient-change-password", p.Login, "--current", res.TemporaryPassword, "--new", "my own portal passphrase", "--db", db)
	var login struct {
		MustChange bool   `json:"must_change"`
		Outcome    string `json:"outcome"`
	}
	decodeJSON(t, mustRun(t, "act", "patient-login", p.Login, "--password", "my own portal passphrase", "--db", db, "--json"), &login)
	if login.MustChange || login.Outcome != "ok" {
		t.Errorf("login after the change: %+v", login)
	}
	if r := run(t, "act", "patient-login", p.Login, "--password", res.TemporaryPassword, "--db", db); r.code != ExitFailure {
		t.Errorf("the temporary password still works: exit %d", r.code)
	}
}

// R28: a designated password follows R18; without --out the document goes
// to the current directory, named after the login; the human output shows
// the password, the path, the email and the forced change.
func TestPatientResetDesignatedAndDefaultPath(t *testing.T) {
	db, _ := newDemo(t)
	p := firstPatient(t, db)
	dir := t.TempDir()
	t.Chdir(dir)
	base := []string{"patients", "reset-password", p.Login, "--db", db, "--operator", "dana", "--reason", "asked", "--verified-by", "photo ID"}
	refusal(t, "R18", append(base, "--password", "password")...)
	if r := run(t, append(base, "--password", "a designated passphrase", "--generate")...); r.code != ExitUsage {
		t.Errorf("--password with --generate: exit %d", r.code)
	}
	r := mustRun(t, append(base, "--password", "a designated passphrase")...)
	files, _ := filepath.Glob(filepath.Join(dir, "credentials-"+p.Login+"-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("want one document in the current directory, got %v", files)
	}
	for _, want := range []string{"a designated passphrase", files[0], "first login (R28)"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	if !strings.Contains(pdfText(t, files[0]), "adesignatedpassphrase") {
		t.Errorf("the PDF lacks the designated password")
	}
	// A second reset in the same second does not overwrite the first document.
	mustRun(t, base...)
	if files, _ := filepath.Glob(filepath.Join(dir, "*.pdf")); len(files) != 2 {
		t.Errorf("want two documents, got %v", files)
	}
	// A document that cannot be written stops the reset before it happens.
	if r := run(t, append(base, "--out", filepath.Join(dir, "no", "such", "dir.pdf"))...); r.code != ExitFailure ||
		!strings.Contains(r.err, "does not exist") {
		t.Errorf("bad --out: exit %d %s", r.code, r.err)
	}
}

// Patients list filters by practice and search; show finds by number or login.
func TestPatientsListAndShow(t *testing.T) {
	db, _ := newDemo(t)
	var all []patientJSON
	decodeJSON(t, mustRun(t, "patients", "list", "--db", db, "--json"), &all)
	if len(all) < 3 {
		t.Fatalf("want patients in the demo, got %d", len(all))
	}
	var one []patientJSON
	decodeJSON(t, mustRun(t, "patients", "list", "--db", db, "--practice", uitoa(all[len(all)-1].PracticeID), "--json"), &one)
	for _, p := range one {
		if p.PracticeID != all[len(all)-1].PracticeID {
			t.Errorf("--practice listed %+v", p)
		}
	}
	var found []patientJSON
	decodeJSON(t, mustRun(t, "patients", "list", "--db", db, "--search", all[0].Login, "--json"), &found)
	if len(found) == 0 || found[0].Login != all[0].Login {
		t.Errorf("--search %s: %+v", all[0].Login, found)
	}
	var byID, byLogin patientJSON
	decodeJSON(t, mustRun(t, "patients", "show", uitoa(all[0].ID), "--db", db, "--json"), &byID)
	decodeJSON(t, mustRun(t, "patients", "show", all[0].Login, "--db", db, "--json"), &byLogin)
	if byID.Login != all[0].Login || byLogin.ID != all[0].ID {
		t.Errorf("show: %+v / %+v", byID, byLogin)
	}
	if r := mustRun(t, "patients", "list", "--db", db); !strings.Contains(r.out, "PORTAL PASSWORD") {
		t.Errorf("table: %s", r.out)
	}
	if r := run(t, "patients", "show", "nobody", "--db", db); r.code != ExitFailure {
		t.Errorf("unknown patient: exit %d", r.code)
	}
}
