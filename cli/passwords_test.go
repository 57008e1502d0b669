package cli

import (
	"regexp"
	"strings"
	"testing"

	"latchkey/accounts"
)

// demoUser finds an active, unlocked user of the demo at path for whom keep
// is true, reading the file directly (then closing it: commands open it).
func demoUser(t *testing.T, path string, clk accounts.Clock, keep func(accounts.User) bool) accounts.User {
	t.Helper()
	svc, err := accounts.Open(path, clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	rows, err := svc.Users(accounts.UserQuery{Status: accounts.StatusActive, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	now := svc.Now()
	for _, r := range rows {
		if !r.LockedNow(now) && keep(r.User) {
			return r.User
		}
	}
	t.Fatal("the demo has no such user")
	return accounts.User{}
}

// verifiedNoMFA is a user with a verified login email and no MFA.
func verifiedNoMFA(u accounts.User) bool {
	return !u.Legacy() && u.EmailVerified && u.MFA.State() == accounts.MFAStateNone
}

// lastMessage is the newest outbox message to addr.
func lastMessage(t *testing.T, db, addr string) messageJSON {
	t.Helper()
	var ms []messageJSON
	decodeJSON(t, mustRun(t, "outbox", "list", "--db", db, "--to", addr, "--limit", "1", "--json"), &ms)
	if len(ms) == 0 {
		t.Fatalf("no message to %s in the outbox", addr)
	}
	return ms[0]
}

var linkRE = regexp.MustCompile(`https://\S+/l/\S+`)

// linkIn is the link a message carries.
func linkIn(t *testing.T, m messageJSON) string {
	t.Helper()
	l := linkRE.FindString(m.Body)
	if l == "" {
		t.Fatalf("message #%d carries no link:\n%s", m.ID, m.Body)
	}
	return l
}

// refusal runs a command that must be refused by rule, exit 2, and returns
// its JSON refusal.
func refusal(t *testing.T, rule string, args ...string) errorJSON {
	t.Helper()
	r := run(t, append(args, "--json")...)
	if r.code != ExitRefused {
		t.Fatalf("%v: exit %d, want %d (refused by %s)\nstdout: %s\nstderr: %s", args, r.code, ExitRefused, rule, r.out, r.err)
	}
	var e errorJSON
	decodeJSON(t, r, &e)
	if e.Rule != rule {
		t.Fatalf("%v: refused by %q, want %s: %+v", args, e.Rule, rule, e)
	}
	return e
}

// demoPassword is a seeded user's password.
func demoPassword(t *testing.T, db, login string) string {
	t.Helper()
	return strings.TrimSpace(mustRun(t, "act", "password", login, "--db", db).out)
}

// R16: an operator asked to reset a verified user's password is refused,
// with the guidance to use "Forgot your password?"; in JSON and for people.
func TestOperatorResetRefusedForVerifiedUser(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	e := refusal(t, "R16", "users", "reset-password", u.Login(), "--db", db, "--operator", "dana",
		"--reason", "caller forgot", "--verified-by", "callback")
	if !strings.Contains(e.Guidance, "Forgot your password?") {
		t.Errorf("guidance: %q", e.Guidance)
	}
	r := run(t, "users", "reset-password", u.Login(), "--db", db, "--operator", "dana", "--reason", "x", "--verified-by", "y")
	if r.code != ExitRefused || !strings.Contains(r.err, "refused by R16") || !strings.Contains(r.err, "Forgot your password?") {
		t.Errorf("human refusal: exit %d\n%s", r.code, r.err)
	}
	// Without the reason and the caller check it is a usage error (R17).
	if r := run(t, "users", "reset-password", u.Login(), "--db", db); r.code != ExitUsage {
		t.Errorf("without --reason/--verified-by: exit %d", r.code)
	}
}

// R16: "Forgot your password?" answers the same for a known and an unknown
// address, with the same audit event; the link in the outbox works once,
// a newer one kills the older, opening it changes nothing, and it is dead
// after 60 minutes of demo clock.
func TestForgotAndResetLink(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)

	known := mustRun(t, "act", "forgot", u.Login(), "--db", db)
	var evKnown []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--limit", "1", "--json"), &evKnown)
	unknown := mustRun(t, "act", "forgot", "nobody@nowhere.test", "--db", db)
	var evUnknown []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--limit", "1", "--json"), &evUnknown)
	if known.out != unknown.out || strings.TrimSpace(known.out) != accounts.ForgotAnswer {
		t.Errorf("answers differ or are not ForgotAnswer:\n%q\n%q", known.out, unknown.out)
	}
	a, b := evKnown[0], evUnknown[0]
	if a.Action != b.Action || a.ActorKind != b.ActorKind || a.Outcome != b.Outcome || a.Detail != b.Detail {
		t.Errorf("audit shapes differ: %+v / %+v", a, b)
	}

	first := linkIn(t, lastMessage(t, db, u.Email))
	// Within 5 minutes a second request sends nothing (one email per
	// address per 5 minutes) and answers the same.
	if again := mustRun(t, "act", "forgot", u.Login(), "--db", db); again.out != known.out {
		t.Errorf("a throttled request answers differently: %q", again.out)
	}
	if linkIn(t, lastMessage(t, db, u.Email)) != first {
		t.Fatal("a second request within 5 minutes sent another email")
	}
	mustRun(t, "clock", "advance", "5m", "--db", db, "--operator", "dana")
	mustRun(t, "act", "forgot", u.Login(), "--db", db)
	m := lastMessage(t, db, u.Email)
	link := linkIn(t, m)
	if link == first {
		t.Fatal("a second request sent the same link")
	}
	refusal(t, "R5", "act", "reset", first, "--password", "a perfectly fine passphrase", "--db", db)

	// Opening the link (as a mail scanner would) does not use it.
	var v messageViewJSON
	decodeJSON(t, mustRun(t, "outbox", "show", itoa(int(m.ID)), "--db", db, "--json"), &v)
	if v.Link == nil || v.Link.State != "live" || v.Link.Purpose != "reset" {
		t.Fatalf("link after opening: %+v", v.Link)
	}
	const pw = "a perfectly fine passphrase"
	r := mustRun(t, "act", "reset", link, "--password", pw, "--db", db)
	if !strings.Contains(r.out, "Your password was reset") {
		t.Errorf("reset said: %s", r.out)
	}
	refusal(t, "R5", "act", "reset", link, "--password", pw+" again", "--db", db)
	if r := mustRun(t, "act", "login", u.Login(), "--password", pw, "--db", db); !strings.Contains(r.out, "Login OK") {
		t.Errorf("login with the new password: %s", r.out)
	}

	// A fresh link (5 minutes on) is dead after 61 minutes of demo clock.
	mustRun(t, "clock", "advance", "5m", "--db", db, "--operator", "dana")
	mustRun(t, "act", "forgot", u.Login(), "--db", db)
	late := linkIn(t, lastMessage(t, db, u.Email))
	mustRun(t, "clock", "advance", "61m", "--db", db, "--operator", "dana")
	e := refusal(t, "R16", "act", "reset", late, "--password", "another fine passphrase", "--db", db)
	if !strings.Contains(e.Error, "expired") {
		t.Errorf("late link: %+v", e)
	}
}

// R8, R17: a legacy username user's reset email goes to the email on file,
// and the command says where; the link sets their password.
func TestLegacyUserResetGoesOut(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, func(u accounts.User) bool { return u.Legacy() && u.ContactEmail != "" })
	var res resetSentJSON
	decodeJSON(t, mustRun(t, "users", "reset-password", u.Login(), "--db", db, "--operator", "dana",
		"--reason", "forgot password", "--verified-by", "called back on the number on file", "--json"), &res)
	if !res.OK || res.SentTo != u.ContactEmail || res.MessageID == 0 || res.Operator != "dana" {
		t.Fatalf("reset result: %+v (email on file %s)", res, u.ContactEmail)
	}
	m := lastMessage(t, db, u.ContactEmail)
	if m.ID != res.MessageID || m.Cause != accounts.ActResetSent {
		t.Errorf("outbox: %+v", m)
	}
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--user", u.Login(), "--limit", "1", "--json"), &evs)
	if e := evs[0]; e.Action != accounts.ActResetSent || e.Actor != "dana" || e.Reason != "forgot password" ||
		e.VerifiedBy != "called back on the number on file" {
		t.Errorf("audit: %+v", e)
	}
	mustRun(t, "act", "reset", linkIn(t, m), "--password", "a legacy user's new passphrase", "--db", db)
	mustRun(t, "act", "login", u.Login(), "--password", "a legacy user's new passphrase", "--db", db)

	// For people: where it went.
	r := mustRun(t, "users", "reset-password", u.Login(), "--db", db, "--operator", "dana", "--reason", "again", "--verified-by", "callback")
	if !strings.Contains(r.out, u.ContactEmail) || !strings.Contains(r.out, "outbox show") {
		t.Errorf("human output: %s", r.out)
	}
}

// R18: a refusal names every rule the password breaks: `password` is too
// short and common; a long blocklisted one and the user's own email are
// refused; 12 characters are too few without MFA and enough with it.
func TestPasswordRules(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	cur := demoPassword(t, db, u.Login())
	change := func(newPw string) []string {
		return []string{"act", "change-password", u.Login(), "--current", cur, "--new", newPw, "--db", db}
	}
	e := refusal(t, "R18", change("password")...)
	if !strings.Contains(e.Error, "shorter than 15") || !strings.Contains(e.Error, "common and breached") {
		t.Errorf("`password`: %s", e.Error)
	}
	if e := refusal(t, "R18", change("passwordpassword")...); !strings.Contains(e.Error, "common and breached") {
		t.Errorf("long blocklisted: %s", e.Error)
	}
	if e := refusal(t, "R18", change(u.Email)...); !strings.Contains(e.Error, "the same as the login email") {
		t.Errorf("own email: %s", e.Error)
	}
	const twelve = "twelve chars"
	if e := refusal(t, "R18", change(twelve)...); !strings.Contains(e.Error, "shorter than 15") {
		t.Errorf("12 characters without MFA: %s", e.Error)
	}
	// Human form names the rule too.
	if r := run(t, change("password")...); r.code != ExitRefused || !strings.Contains(r.err, "refused by R18") {
		t.Errorf("human refusal: exit %d %s", r.code, r.err)
	}

	enrollApp(t, db, u.Login(), cur)
	// With MFA, the password alone does not change the password (R22).
	refusal(t, "R22", change(twelve)...)
	totp := strings.TrimSpace(mustRun(t, "act", "totp", u.Login(), "--db", db).out)
	r := mustRun(t, append(change(twelve), "--code", totp)...)
	if !strings.Contains(r.out, "Your password was changed") {
		t.Errorf("12 characters with MFA: %s", r.out)
	}
	// The new password works (the second factor is asked next).
	if r := mustRun(t, "act", "login", u.Login(), "--password", twelve, "--db", db); !strings.Contains(r.out, "Password accepted") {
		t.Errorf("login: %s", r.out)
	}
}

// enrollApp sets up an authenticator app for login and confirms it with a
// code from act totp; the demo clock then moves to the next step, so the
// next code is a new one (R23).
func enrollApp(t *testing.T, db, login, password string) enrolJSON {
	t.Helper()
	var e enrolJSON
	decodeJSON(t, mustRun(t, "act", "enroll", login, "--password", password, "--method", "app", "--db", db, "--json"), &e)
	code := strings.TrimSpace(mustRun(t, "act", "totp", login, "--db", db).out)
	mustRun(t, "act", "confirm-enroll", login, "--code", code, "--db", db)
	mustRun(t, "clock", "advance", "30s", "--db", db, "--operator", "dana")
	return e
}

// R40: the user's side is for demo databases only.
func TestUserSideRefusedOnNonDemo(t *testing.T) {
	d := newDesk(t)
	for _, args := range [][]string{
		{"act", "forgot", d.owner},
		{"act", "reset", "https://app.latchkey.example/l/x", "--password", "p"},
		{"act", "change-password", d.owner, "--current", "a", "--new", "b"},
		{"act", "patient-login", "p", "--password", "x"},
		{"act", "patient-change-password", "p", "--current", "a", "--new", "b"},
		{"act", "enroll", d.owner, "--password", "p", "--method", "app"},
		{"act", "confirm-enroll", d.owner, "--code", "123456"},
		{"act", "totp", d.owner},
		{"act", "disable-mfa", d.owner},
	} {
		refusal(t, "R40", append(args, "--db", d.path)...)
	}
}

// The new commands' typing mistakes are usage errors (exit 64), never a
// refusal or a failure.
func TestIssue5And6UsageErrors(t *testing.T) {
	db, _ := newDemo(t)
	for _, args := range [][]string{
		{"users", "reset-password"},
		{"users", "reset-password", "x", "--reason", "r"},
		{"patients", "show"},
		{"patients", "list", "--limit", "-1"}, // 0 lists them all, as users list does
		{"patients", "reset-password", "1", "--reason", "r"},
		{"patients", "reset-password", "1", "--reason", " ", "--verified-by", "v"},
		{"mfa", "show"},
		{"mfa", "clear", "x", "--note", "n"},
		{"practices", "require-mfa", "1"},
		{"act", "forgot"},
		{"act", "reset", "LINK"},
		{"act", "change-password", "x", "--current", "c"},
		{"act", "enroll", "x", "--password", "p"},
		{"act", "enroll", "x", "--password", "p", "--method", "email", "--phone", "5035550123"},
		{"act", "confirm-enroll", "x"},
		{"act", "totp"},
	} {
		r := run(t, append(args, "--db", db)...)
		if r.code != ExitUsage || !strings.HasPrefix(r.err, "Error: ") {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, r.code, ExitUsage, r.err)
		}
	}
}
