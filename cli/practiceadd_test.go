package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"latchkey/accounts"
)

// R1, R2, R3, R4, R41: a desk that starts empty onboards a practice, its
// owner, then the people the owner asks for once the owner has finished
// setup (through the desk at her proven request, or as its admin herself).
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
	withService := func(do func(svc *accounts.Service, ana accounts.User)) {
		svc, err := accounts.Open(d.path, clk, newConfig())
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Close()
		ana, err := svc.UserByLogin("ana@riverside.example")
		if err != nil {
			t.Fatal(err)
		}
		do(svc, ana)
	}
	withService(func(svc *accounts.Service, ana accounts.User) { finishSetup(t, svc, ana) })
	// Through the desk her word is proven, not typed (R3, R41): a code read
	// back, which a desk that is not a demo never shows the test. As the
	// practice's admin she adds her staff herself.
	sam := []string{"users", "add", "--practice", "Riverside Family Medicine", "--name", "Sam Staff",
		"--email", "sam@riverside.example", "--email-confirm", "sam@riverside.example", "--kind", "staff",
		"--requested-by", "ana@riverside.example"}
	if e := d.refused("R3", sam...); !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start ana@riverside.example") {
		t.Errorf("a typed request: %+v", e)
	}
	withService(func(svc *accounts.Service, ana accounts.User) {
		asAna := accounts.Actor{Kind: accounts.ActorAdmin, Name: ana.Email, UserID: ana.ID}
		if _, _, err := svc.AddUser(asAna, accounts.NewUser{PracticeID: ana.PracticeID, Name: "Sam Staff", Kind: accounts.KindStaff,
			Email: "sam@riverside.example", EmailConfirm: "sam@riverside.example"}, accounts.Request{Reason: "new hire"}); err != nil {
			t.Fatal(err)
		}
		_, _, err := svc.AddUser(asAna, accounts.NewUser{PracticeID: ana.PracticeID, Name: "Third Person", Kind: accounts.KindStaff,
			Email: "third@riverside.example", EmailConfirm: "third@riverside.example"}, accounts.Request{Reason: "new hire"})
		if accounts.RuleOf(err) != "R1" {
			t.Fatalf("a third user of two licenses: %v", err)
		}
	})
	if r := d.run("practices", "add", "X", "--licenses", "-1"); r.code != ExitUsage {
		t.Fatalf("negative licenses: exit %d", r.code)
	}
}
