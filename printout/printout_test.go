package printout

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

func sample() Credentials {
	return Credentials{
		Practice:          "Brightwater Allergy & Asthma Clinic",
		Patient:           "Maria José Hernández-O'Brien",
		Login:             "mhernandez42",
		TemporaryPassword: "hx7kqmrw4tnp9fzc",
		EmailedTo:         "maria.hernandez@example.com",
		IssuedBy:          "dana (operator)",
		IssuedAt:          time.Date(2026, 3, 4, 14, 5, 0, 0, time.FixedZone("MST", -7*3600)),
		MustChange:        true,
	}
}

// squash drops all white space, so text a PDF reader split or joined differently
// still compares.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// wantFields lists what the document must say about c (R28).
func wantFields(c Credentials) map[string]string {
	w := map[string]string{
		"practice":           c.Practice,
		"patient":            c.Patient,
		"login":              c.Login,
		"temporary password": c.TemporaryPassword,
		"issued at":          "Wed 4 Mar 2026, 14:05 MST",
		"issued by":          c.IssuedBy,
	}
	if c.EmailedTo != "" {
		w["emailed to"] = "sent to the contact email on file: " + c.EmailedTo
	} else {
		w["no email"] = "No email was sent"
	}
	if c.MustChange {
		w["must change"] = "choose a new password at the first sign-in"
	}
	return w
}

func checkText(t *testing.T, reader, text string, c Credentials) {
	t.Helper()
	got := squash(text)
	for name, want := range wantFields(c) {
		if !strings.Contains(got, squash(want)) {
			t.Errorf("R28: %s: the PDF text has no %s %q:\n%s", reader, name, want, text)
		}
	}
}

// goText reads the PDF's text with a pure-Go reader.
func goText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not parse: %v", err)
	}
	if n := r.NumPage(); n != 1 {
		t.Errorf("the document has %d pages, want 1", n)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// R28: the PDF holds every field, read back by pdftotext (where installed) and by a Go reader.
func TestWritePDFHoldsEveryField(t *testing.T) {
	noEmail := sample()
	noEmail.EmailedTo = ""
	grouped := sample()
	grouped.TemporaryPassword = "K7MP-RW4T-XQ9H"
	long := sample()
	long.TemporaryPassword = strings.Repeat("hx7kqmrw4tnp9fzc", 4) + "ab" // 66 characters
	long.Practice = strings.Repeat("Very Long Practice Name ", 6)
	for name, c := range map[string]Credentials{"emailed": sample(), "no email": noEmail, "hyphens": grouped, "long": long} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WritePDF(&buf, c); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
			}
			checkText(t, "Go reader", goText(t, b), c)

			pdftotext, err := exec.LookPath("pdftotext")
			if err != nil {
				t.Log("pdftotext not installed (apt-get install poppler-utils): checked with the Go reader only")
				return
			}
			path := filepath.Join(t.TempDir(), "c.pdf")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", path, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			checkText(t, "pdftotext", string(out), c)
		})
	}
}

func TestWritePDFFileIs0600AndNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials.pdf")
	if err := WritePDFFile(path, sample()); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode %o, want 600: it holds a password", mode)
	}
	before, _ := os.ReadFile(path)

	other := sample()
	other.TemporaryPassword = "zzzzzzzzzzzz"
	err = WritePDFFile(path, other)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second write: err = %v, want a refusal to overwrite", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the existing file changed")
	}
}

func TestWritePDFFileErrors(t *testing.T) {
	if err := WritePDFFile(filepath.Join(t.TempDir(), "no", "such", "dir.pdf"), sample()); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	bad := sample()
	bad.TemporaryPassword = ""
	if err := WritePDFFile(path, bad); err == nil {
		t.Error("a document without a password was written")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused document left a file behind")
	}
}

func TestRefusesIncompleteOrUnprintable(t *testing.T) {
	for name, mutate := range map[string]func(*Credentials){
		"no practice":   func(c *Credentials) { c.Practice = " " },
		"no patient":    func(c *Credentials) { c.Patient = "" },
		"no login":      func(c *Credentials) { c.Login = "" },
		"no password":   func(c *Credentials) { c.TemporaryPassword = "" },
		"no issuer":     func(c *Credentials) { c.IssuedBy = "" },
		"no time":       func(c *Credentials) { c.IssuedAt = time.Time{} },
		"control char":  func(c *Credentials) { c.TemporaryPassword = "abc\ndefghijk" },
		"missing glyph": func(c *Credentials) { c.TemporaryPassword = "密码密码密码密码" },
	} {
		c := sample()
		mutate(&c)
		if err := WritePDF(io.Discard, c); err == nil {
			t.Errorf("%s: WritePDF succeeded", name)
		}
	}
}

func TestPreviewHoldsEveryFieldAndFits(t *testing.T) {
	noEmail := sample()
	noEmail.EmailedTo = ""
	noEmail.MustChange = false
	for _, c := range []Credentials{sample(), noEmail} {
		for _, width := range []int{20, 36, 44, 60, 80, 120} {
			p := Preview(c, width)
			for _, l := range strings.Split(p, "\n") {
				if w := utf8.RuneCountInString(l); w > width {
					t.Errorf("width %d: line %q is %d wide", width, l, w)
				}
				if strings.ContainsRune(l, '\x1b') {
					t.Errorf("width %d: line %q holds an escape", width, l)
				}
			}
			want := wantFields(c)
			if !c.MustChange {
				want["may keep"] = "may keep this password"
			}
			for name, v := range want {
				if !strings.Contains(squash(p), squash(v)) {
					t.Errorf("width %d: the preview has no %s %q:\n%s", width, name, v, p)
				}
			}
		}
	}
}

func TestPreviewShowsGroupsAndCleansFields(t *testing.T) {
	c := sample()
	c.Patient = "Maria\n\x1b[31mJosé"
	p := Preview(c, 80)
	if !strings.Contains(p, "hx7k  qmrw  4tnp  9fzc") {
		t.Errorf("the password is not grouped:\n%s", p)
	}
	if !strings.Contains(p, "Type them without the gaps") {
		t.Errorf("no note on the gaps:\n%s", p)
	}
	if strings.ContainsRune(p, '\x1b') || !strings.Contains(p, "Maria [31mJosé") {
		t.Errorf("control characters not cleaned:\n%s", p)
	}
}

func TestGroups(t *testing.T) {
	for pw, want := range map[string]string{
		"hx7kqmrw4tnp9fzc": "hx7k|qmrw|4tnp|9fzc",
		"hx7kqm":           "hx7k|qm",
		"abcd":             "abcd",
		"K7MP-RW4T":        "K7MP-RW4T",
		"correct horse":    "correct horse",
	} {
		if got := strings.Join(Groups(pw), "|"); got != want {
			t.Errorf("Groups(%q) = %q, want %q", pw, got, want)
		}
	}
}

func TestWrapNeverExceedsWidth(t *testing.T) {
	for _, s := range []string{"", "a", "averyveryverylongwordwithoutspaces and then some", "x  y   z"} {
		for width := 1; width < 30; width++ {
			for _, l := range wrap(s, width, "  ") {
				if displayWidth(l) > max(width, 3) {
					t.Errorf("wrap(%q, %d) gave %q", s, width, l)
				}
			}
		}
	}
}
