package cli

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The checks of issue 4 through the command line, on a small demo database
// with a fake clock and cheap password hashes (see newDemo).

// strongPassword passes the password rules (R18) for a new account.
const strongPassword = "violet harbor lantern 42"

// db runs commands on one database as operator "desk".
type db struct {
	t    *testing.T
	path string
}

func newDemoDB(t *testing.T) db {
	t.Helper()
	path, _ := newDemo(t)
	return db{t: t, path: path}
}

func (d db) args(args []string) []string { return append(args, "--db", d.path, "--operator", "desk") }

func (d db) run(args ...string) result { d.t.Helper(); return run(d.t, d.args(args)...) }

func (d db) must(args ...string) result { d.t.Helper(); return mustRun(d.t, d.args(args)...) }

// json runs a command with --json, wants exit 0, and decodes its output.
func (d db) json(v any, args ...string) {
	d.t.Helper()
	decodeJSON(d.t, d.must(append(args, "--json")...), v)
}

// refused runs a command with --json and wants it refused by rule: exit 2
// and the refusal's JSON on stdout.
func (d db) refused(rule string, args ...string) errorJSON {
	d.t.Helper()
	r := d.run(append(args, "--json")...)
	var e errorJSON
	decodeJSON(d.t, r, &e)
	if r.code != ExitRefused || e.Rule != rule || e.Error == "" {
		d.t.Fatalf("%v: want a refusal by %s (exit 2), got exit %d: %+v", args, rule, r.code, e)
	}
	return e
}

func (d db) practice(ref string) practiceDetailJSON {
	d.t.Helper()
	var p practiceDetailJSON
	d.json(&p, "practices", "show", ref)
	return p
}

func (d db) user(login string) userDetailJSON {
	d.t.Helper()
	var u userDetailJSON
	d.json(&u, "users", "show", login)
	return u
}

// add adds a user at ref at requester's request, proven by a passed check
// of them (R3, R41) unless extra gives one, and returns them.
func (d db) add(ref, requester, email string, extra ...string) userActionJSON {
	d.t.Helper()
	if !contains(extra, "--verification") {
		extra = append(extra, "--verification", d.proven(requester))
	}
	var u userActionJSON
	d.json(&u, append([]string{"users", "add", "--practice", ref, "--name", "Nora Newhire", "--email", email,
		"--email-confirm", email, "--kind", "staff", "--requested-by", requester, "--reason", "new hire"}, extra...)...)
	return u
}

// proven is a passed caller check of login by the desk (R41): a code by
// email to what is on file, read back. A change of the owner or admin role
// goes only with the asking owner's (R19).
func (d db) proven(login string) string {
	d.t.Helper()
	var v struct {
		ID uint64 `json:"id"`
	}
	d.json(&v, "verify", "start", login, "--method", "code", "--channel", "email")
	id := strconv.FormatUint(v.ID, 10)
	d.must("verify", "check", id, "--code", codeIn(d.t, lastMessage(d.t, d.path, login)))
	return id
}

// fill makes a practice's licenses all in use (R1) as a contract change.
func (d db) fill(ref string) {
	d.t.Helper()
	p := d.practice(ref)
	d.must("licenses", "set", ref, "--purchased", strconv.Itoa(p.InUse), "--reason", "contract")
}

var linkPattern = regexp.MustCompile(`https://app\.latchkey\.example/l/[A-Za-z0-9_-]+`)

// message reads one message with its link's state now.
func (d db) message(id uint64) messageViewJSON {
	d.t.Helper()
	var m messageViewJSON
	d.json(&m, "outbox", "show", strconv.FormatUint(id, 10))
	return m
}

// linkIn returns the link a message's body carries to its recipient (R30).
func (d db) linkIn(id uint64) string {
	d.t.Helper()
	link := linkPattern.FindString(d.message(id).Body)
	if link == "" {
		d.t.Fatalf("message #%d carries no link", id)
	}
	return link
}

