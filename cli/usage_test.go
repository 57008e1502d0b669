package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Bad arguments give a usage error (exit 64) with the command's usage, never
// a stack trace; a command's own failure never prints usage.
func TestUsageErrors(t *testing.T) {
	d := newDesk(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"users", "frobnicate"},
		{"users", "show"},
		{"users", "show", "a", "b"},
		{"users", "unlock", "x"},
		{"users", "list", "--status", "sleeping"},
		{"lockouts", "--bogus"},
		{"lockouts", "extra"},
		{"audit", "list", "--limit", "many"},
		{"backup"},
		{"clock", "advance"},
		{"act", "login", "x"},
	} {
		r := run(t, append(args, "--db", d.path)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, r.code, ExitUsage, r.err)
		}
		if !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, "--help") && !strings.Contains(r.err, "Usage:") {
			t.Errorf("%v: stderr lacks the error and usage:\n%s", args, r.err)
		}
	}
	// A runtime failure is not a usage error: no usage text.
	r := run(t, "users", "show", "nobody@nowhere.test", "--db", d.path)
	if strings.Contains(r.err, "Usage:") {
		t.Errorf("runtime error printed usage:\n%s", r.err)
	}
}

// --help works on every command and exits 0.
func TestHelpEverywhere(t *testing.T) {
	var walk func(c *cobra.Command)
	var paths [][]string
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(New(IO{}).cmd)
	if len(paths) < 15 {
		t.Fatalf("only %d commands found", len(paths))
	}
	for _, p := range paths {
		r := run(t, append(p, "--help")...)
		if r.code != ExitOK || !strings.Contains(r.out, "Usage:") {
			t.Errorf("%v --help: exit %d\n%s%s", p, r.code, r.out, r.err)
		}
	}
}
