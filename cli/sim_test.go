package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latchkey/accounts"
)

// R40: the headless simulator runs on a demo database, acts, finds no
// violation, and leaves a file whose check passes.
func TestSimHeadless(t *testing.T) {
	d := newDemoDB(t)
	var sum simSummaryJSON
	// A count of actions, not a wall-clock duration: a loaded CI machine
	// (or PostgreSQL over the network) still gets the whole run.
	d.json(&sum, "sim", "--steps", "150", "--duration", "0", "--rate", "0", "--seed", "4")
	if sum.Total == 0 || len(sum.Violations) != 0 || sum.Actions["login"] == 0 {
		t.Fatalf("summary %+v", sum)
	}
	d.must("check")
}

// R40: a database that is not a demo refuses the simulator.
func TestSimRefusedOnNonDemo(t *testing.T) {
	desk := newDesk(t)
	r := run(t, "sim", "--db", desk.path, "--duration", "100ms", "--json")
	if r.code != ExitRefused {
		t.Fatalf("exit %d: %s %s", r.code, r.out, r.err)
	}
}

func TestSimBadFlags(t *testing.T) {
	d := newDemoDB(t)
	if r := d.run("sim", "--rate", "-1"); r.code != ExitUsage {
		t.Fatalf("exit %d", r.code)
	}
}

// R36: while another process holds the file, `latchkey backup` asks it for
// the copy, which is consistent and checks clean.
func TestBackupWhileHeld(t *testing.T) {
	skipOnPostgres(t)
	d := newDemoDB(t)
	svc, err := accounts.Open(d.path, clock, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	stop, err := (&app{}).listenLocal(svc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); _ = svc.Close() }()
	if fi, err := os.Stat(deskSocket(d.path)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	r := d.must("backup", out)
	if !strings.Contains(r.out, "written by the running latchkey") {
		t.Fatalf("output %q", r.out)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode())
	}
	mustRun(t, "check", "--db", out)
	// An existing output file is refused, not overwritten.
	if r := d.run("backup", out); r.code == ExitOK {
		t.Fatal("backup overwrote a file")
	}
}
