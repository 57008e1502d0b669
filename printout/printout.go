// Package printout writes the printable credentials document a patient-portal password
// reset produces (R28): practice, patient, login, temporary password, whether an email
// with the new credentials went to the contact email on file, when, by whom, and that the
// password must be changed at the first sign-in.
//
// The PDF is drawn with github.com/signintech/gopdf in the Go fonts (BSD licence, from
// golang.org/x/image), embedded and subset. The password is printed large in Go Mono
// Bold, whose 0/O, 1/l/I and 5/S are drawn to be told apart, in groups of four.
// Preview renders the same document as plain text for the console.
package printout

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"latchkey/internal/atomicfile"
)

// Credentials is what the document says.
type Credentials struct {
	Practice          string
	Patient           string
	Login             string
	TemporaryPassword string
	EmailedTo         string // the contact email the credentials went to; "" when no email went out
	IssuedBy          string // the operator or practice admin who reset the password
	IssuedAt          time.Time
	MustChange        bool // the patient must change the password at the first sign-in
}

const (
	title    = "Patient portal sign-in"
	subtitle = "Temporary credentials"
	groupLen = 4
)

// validate refuses a document that would be useless or misleading.
func (c Credentials) validate() error {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"practice", c.Practice}, {"patient", c.Patient}, {"login", c.Login},
		{"temporary password", c.TemporaryPassword}, {"issued by", c.IssuedBy},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if c.IssuedAt.IsZero() {
		missing = append(missing, "issued at")
	}
	if len(missing) > 0 {
		return fmt.Errorf("printout: the credentials document needs %s", strings.Join(missing, ", "))
	}
	if !utf8.ValidString(c.TemporaryPassword) {
		return errors.New("printout: the temporary password is not valid UTF-8")
	}
	for _, r := range c.TemporaryPassword {
		if unicode.IsControl(r) {
			return errors.New("printout: the temporary password holds a control character and cannot be printed")
		}
	}
	return nil
}

// clean makes a field safe to print on one line: control characters (newlines, escapes)
// become spaces and runs of spaces collapse.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Groups splits a password into groups of four characters for reading and typing. A
// password that already holds spaces or hyphens is left as it is (one group), since
// added gaps would blur which spaces belong to it.
func Groups(password string) []string {
	if strings.ContainsAny(password, " -") {
		return []string{password}
	}
	r := []rune(password)
	var g []string
	for len(r) > groupLen {
		g = append(g, string(r[:groupLen]))
		r = r[groupLen:]
	}
	return append(g, string(r))
}

// passwordNote tells the reader how to type what the grouped password shows.
func passwordNote(password string) string {
	n := utf8.RuneCountInString(password)
	spaces := strings.Count(password, " ")
	switch {
	case spaces == 1:
		return fmt.Sprintf("%d characters, including 1 space.", n)
	case spaces > 1:
		return fmt.Sprintf("%d characters, including %d spaces.", n, spaces)
	case len(Groups(password)) > 1:
		return fmt.Sprintf("%d characters. Type them without the gaps.", n)
	default:
		return fmt.Sprintf("%d characters.", n)
	}
}

func issuedLine(c Credentials) string {
	return fmt.Sprintf("%s by %s", c.IssuedAt.Format("Mon 2 Jan 2006, 15:04 MST"), clean(c.IssuedBy))
}

func emailLine(c Credentials) string {
	if to := clean(c.EmailedTo); to != "" {
		return "An email with these credentials was sent to the contact email on file: " + to + "."
	}
	return "No email was sent: there is no contact email on file, or none was chosen. Give this sheet to the patient in person."
}

func changeLine(c Credentials) string {
	if c.MustChange {
		return "This password is temporary. The portal will ask the patient to choose a new password at the first sign-in."
	}
	return "The patient may keep this password, and can change it at any time after signing in."
}

const keepPrivate = "Keep this sheet private. Shred it once the patient has signed in."

