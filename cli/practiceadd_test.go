package cli

import (
	"path/filepath"
	"testing"
)

// R1, R2, R3: a desk that starts empty onboards a practice, its owner, then
// the people the owner asks for.
func TestOnboardPractice(t *testing.T) {
	fakeEnv(t)
	d := db{t: t, path: filepath.Join(t.TempDir(), "new.db")}
	var p practiceJSON
	d.json(&p, "practices", "add", "Riverside Family Medicine", "--licenses", "2")
	if p.Purchased != 2 || p.InUse != 0 {
		t.Fatalf("practice %+v", p)
	}
	d.refused("R2", "users", "add", "--practice", "Riverside Family Medicine", "--name", "Sam Staff",
		"--email", "sam@riverside.example", "--email-confirm", "sam@riverside.example", "--kind", "staff")
	d.must("users", "add", "--practice", "Riverside Family Medicine", "--name", "Ana Ruiz",
		"--email", "ana@riverside.example", "--email-confirm", "ana@riverside.example", "--kind", "provider",
		"--roles", "owner,admin")
	d.must("users", "add", "--practice", "Riverside Family Medicine", "--name", "Sam Staff",
		"--email", "sam@riverside.example", "--email-confirm", "sam@riverside.example", "--kind", "staff",
		"--requested-by", "ana@riverside.example")
	d.refused("R1", "users", "add", "--practice", "Riverside Family Medicine", "--name", "Third Person",
		"--email", "third@riverside.example", "--email-confirm", "third@riverside.example", "--kind", "staff",
		"--requested-by", "ana@riverside.example")
	if r := d.run("practices", "add", "X", "--licenses", "-1"); r.code != ExitUsage {
		t.Fatalf("negative licenses: exit %d", r.code)
	}
}