// firstPractice is practice 1 of the demo, its first owner and its champion.
func firstPractice(d db) (ref, owner, champion string) {
	d.t.Helper()
	p := d.practice("1")
	if len(p.Owners) == 0 || len(p.Champions) == 0 {
		d.t.Fatalf("practice 1 lacks an owner or a champion: %+v", p)
	}
	for _, c := range p.Champions {
		if !contains(c.Roles, "owner") {
			return "1", p.Owners[0].Login, c.Login
		}
	}
	d.t.Fatal("practice 1 has no champion who is not an owner")
	return
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// R3, R4, R5, R30: a user added at an owner's request takes a license and is
// sent the setup email; its link activates the account once, then is refused.
func TestAddVerifyAndLinkWorksOnce(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	before := d.practice(ref)

	// A champion is added at a proven request (R3, R20, R41).
	d.refused("R3", "users", "add", "--practice", ref, "--name", "Nora Newhire", "--email", "nora.newhire@example.org",
		"--email-confirm", "nora.newhire@example.org", "--kind", "staff", "--requested-by", owner, "--reason", "new hire", "--roles", "champion")
	u := d.add(ref, owner, "nora.newhire@example.org", "--roles", "champion", "--verification", d.proven(owner))
	if u.Status != "pending" || u.EmailVerified || !u.HoldsLicense || u.Email != "nora.newhire@example.org" ||
		!contains(u.Roles, "champion") || u.MessageID == 0 || u.ID == 0 || u.PracticeID != before.ID || u.CreatedAt.IsZero() {
		t.Fatalf("added user: %+v", u)
	}
	if after := d.practice(ref); after.InUse != before.InUse+1 { // R1: the new user holds a license
		t.Errorf("in use %d -> %d, want +1", before.InUse, after.InUse)
	}

	// R30: the outbox holds the setup email, to the user, with the link in its body.
	var msgs []messageJSON
	d.json(&msgs, "outbox", "list", "--to", "NORA.NEWHIRE@example.org")
	if len(msgs) != 1 || msgs[0].ID != u.MessageID || msgs[0].Kind != "email" || msgs[0].Cause != "verification.sent" ||
		!strings.Contains(msgs[0].Subject, "Set up") || !linkPattern.MatchString(msgs[0].Body) {
		t.Fatalf("outbox for the new user: %+v", msgs)
	}
	if m := d.message(u.MessageID); m.Link == nil || m.Link.State != "live" || m.Link.Purpose != "setup" {
		t.Fatalf("link before use: %+v", m.Link)
	}
	link := d.linkIn(u.MessageID)

	// R4: following the link with a chosen password activates the account.
	var res userSideJSON
	d.json(&res, "act", "verify", link, "--password", strongPassword)
	if res.Outcome != "verified" || res.Status != "active" || !strings.Contains(res.Message, "Your account is active") {
		t.Fatalf("act verify: %+v", res)
	}
	if got := d.user(u.Login); got.Status != "active" || !got.EmailVerified || !got.HasPassword {
		t.Errorf("after verify: %+v", got.userRecordJSON)
	}
	d.must("act", "login", u.Login, "--password", strongPassword)

	// R5: the same link again is refused.
	e := d.refused("R5", "act", "verify", link, "--password", strongPassword)
	if !strings.Contains(e.Error, "already used") {
		t.Errorf("second use: %+v", e)
	}
	human := d.run("act", "verify", link, "--password", strongPassword)
	if human.code != ExitRefused || !strings.Contains(human.err, "refused by R5") {
		t.Errorf("human refusal: exit %d, %s", human.code, human.err)
	}
	if m := d.message(u.MessageID); m.Link.State != "used" || m.Link.EndedAt == nil {
		t.Errorf("link after use: %+v", m.Link)
	}

	// The audit trail shows the add at the owner's request, the send and the verification (R29).
	var evs []auditJSON
	d.json(&evs, "audit", "list", "--user", u.Login)
	actions := map[string]auditJSON{}
	for _, ev := range evs {
		actions[ev.Action] = ev
	}
	if a := actions["user.created"]; a.Requester != owner || a.Actor != "desk" {
		t.Errorf("user.created event: %+v", a)
	}
	for _, want := range []string{"verification.sent", "user.verified"} {
		if _, ok := actions[want]; !ok {
			t.Errorf("no %s event: %+v", want, evs)
		}
	}
}

// R5, R6: a second send for a pending user kills the first link; a resend
// for a verified user is refused with the guidance.
func TestResendSupersedesAndVerifiedIsRefused(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	u := d.add(ref, owner, "pia.pending@example.org")
	first := d.linkIn(u.MessageID)

	var again userActionJSON
	d.json(&again, "users", "send-verification", u.Login, "--reason", "never got it")
	if again.MessageID == 0 || again.MessageID == u.MessageID || again.Status != "pending" {
		t.Fatalf("second send: %+v", again)
	}
	if m := d.message(u.MessageID); m.Link.State != "superseded" || m.Link.EndedAt == nil {
		t.Errorf("first link after the second send: %+v", m.Link)
	}
	if m := d.message(again.MessageID); m.Link.State != "live" {
		t.Errorf("second link: %+v", m.Link)
	}
	d.refused("R5", "act", "verify", first, "--password", strongPassword)
	human := d.must("users", "send-verification", u.Login)
	if !strings.Contains(human.out, "no longer works") {
		t.Errorf("human send does not say the earlier link died:\n%s", human.out)
	}
	var msgs []messageJSON
	d.json(&msgs, "outbox", "list", "--to", u.Login, "--limit", "1")
	d.must("act", "verify", d.linkIn(msgs[0].ID), "--password", strongPassword)

	e := d.refused("R6", "users", "send-verification", u.Login)
	if !strings.Contains(e.Guidance, "Forgot your password?") {
		t.Errorf("R6 guidance: %+v", e)
	}
	human = d.run("users", "send-verification", u.Login)
	if human.code != ExitRefused || !strings.Contains(human.err, "refused by R6") || !strings.Contains(human.err, "Forgot your password?") {
		t.Errorf("human R6: exit %d, %s", human.code, human.err)
	}
	// R7: nor may an operator change a verified user's login email.
	d.refused("R7", "users", "send-verification", u.Login, "--email", "pia@example.net", "--email-confirm", "pia@example.net")
}

// R9: role mailboxes and logins already in use are refused naming R9; R4:
// the two emails must match. Nothing is added.
func TestPersonalUniqueEmails(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	before := d.practice(ref)
	for _, email := range []string{"frontdesk@example.org", "FrontDesk@example.org", "info@example.org", "billing+x@example.org"} {
		e := d.refused("R9", "users", "add", "--practice", ref, "--name", "Front Desk", "--email", email,
			"--email-confirm", email, "--kind", "staff", "--requested-by", owner)
		if !strings.Contains(e.Error, "personal") {
			t.Errorf("%s: %+v", email, e)
		}
	}
	d.add(ref, owner, "sam.unique@example.org")
	for _, email := range []string{"sam.unique@example.org", " SAM.Unique@Example.org ", owner} {
		e := d.refused("R9", "users", "add", "--practice", ref, "--name", "Sam Again", "--email", email,
			"--email-confirm", strings.TrimSpace(email), "--kind", "provider", "--requested-by", owner)
		if !strings.Contains(e.Error, "already in use") {
			t.Errorf("duplicate %q: %+v", email, e)
		}
	}
	r := d.run("users", "add", "--practice", ref, "--name", "Typo", "--email", "typo@example.org",
		"--email-confirm", "typo@example.com", "--kind", "staff", "--requested-by", owner, "--json")
	var e errorJSON
	decodeJSON(t, r, &e)
	if r.code != ExitFailure || e.Field != "email_confirm" {
		t.Errorf("mismatched emails: exit %d, %+v", r.code, e)
	}
	if after := d.practice(ref); after.InUse != before.InUse+1 {
		t.Errorf("in use %d -> %d: only sam was to be added", before.InUse, after.InUse)
	}
}

// R1, R3: adding at a practice at capacity is refused naming R1; a
// requester who is not an owner, champion or admin is refused naming R3.
func TestAddAtCapacityAndRequester(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	p := d.practice(ref)
	var plain []userJSON
	d.json(&plain, "users", "list", "--practice", ref, "--status", "active")
	nobody := ""
	for _, u := range plain {
		if len(u.Roles) == 0 {
			nobody = u.Login
			break
		}
	}
	d.refused("R3", "users", "add", "--practice", ref, "--name", "N", "--email", "n.n@example.org",
		"--email-confirm", "n.n@example.org", "--kind", "staff", "--requested-by", nobody)

	d.fill(ref)
	e := d.refused("R1", "users", "add", "--practice", p.Name, "--name", "Too Many", "--email", "too.many@example.org",
		"--email-confirm", "too.many@example.org", "--kind", "staff", "--requested-by", owner, "--verification", d.proven(owner))
	if !strings.Contains(e.Error, "no free license") || e.Guidance == "" {
		t.Errorf("R1 refusal: %+v", e)
	}
	// R2: the purchased count cannot go below the licenses in use.
	d.refused("R2", "licenses", "set", ref, "--purchased", strconv.Itoa(p.InUse-1), "--reason", "shrink")
	var msgs []messageJSON
	d.json(&msgs, "outbox", "list", "--to", "too.many@example.org")
	if len(msgs) != 0 {
		t.Errorf("a refused add sent mail: %+v", msgs)
	}
}

// R20, R5, R1: inactivating frees the license and kills a live link;
// reactivation needs a free license.
func TestInactivateAndReactivate(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, champion := firstPractice(d)
	u := d.add(ref, owner, "lea.leaver@example.org")
	before := d.practice(ref)

	// R20: an admin who is neither owner nor champion may not ask.
	var users []userJSON
	d.json(&users, "users", "list", "--practice", ref, "--status", "active")
	for _, x := range users {
		if len(x.Roles) == 0 && x.Login != u.Login {
			d.refused("R20", "users", "inactivate", u.Login, "--requested-by", x.Login, "--reason", "left")
			break
		}
	}

	var out userActionJSON
	d.json(&out, "users", "inactivate", u.Login, "--requested-by", champion, "--reason", "left the clinic")
	if out.Status != "inactive" || out.HoldsLicense {
		t.Fatalf("after inactivation: %+v", out)
	}
	if after := d.practice(ref); after.InUse != before.InUse-1 {
		t.Errorf("license not freed: in use %d -> %d", before.InUse, after.InUse)
	}
	if m := d.message(u.MessageID); m.Link.State != "voided" {
		t.Errorf("live link after inactivation: %+v", m.Link)
	}
	d.refused("R5", "act", "verify", d.linkIn(u.MessageID), "--password", strongPassword)
	d.refused("R20", "users", "inactivate", u.Login, "--requested-by", owner, "--reason", "again")
	if hist := d.user(u.Login).RecentAudit; len(hist) < 3 { // history stays
		t.Errorf("history: %+v", hist)
	}

	// R1: no reactivation at capacity. R3, R41: the owner's request
	// proven (a refusal leaves the check unused).
	d.fill(ref)
	e := d.refused("R3", "users", "reactivate", u.Login, "--requested-by", owner, "--reason", "rehired")
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start "+owner) || !strings.Contains(e.Guidance, "--verification") {
		t.Errorf("a typed reactivation: %+v", e)
	}
	proven := d.proven(owner)
	d.refused("R1", "users", "reactivate", u.Login, "--requested-by", owner, "--verification", proven, "--reason", "rehired")
	d.must("licenses", "set", ref, "--purchased", strconv.Itoa(d.practice(ref).InUse+1), "--reason", "one more")
	var back userActionJSON
	d.json(&back, "users", "reactivate", u.Login, "--requested-by", owner, "--verification", proven, "--reason", "rehired")
	if back.Status != "pending" || !back.HoldsLicense { // never verified: back as pending
		t.Errorf("reactivated: %+v", back)
	}
	if p := d.practice(ref); !p.AtCapacity {
		t.Errorf("reactivation took no license: %+v", p.practiceJSON)
	}
	// Self-requested inactivation (R20): the user themselves may ask, once
	// they have finished account setup (R4): pending, nobody has shown yet
	// that they hold the account.
	e = d.refused("R20", "users", "inactivate", u.Login, "--requested-by", u.Login, "--reason", "leaving")
	if !strings.Contains(e.Error, "not finished account setup") {
		t.Errorf("R20 refusal of a pending requester: %+v", e)
	}
	var sent userActionJSON
	d.json(&sent, "users", "send-verification", u.Login, "--reason", "back at work")
	d.must("act", "verify", d.linkIn(sent.MessageID), "--password", strongPassword)
	d.must("users", "inactivate", u.Login, "--requested-by", u.Login, "--reason", "leaving")
}

