package cli

import (
	"strings"
	"testing"
)

// R19, R41: through the desk, a new user with the admin (or owner) role is
// added only at an owner's request proven by a passed caller check of that
// owner (--verification), never on a name typed; the check is recorded with
// the addition. A champion still has staff added.
func TestPrivilegedUserAddedWithTheOwnersCheck(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, champion := firstPractice(d)
	add := func(email string, extra ...string) []string {
		return append([]string{"users", "add", "--practice", ref, "--name", "Mallory Newadmin", "--email", email,
			"--email-confirm", email, "--kind", "staff", "--reason", "office manager"}, extra...)
	}
	e := d.refused("R19", add("mallory@evil.example", "--roles", "admin", "--requested-by", champion)...)
	if !strings.Contains(e.Error, "owner") {
		t.Errorf("a champion's admin: %+v", e)
	}
	e = d.refused("R19", add("mallory@evil.example", "--roles", "admin", "--requested-by", owner)...)
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start") {
		t.Errorf("an owner's typed request: %+v", e)
	}
	if r := d.run("users", "show", "mallory@evil.example"); r.code == ExitOK {
		t.Fatal("an admin was added on a typed request")
	}
	d.must(add("sam.staff@example.org", "--requested-by", champion, "--verification", d.proven(champion))...) // R3, R41
	id := d.proven(owner)
	var u userActionJSON
	d.json(&u, add("nadia.admin@example.org", "--roles", "admin", "--requested-by", owner, "--verification", id)...)
	if strings.Join(u.Roles, ",") != "admin" {
		t.Fatalf("roles %v", u.Roles)
	}
	var evs []auditJSON
	d.json(&evs, "audit", "list", "--user", "nadia.admin@example.org", "--limit", "5")
	found := false
	for _, ev := range evs {
		found = found || (ev.Action == "user.created" && strings.Contains(ev.VerifiedBy, "verification #"+id))
	}
	if !found {
		t.Errorf("the addition does not record the owner's check: %+v", evs)
	}
}

// R20, R41: an owner or admin is inactivated through the desk only at a
// request proven by a passed caller check of the requester
// (--verification), never on a name typed; the check is recorded with it.
func TestPrivilegedLeaverWithTheRequestersCheck(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, champion := firstPractice(d)
	const admin = "nadia.admin@example.org"
	d.must("users", "add", "--practice", ref, "--name", "Nadia Admin", "--email", admin, "--email-confirm", admin,
		"--kind", "staff", "--roles", "admin", "--requested-by", owner, "--verification", d.proven(owner), "--reason", "office manager")
	e := d.refused("R20", "users", "inactivate", admin, "--requested-by", champion, "--reason", "left")
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start "+champion) || !strings.Contains(e.Guidance, "--verification") {
		t.Errorf("a champion's typed request: %+v", e)
	}
	id := d.proven(champion)
	d.must("users", "inactivate", admin, "--requested-by", champion, "--verification", id, "--reason", "left")
	var evs []auditJSON
	d.json(&evs, "audit", "list", "--user", admin, "--limit", "5")
	found := false
	for _, ev := range evs {
		found = found || (ev.Action == "user.inactivated" && strings.Contains(ev.VerifiedBy, "verification #"+id))
	}
	if !found {
		t.Errorf("the inactivation does not record the champion's check: %+v", evs)
	}
}
