package actions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"latchkey/printout"
)

// Credentials documents (R28) are written as PDFs, readable by the operator
// only, under a name that never overwrites another.

// credentialsDir is where credentials documents go: dir if set, else
// $XDG_DATA_HOME/latchkey/credentials, else
// ~/.local/share/latchkey/credentials; created readable by its owner only.
func credentialsDir(dir string) (string, error) {
	if dir == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("no directory for credentials documents: %w", err)
			}
			base = filepath.Join(home, ".local", "share")
		}
		dir = filepath.Join(base, "latchkey", "credentials")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// writeCredentials writes the document to a new file named for the practice,
// the patient's login and the time (no spaces), 0600; a name already taken
// gets a counter, never an overwrite.
func writeCredentials(dir string, c printout.Credentials) (string, error) {
	dir, err := credentialsDir(dir)
	if err != nil {
		return "", err
	}
	stem := slug(c.Practice) + "_" + slug(c.Login) + "_" + c.IssuedAt.UTC().Format("20060102-150405")
	for i := 1; i < 100; i++ {
		name := stem + ".pdf"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.pdf", stem, i)
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		if err := printout.WritePDFFile(path, c); err != nil {
			return "", err
		}
		return path, nil
	}
	return "", errors.New("too many credentials documents with the name " + stem)
}

// homeTilde shortens a path under the home directory to ~/…, as drawn.
func homeTilde(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return "~" + string(filepath.Separator) + rel
	}
	return path
}

// slug keeps letters, digits, dots and dashes of s (lower case); every other
// run of characters becomes one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		return "x"
	}
	return out[:min(len(out), 40)]
}