// R19: a permissions change requested by a non-owner is refused; an owner's
// request sets exactly the roles given, and --roles "" removes them all.
func TestPermissions(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, champion := firstPractice(d)
	u := d.add(ref, owner, "pat.perm@example.org")
	e := d.refused("R19", "users", "permissions", u.Login, "--roles", "admin", "--requested-by", champion, "--reason", "r")
	if !strings.Contains(e.Error, "owner") {
		t.Errorf("R19 refusal: %+v", e)
	}
	// An admin's role on the owner's word typed is no permission (R19, R41).
	e = d.refused("R19", "users", "permissions", u.Login, "--roles", "admin, Champion", "--requested-by", owner, "--reason", "lead")
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start") {
		t.Errorf("R19 refusal of a typed owner: %+v", e)
	}
	var got userActionJSON
	d.json(&got, "users", "permissions", u.Login, "--roles", "admin, Champion", "--requested-by", owner, "--reason", "lead",
		"--verification", d.proven(owner))
	if strings.Join(got.Roles, ",") != "champion,admin" {
		t.Errorf("roles %v", got.Roles)
	}
	// Taking the admin role away is as privileged (R19, R41).
	d.refused("R19", "users", "permissions", u.Login, "--roles", "", "--requested-by", owner, "--reason", "none")
	d.json(&got, "users", "permissions", u.Login, "--roles", "", "--requested-by", owner, "--reason", "none",
		"--verification", d.proven(owner))
	if len(got.Roles) != 0 {
		t.Errorf("--roles \"\" left %v", got.Roles)
	}
	for _, bad := range [][]string{
		{"users", "permissions", u.Login, "--roles", "admin,boss", "--requested-by", owner, "--reason", "r"},
		{"users", "permissions", u.Login, "--requested-by", owner, "--reason", "r"}, // --roles is required
	} {
		if r := d.run(bad...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want usage", bad, r.code)
		}
	}
	var evs []auditJSON
	d.json(&evs, "audit", "list", "--user", u.Login, "--limit", "10")
	refusedSeen := false
	for _, ev := range evs {
		refusedSeen = refusedSeen || (ev.Action == "user.roles_changed" && ev.Outcome == "refused R19" && ev.Requester == champion)
	}
	if !refusedSeen {
		t.Errorf("the R19 refusal is not audited: %+v", evs)
	}
}

