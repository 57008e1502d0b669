package actions

import (
	"path/filepath"
	"testing"
)

// R38: a credentials directory from XDG_DATA_HOME, names without spaces.
func TestCredentialsPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	got, err := credentialsDir("")
	if err != nil || got != filepath.Join(dir, "latchkey", "credentials") {
		t.Fatalf("credentialsDir = %q, %v", got, err)
	}
	for in, want := range map[string]string{
		"Maple Family Clinic": "maple-family-clinic", "Oakwood Women's Health": "oakwood-women-s-health",
		"../../etc": "etc", "\x1b[31m": "31m", "": "x",
	} {
		if s := slug(in); s != want {
			t.Errorf("slug(%q) = %q, want %q", in, s, want)
		}
	}
}
