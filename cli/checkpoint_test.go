package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// R29: `audit checkpoint --out FILE` signs the head, owner-only, and
// `check --checkpoint FILE` proves the trail extends it; a damaged
// checkpoint fails the check.
func TestAuditCheckpointAndCheck(t *testing.T) {
	d := newDesk(t)
	cp := filepath.Join(t.TempDir(), "audit.checkpoint")
	r := mustRun(t, "audit", "checkpoint", "--db", d.path, "--out", cp)
	if !strings.Contains(r.out, "signed with key") {
		t.Fatalf("checkpoint: %s", r.out)
	}
	if fi, err := os.Stat(cp); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("checkpoint file: %v %v", fi, err)
	}
	r = mustRun(t, "check", "--db", d.path, "--checkpoint", cp)
	if !strings.Contains(r.out, "extends the checkpoint") {
		t.Fatalf("check: %s", r.out)
	}
	b, _ := os.ReadFile(cp)
	bad := filepath.Join(t.TempDir(), "bad.checkpoint")
	_ = os.WriteFile(bad, []byte(strings.Replace(string(b), `"seq": `, `"seq": 1`, 1)), 0o600)
	if r := run(t, "check", "--db", d.path, "--checkpoint", bad); r.code != ExitFailure || !strings.Contains(r.err, "checkpoint") {
		t.Fatalf("R29: a damaged checkpoint passed: exit %d %s", r.code, r.err)
	}
}