// R2: the last active owner can be neither inactivated nor lose the owner role.
func TestLastActiveOwnerStays(t *testing.T) {
	d := newDemoDB(t)
	p := d.practice("1")
	last := p.Owners[0].Login
	for _, o := range p.Owners[1:] { // leave one owner
		d.must("users", "permissions", o.Login, "--roles", "admin", "--requested-by", last, "--reason", "stepping back",
			"--verification", d.proven(last))
	}
	if p = d.practice("1"); len(p.Owners) != 1 {
		t.Fatalf("owners: %+v", p.Owners)
	}
	e := d.refused("R2", "users", "inactivate", last, "--requested-by", last, "--reason", "retiring")
	if !strings.Contains(e.Error, "last active owner") || e.Guidance == "" {
		t.Errorf("inactivate the last owner: %+v", e)
	}
	d.refused("R2", "users", "permissions", last, "--roles", "admin", "--requested-by", last, "--reason", "r")
	d.refused("R2", "users", "replace", last, "--name", "New Owner", "--email", "new.owner@example.org",
		"--email-confirm", "new.owner@example.org", "--kind", "provider", "--roles", "owner", "--requested-by", last, "--reason", "r")
	if u := d.user(last); u.Status != "active" || !contains(u.Roles, "owner") {
		t.Errorf("the last owner changed: %+v", u.userRecordJSON)
	}
}