// WritePDF writes the credentials document as a one-page PDF to w.
func WritePDF(w io.Writer, c Credentials) error {
	b, err := render(c)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WritePDFFile writes the credentials document to a new file at path, readable and
// writable by its owner only (0600: it holds a password). It refuses to overwrite an
// existing file. The document is rendered first and written whole or not at all
// (R28, R36): to a temporary file in the same directory, synced, then linked under
// path, so a failure never leaves a truncated document under its name.
func WritePDFFile(path string, c Credentials) error {
	b, err := render(c)
	if err != nil {
		return err
	}
	err = atomicfile.WriteNew(path, func(tmp string) error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, werr := f.Write(b)
		return errors.Join(werr, f.Close())
	})
	if err != nil {
		return fmt.Errorf("printout: %w", err)
	}
	return nil
}

// Preview renders the document as plain text, no line wider than width columns (at
// least 20), for the console to show and style. It holds no escape codes.
func Preview(c Credentials, width int) string {
	width = max(width, 20)
	var b strings.Builder
	line := func(s string) {
		for _, l := range wrap(s, width, "") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	field := func(label, value string) {
		const labelW = 10
		if width < 40 {
			line(label)
			for _, l := range wrap(value, width-2, "") {
				b.WriteString("  " + l)
				b.WriteByte('\n')
			}
			return
		}
		pad := label + strings.Repeat(" ", labelW-len(label))
		for _, l := range wrap(pad+value, width, strings.Repeat(" ", labelW)) {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	line(title + " · " + subtitle)
	b.WriteByte('\n')
	field("Practice", clean(c.Practice))
	field("Patient", clean(c.Patient))
	field("Login", clean(c.Login))
	b.WriteByte('\n')
	line("Temporary password")
	for _, l := range wrapGroups(Groups(c.TemporaryPassword), width-2) {
		b.WriteString("  " + l + "\n")
	}
	for _, l := range wrap(passwordNote(c.TemporaryPassword), width-2, "") {
		b.WriteString("  " + l + "\n")
	}
	b.WriteByte('\n')
	line(changeLine(c))
	line(emailLine(c))
	b.WriteByte('\n')
	field("Issued", issuedLine(c))
	line(keepPrivate)
	return strings.TrimRight(b.String(), "\n")
}

// wrapGroups lays password groups out in lines of at most width columns, two spaces
// between groups; a group too long for a line is cut.
func wrapGroups(groups []string, width int) []string {
	var lines []string
	cur := ""
	for _, g := range groups {
		for _, piece := range cut(g, width) {
			switch {
			case cur == "":
				cur = piece
			case displayWidth(cur)+2+displayWidth(piece) <= width:
				cur += "  " + piece
			default:
				lines = append(lines, cur)
				cur = piece
			}
		}
	}
	return append(lines, cur)
}

// wrap breaks s at spaces into lines of at most width columns; lines after the first
// start with indent. A word longer than a line is cut.
func wrap(s string, width int, indent string) []string {
	var lines []string
	prefix, cur := "", "" // the first line carries its own indentation, if any
	room := func() int { return max(width-displayWidth(prefix), 1) }
	flush := func() {
		lines = append(lines, prefix+strings.TrimRight(cur, " "))
		prefix, cur = indent, ""
	}
	for _, w := range strings.Split(s, " ") {
		switch {
		case w == "" && cur != "":
			cur += " " // keep runs of spaces inside a line, as the text has them
			continue
		case cur == "" && displayWidth(w) <= room():
			cur = w
			continue
		case cur != "" && displayWidth(cur)+1+displayWidth(w) <= room():
			cur += " " + w
			continue
		}
		if cur != "" {
			flush()
		}
		for displayWidth(w) > room() {
			pieces := cut(w, room())
			cur = pieces[0]
			flush()
			w = strings.TrimPrefix(w, pieces[0])
		}
		cur = w
	}
	return append(lines, prefix+strings.TrimRight(cur, " "))
}

// cut splits s into pieces of at most width columns.
func cut(s string, width int) []string {
	width = max(width, 1)
	var pieces []string
	cur := ""
	for _, r := range s {
		if cur != "" && displayWidth(cur)+runeWidth(r) > width {
			pieces = append(pieces, cur)
			cur = ""
		}
		cur += string(r)
	}
	return append(pieces, cur)
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the columns a rune takes in a terminal: two for East Asian wide and
// fullwidth characters, none for combining marks, one otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		return 0
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hangul, r), unicode.Is(unicode.Hiragana, r),
		unicode.Is(unicode.Katakana, r), r >= 0xFF01 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1FAFF:
		return 2
	}
	return 1
}
