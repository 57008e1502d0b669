package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/store/storetest"
)

// R44: `latchkey copy` moves a whole desk from a bbolt file to PostgreSQL
// and back, with its audit chain; the copy checks; a target holding data is
// refused unless --replace; a failed copy leaves no file behind.
func TestCopyBetweenEngines(t *testing.T) {
	src, _ := newDemo(t)
	if storetest.OnPostgres() {
		// The suite's demo is already on PostgreSQL: start from a file.
		file := filepath.Join(t.TempDir(), "from.db")
		mustRun(t, "copy", "--from", src, "--to", file)
		src = file
	}
	pg := storetest.PostgresURL(t)
	back := filepath.Join(t.TempDir(), "back.db")

	var res struct {
		Records int    `json:"records"`
		Events  uint64 `json:"events"`
	}
	decodeJSON(t, mustRun(t, "copy", "--from", src, "--to", pg, "--json"), &res)
	if res.Records == 0 || res.Events == 0 {
		t.Fatalf("copied %+v", res)
	}
	mustRun(t, "check", "--db", pg)
	if r := run(t, "copy", "--from", src, "--to", pg); r.code == ExitOK || !strings.Contains(r.err, "--replace") {
		t.Fatalf("a second copy onto data: exit %d %s", r.code, r.err)
	}
	mustRun(t, "copy", "--from", src, "--to", pg, "--replace")
	t.Setenv("LATCHKEY_DB", pg) // names the database when --db does not
	if r := mustRun(t, "check"); !strings.Contains(r.out, "tables checked") {
		t.Fatalf("check through LATCHKEY_DB: %s", r.out)
	}
	t.Setenv("LATCHKEY_DB", "")
	mustRun(t, "copy", "--from", pg, "--to", back)
	mustRun(t, "check", "--db", back)
	want := mustRun(t, "audit", "list", "--limit", "100000", "--db", src, "--json").out
	if got := mustRun(t, "audit", "list", "--limit", "100000", "--db", back, "--json").out; got != want {
		t.Fatal("the audit trail differs after a round trip through PostgreSQL")
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	out := filepath.Join(t.TempDir(), "never.db")
	if r := run(t, "copy", "--from", missing, "--to", out); r.code == ExitOK {
		t.Fatal("copied a database that does not exist")
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a failed copy left a file behind")
	}
	if r := run(t, "copy", "--from", "mysql://x/y", "--to", out); r.code == ExitOK || !strings.Contains(r.err, "postgres://") {
		t.Fatalf("a foreign URL: exit %d %s", r.code, r.err)
	}
	r := run(t, "lockouts", "--db", "mysql://desk:hunter2@db.example/desk")
	if r.code == ExitOK || !strings.Contains(r.err, "neither a file path nor a postgres:// URL") || strings.Contains(r.out+r.err, "hunter2") {
		t.Fatalf("--db mysql://: exit %d %s", r.code, r.err)
	}
}