// R10: replace inactivates the leaver and adds the newcomer, the license
// passing between them; a verified account is never renamed.
func TestReplaceAndRename(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	d.fill(ref)
	var users []userJSON
	d.json(&users, "users", "list", "--practice", ref, "--status", "active")
	leaver := ""
	for _, u := range users {
		if len(u.Roles) == 0 {
			leaver = u.Login
			break
		}
	}
	d.refused("R10", "users", "rename", leaver, "--name", "Someone Else", "--reason", "new person")
	var res replaceJSON
	d.json(&res, "users", "replace", leaver, "--name", "Rita Replacement", "--email", "rita.r@example.org",
		"--email-confirm", "rita.r@example.org", "--kind", "provider", "--requested-by", owner, "--reason", "took over",
		"--verification", d.proven(owner)) // the newcomer is added at a proven request (R3, R41)
	if res.Leaver.Login != leaver || res.Leaver.Status != "inactive" || res.Newcomer.Status != "pending" ||
		res.Newcomer.Login != "rita.r@example.org" || res.Newcomer.MessageID == 0 || res.Newcomer.PracticeID != res.Leaver.PracticeID {
		t.Fatalf("replace: %+v", res)
	}
	if p := d.practice(ref); !p.AtCapacity { // the license passed; still full
		t.Errorf("after replace: %+v", p.practiceJSON)
	}
	var renamed userActionJSON
	d.json(&renamed, "users", "rename", "rita.r@example.org", "--name", "Rita Replacemint", "--reason", "typo")
	if renamed.Name != "Rita Replacemint" {
		t.Errorf("rename: %+v", renamed)
	}
}

