package cli

import (
	"testing"
)

// R40: the headless simulator runs on a demo database, acts, finds no
// violation, and leaves a file whose check passes.
func TestSimHeadless(t *testing.T) {
	d := newDemoDB(t)
	var sum simSummaryJSON
	d.json(&sum, "sim", "--duration", "400ms", "--rate", "0", "--seed", "4")
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
