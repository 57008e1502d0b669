package cli

import (
	"path/filepath"
	"testing"

	"latchkey/accounts"
)

// R1, R2, R3, R4: a desk that starts empty onboards a practice, its owner,
// then the people the owner asks for once the owner has finished setup.
func TestOnboardPractice(t *testing.T) {
	clk := fakeEnv(t)
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
	// Pending, the owner asks for nothing yet (R3, R4).
	d.refused("R3", "users", "add", "--practice", "Riverside Family Medicine", "--name", "Sam Staff",
		"--email", "sam@riverside.example", "--email-confirm", "sam@riverside.example", "--kind", "staff",
		"--requested-by", "ana@riverside.example")
	// Ana uses her setup link (a desk that is not a demo shows operators no
	// link, R30: she reads it in her own mailbox).
	func() {
		svc, err := accounts.Open(d.path, clk, newConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		ana, err := svc.UserByLogin("ana@riverside.example")
		if err != nil {
			t.Fatal(err)
		}
		finishSetup(t, svc, ana)
	}()
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