// R7: a verified user changes their own login email after logging in; the
// old address stays the login until the new one is verified.
func TestSelfServiceEmailChange(t *testing.T) {
	d := newDemoDB(t)
	_, _, champion := firstPractice(d)
	pw := strings.TrimSpace(d.must("act", "password", champion).out)
	var res userSideJSON
	d.json(&res, "act", "change-email", champion, "--password", pw, "--new-email", "jess.new@example.org")
	if res.Outcome != "email_change_requested" || res.Email != champion || res.PendingEmail != "jess.new@example.org" {
		t.Fatalf("change-email: %+v", res)
	}
	var toNew, toOld []messageJSON
	d.json(&toNew, "outbox", "list", "--to", "jess.new@example.org")
	d.json(&toOld, "outbox", "list", "--to", champion)
	if len(toNew) != 1 || len(toOld) == 0 || !strings.Contains(toOld[0].Body, "jess.new@example.org") ||
		linkPattern.MatchString(toOld[0].Body) {
		t.Fatalf("messages: new %+v, old %+v", toNew, toOld)
	}
	if u := d.user(champion); u.PendingEmail != "jess.new@example.org" || u.Email != champion {
		t.Errorf("before verifying: %+v", u.userRecordJSON)
	}
	d.must("act", "verify", d.linkIn(toNew[0].ID), "--password", pw)
	if u := d.user("jess.new@example.org"); !u.EmailVerified || u.PendingEmail != "" {
		t.Errorf("after verifying: %+v", u.userRecordJSON)
	}
	if r := d.run("act", "change-email", "jess.new@example.org", "--password", "wrong", "--new-email", "x.y@example.org"); r.code != ExitFailure {
		t.Errorf("wrong password: exit %d", r.code)
	}
}

