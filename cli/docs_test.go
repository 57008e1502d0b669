package cli

import (
	"strings"
	"testing"
)

// --version, completion for the three shells and the man page come from the
// command tree; an unknown shell is a usage error.
func TestVersionCompletionMan(t *testing.T) {
	fakeEnv(t)
	if r := mustRun(t, "--version"); !strings.HasPrefix(r.out, "latchkey ") {
		t.Fatalf("--version: %q", r.out)
	}
	for shell, want := range map[string]string{"bash": "__latchkey", "zsh": "#compdef latchkey", "fish": "complete -c latchkey"} {
		if r := mustRun(t, "completion", shell); !strings.Contains(r.out, want) {
			t.Fatalf("completion %s lacks %q", shell, want)
		}
	}
	if r := run(t, "completion", "tcsh"); r.code != 64 {
		t.Fatalf("completion tcsh: exit %d, want 64", r.code)
	}
	r := mustRun(t, "man")
	for _, want := range []string{`.TH "LATCHKEY" "1"`, "lockouts", "users"} {
		if !strings.Contains(r.out, want) {
			t.Fatalf("man page lacks %q", want)
		}
	}
}