// R33, R30: the outbox lists newest first in the documented JSON shape; show
// adds the link's state without its hash.
func TestOutboxJSONShapes(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	d.add(ref, owner, "olly.outbox@example.org")
	rows := keysOf(t, d.must("outbox", "list", "--limit", "5", "--json"))
	if len(rows) != 5 {
		t.Fatalf("--limit 5 gave %d", len(rows))
	}
	prev := uint64(1 << 62)
	for _, row := range rows {
		requireKeys(t, row, "id", "kind", "to", "subject", "body", "time", "cause", "user_id", "link_id")
		requireRFC3339(t, row["time"])
		var id uint64
		_ = json.Unmarshal(row["id"], &id)
		if id >= prev {
			t.Errorf("not newest first: %d after %d", id, prev)
		}
		prev = id
	}
	var first messageJSON
	_ = json.Unmarshal(mustJSON(t, rows[0]), &first)
	if first.To != "olly.outbox@example.org" {
		t.Errorf("newest message is to %s", first.To)
	}
	r := d.must("outbox", "show", strconv.FormatUint(first.ID, 10), "--json")
	var show map[string]json.RawMessage
	decodeJSON(t, r, &show)
	requireKeys(t, show, "id", "kind", "to", "subject", "body", "time", "cause", "link")
	var link map[string]json.RawMessage
	if err := json.Unmarshal(show["link"], &link); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, link, "id", "purpose", "state", "email", "issued_at")
	if strings.Contains(strings.ToLower(r.out), "hash") {
		t.Errorf("outbox show prints a hash:\n%s", r.out)
	}
	human := d.must("outbox", "show", strconv.FormatUint(first.ID, 10))
	for _, want := range []string{"olly.outbox@example.org", "LIVE", "https://app.latchkey.example/l/"} {
		if !strings.Contains(human.out, want) {
			t.Errorf("human outbox show lacks %q:\n%s", want, human.out)
		}
	}
	if r := d.run("outbox", "show", "99999"); r.code != ExitFailure {
		t.Errorf("missing message: exit %d", r.code)
	}
	if r := d.run("outbox", "show", "twelve"); r.code != ExitUsage {
		t.Errorf("bad id: exit %d", r.code)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// R1, R2: licenses list is fullest first; only an owner requests licenses;
// fulfilling raises the purchased count, once.
func TestLicenseRequests(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, champion := firstPractice(d)
	var ps []practiceJSON
	d.json(&ps, "licenses", "list")
	for i := 1; i < len(ps); i++ {
		if ps[i].InUse*ps[i-1].Purchased > ps[i-1].InUse*ps[i].Purchased {
			t.Errorf("not fullest first: %+v before %+v", ps[i-1], ps[i])
		}
	}
	before := d.practice(ref)
	d.refused("R2", "licenses", "request", ref, "--count", "5", "--requested-by", champion, "--reason", "hiring")
	var res licenseResultJSON
	// R2, R41: the owner's request is proven by their passed check, not typed.
	e := d.refused("R2", "licenses", "request", ref, "--count", "5", "--requested-by", owner, "--reason", "hiring")
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "--verification") {
		t.Errorf("an owner's typed request: %+v", e)
	}
	check := d.proven(owner)
	d.json(&res, "licenses", "request", ref, "--count", "5", "--requested-by", owner, "--verification", check, "--reason", "hiring")
	if strconv.FormatUint(res.Request.Verification, 10) != check {
		t.Errorf("the request does not record the owner's check #%s: %+v", check, res.Request)
	}
	if res.Request.State != "open" || res.Request.Requester != owner || res.Request.RecordedBy != "desk" ||
		res.Practice.Purchased != before.Purchased {
		t.Fatalf("request: %+v", res)
	}
	var reqs []licenseRequestJSON
	d.json(&reqs, "licenses", "list", "--practice", ref)
	if len(reqs) == 0 || reqs[0].ID != res.Request.ID {
		t.Fatalf("requests of the practice: %+v", reqs)
	}
	if p := d.practice(ref); len(p.LicenseRequests) == 0 || p.LicenseRequests[0].ID != res.Request.ID {
		t.Errorf("practices show lacks the request: %+v", p.LicenseRequests)
	}
	id := strconv.FormatUint(res.Request.ID, 10)
	d.json(&res, "licenses", "fulfil", id, "--reason", "invoice paid")
	if res.Request.State != "fulfilled" || res.Practice.Purchased != before.Purchased+5 || res.Request.FulfilledAt == nil {
		t.Fatalf("fulfil: %+v", res)
	}
	d.refused("R2", "licenses", "fulfil", id)
	var p practiceJSON
	d.json(&p, "licenses", "set", ref, "--purchased", strconv.Itoa(before.Purchased+7), "--reason", "contract")
	if p.Purchased != before.Purchased+7 || p.Free != p.Purchased-p.InUse {
		t.Errorf("set: %+v", p)
	}
}

// R40: the user's side works on demo databases only.
func TestActVerifyAndChangeEmailRefusedOnNonDemo(t *testing.T) {
	dk := newDesk(t)
	for _, args := range [][]string{
		{"act", "verify", "https://app.latchkey.example/l/abc", "--password", strongPassword},
		{"act", "change-email", dk.owner, "--password", "x", "--new-email", "o@example.org"},
	} {
		r := run(t, append(args, "--db", dk.path, "--json")...)
		var e errorJSON
		decodeJSON(t, r, &e)
		if r.code != ExitRefused || e.Rule != "R40" {
			t.Errorf("%v: exit %d, %+v", args, r.code, e)
		}
	}
}

// The new commands' usage errors exit 64 with usage; human output of an
// action is sanitised (R38).
func TestLifecycleUsageAndSanitising(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	for _, args := range [][]string{
		{"users", "add", "--practice", ref, "--name", "N", "--email", "a.b@example.org", "--email-confirm", "a.b@example.org", "--requested-by", owner},
		{"users", "add", "--practice", ref, "--name", "N", "--email", "a.b@example.org", "--email-confirm", "a.b@example.org", "--kind", "doctor", "--requested-by", owner},
		{"users", "inactivate", owner, "--requested-by", owner},
		{"users", "send-verification", owner, "--email", "x.y@example.org"},
		{"licenses", "request", ref, "--requested-by", owner},
		{"licenses", "fulfil", "abc"},
		{"licenses", "list", "--limit", "0"},
		{"practices", "show"},
		{"outbox", "list", "extra"},
		{"act", "verify", "link"},
	} {
		if r := d.run(args...); r.code != ExitUsage || !strings.HasPrefix(r.err, "Error: ") {
			t.Errorf("%v: exit %d, want %d: %s", args, r.code, ExitUsage, r.err)
		}
	}
	evil := "Eve\x1b]0;pwned\x07 Evil"
	r := d.must("users", "add", "--practice", ref, "--name", evil, "--email", "eve.e@example.org",
		"--email-confirm", "eve.e@example.org", "--kind", "staff", "--requested-by", owner, "--verification", d.proven(owner))
	if strings.ContainsAny(r.out, "\x1b\x07") || !strings.Contains(r.out, "Eve␛]0;pwned␇") {
		t.Errorf("human add output not sanitised:\n%q", r.out)
	}
	var msgs []messageJSON
	d.json(&msgs, "outbox", "list", "--to", "eve.e@example.org")
	show := d.must("outbox", "show", strconv.FormatUint(msgs[0].ID, 10))
	if strings.ContainsAny(show.out, "\x1b\x07") {
		t.Errorf("outbox show drew raw control characters:\n%q", show.out)
	}
}
