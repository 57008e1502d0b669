package cli

import (
	"bytes"
	"encoding/base32"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"latchkey/accounts"
)

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// codeIn is the 6-digit code a message carries.
func codeIn(t *testing.T, m messageJSON) string {
	t.Helper()
	c := codeRE.FindString(m.Body)
	if c == "" {
		t.Fatalf("message #%d carries no code:\n%s", m.ID, m.Body)
	}
	return c
}

// R21, R22, R23: enrolling an app prints a QR code and the manual key; the
// method is active once a code from act totp is confirmed; a code logs the
// user in once and the same code is refused the second time.
func TestAppEnrolmentAndTOTPOnce(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	pw := demoPassword(t, db, u.Login())

	r := mustRun(t, "act", "enroll", u.Login(), "--password", pw, "--method", "app", "--db", db)
	for _, want := range []string{"Scan this QR code", "▀", "Or type this key into the app:", "act confirm-enroll"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("enrolment output lacks %q:\n%s", want, r.out)
		}
	}
	if strings.Contains(r.out, "Note:") {
		t.Errorf("an app enrolment got the weaker-method notice:\n%s", r.out)
	}
	// Not active until confirmed (R22).
	var v mfaShowJSON
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if v.Method != accounts.MFANone || v.Enrolling != accounts.MFAApp {
		t.Errorf("before confirming: %+v", v.MFAView)
	}
	refusal(t, "R23", "act", "confirm-enroll", u.Login(), "--code", "000000", "--db", db)
	code := strings.TrimSpace(mustRun(t, "act", "totp", u.Login(), "--db", db).out)
	if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
		t.Fatalf("act totp printed %q, want the code alone", code)
	}
	mustRun(t, "act", "confirm-enroll", u.Login(), "--code", code, "--db", db)
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if v.Method != accounts.MFAApp || v.EnrolledAt.IsZero() || !strings.HasPrefix(v.Strength, "strong") {
		t.Errorf("after confirming: %+v", v.MFAView)
	}

	mustRun(t, "clock", "advance", "30s", "--db", db, "--operator", "dana")
	var step loginJSON
	decodeJSON(t, mustRun(t, "act", "login", u.Login(), "--password", pw, "--db", db, "--json"), &step)
	if step.Stage != "code" || step.Method != "app" {
		t.Errorf("password alone: %+v", step)
	}
	code = strings.TrimSpace(mustRun(t, "act", "totp", u.Login(), "--db", db).out)
	var ok loginJSON
	decodeJSON(t, mustRun(t, "act", "login", u.Login(), "--password", pw, "--code", code, "--db", db, "--json"), &ok)
	if ok.Outcome != "ok" || ok.Stage != "dashboard" {
		t.Errorf("login with the code: %+v", ok)
	}
	e := refusal(t, "R23", "act", "login", u.Login(), "--password", pw, "--code", code, "--db", db)
	if !strings.Contains(e.Error, "already used") {
		t.Errorf("replay: %+v", e)
	}
	// R25: the user cannot turn it off.
	refusal(t, "R25", "act", "disable-mfa", u.Login(), "--db", db)
}

// R21: SMS goes to US numbers only: a UK number is refused naming R21; a US
// number in a usual form is accepted, masked, with the notice that an app
// is stronger.
func TestSMSEnrolmentUSOnly(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	pw := demoPassword(t, db, u.Login())
	e := refusal(t, "R21", "act", "enroll", u.Login(), "--password", pw, "--method", "sms", "--phone", "+44 20 7946 0958", "--db", db)
	if !strings.Contains(e.Error, "+1") {
		t.Errorf("UK number: %+v", e)
	}
	if r := run(t, "act", "enroll", u.Login(), "--password", pw, "--method", "sms", "--db", db); r.code != ExitUsage {
		t.Errorf("sms without --phone: exit %d", r.code)
	}
	if r := run(t, "act", "enroll", u.Login(), "--password", pw, "--method", "pigeon", "--db", db); r.code != ExitUsage {
		t.Errorf("--method pigeon: exit %d", r.code)
	}
	r := mustRun(t, "act", "enroll", u.Login(), "--password", pw, "--method", "sms", "--phone", "(503) 253-0123", "--db", db)
	if !strings.Contains(r.out, "0123") || strings.Contains(r.out, "503") || !strings.Contains(r.out, accounts.WeakMethodNotice) {
		t.Errorf("US number:\n%s", r.out)
	}
	m := lastMessage(t, db, "+15032530123")
	mustRun(t, "act", "confirm-enroll", u.Login(), "--code", codeIn(t, m), "--db", db)
	var v mfaShowJSON
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if v.Method != accounts.MFASMS || v.Phone == "" || strings.Contains(v.Phone, "503") {
		t.Errorf("mfa show: %+v", v.MFAView)
	}
	// users show carries the method too, the phone masked the same way.
	var d userDetailJSON
	decodeJSON(t, mustRun(t, "users", "show", u.Login(), "--db", db, "--json"), &d)
	if d.MFA.Method != accounts.MFASMS || d.MFA.Phone != v.Phone {
		t.Errorf("users show --json mfa: %+v", d.MFA)
	}
	human := mustRun(t, "users", "show", u.Login(), "--db", db).out
	if !strings.Contains(human, "sms to "+v.Phone) || strings.Contains(human, "503") {
		t.Errorf("users show:\n%s", human)
	}
}

// R23: an email code is valid 5 minutes: refused at 5:00 of demo clock,
// accepted at 4:59.
func TestEmailCodeExpiresAfterFiveMinutes(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	pw := demoPassword(t, db, u.Login())
	enroll := func() string {
		var e enrolJSON
		decodeJSON(t, mustRun(t, "act", "enroll", u.Login(), "--password", pw, "--method", "email", "--db", db, "--json"), &e)
		if e.Notice != accounts.WeakMethodNotice || e.SentTo == "" || e.SentTo == u.Email {
			t.Errorf("email enrolment: %+v", e)
		}
		return codeIn(t, lastMessage(t, db, u.Email))
	}
	code := enroll()
	mustRun(t, "clock", "advance", "5m", "--db", db, "--operator", "dana")
	if e := refusal(t, "R23", "act", "confirm-enroll", u.Login(), "--code", code, "--db", db); !strings.Contains(e.Error, "expired") {
		t.Errorf("after 5 minutes: %+v", e)
	}
	code = enroll()
	mustRun(t, "clock", "advance", "4m59s", "--db", db, "--operator", "dana")
	mustRun(t, "act", "confirm-enroll", u.Login(), "--code", code, "--db", db)

	// At login, an emailed code is sent and expires the same way.
	var step loginJSON
	decodeJSON(t, mustRun(t, "act", "login", u.Login(), "--password", pw, "--db", db, "--json"), &step)
	if step.Stage != "code" || step.Method != "email" {
		t.Fatalf("login: %+v", step)
	}
	code = codeIn(t, lastMessage(t, db, u.Email))
	mustRun(t, "clock", "advance", "5m", "--db", db, "--operator", "dana")
	refusal(t, "R23", "act", "login", u.Login(), "--password", pw, "--code", code, "--db", db)
}

// R24: only at an owner's or admin's request does an operator turn the
// requirement on; then a user without MFA must enroll at the next login.
func TestPracticeRequirementForcesEnrolment(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, func(u accounts.User) bool { return verifiedNoMFA(u) && u.Roles == accounts.Roles{} })
	owner := demoUser(t, db, clk, func(o accounts.User) bool { return o.PracticeID == u.PracticeID && o.Roles.Owner })
	pr := uitoa(u.PracticeID)
	refusal(t, "R24", "practices", "require-mfa", pr, "on", "--requested-by", u.Login(), "--db", db, "--operator", "dana")
	if r := run(t, "practices", "require-mfa", pr, "maybe", "--requested-by", owner.Login(), "--db", db); r.code != ExitUsage {
		t.Errorf("maybe: exit %d", r.code)
	}
	var res requireMFAJSON
	decodeJSON(t, mustRun(t, "practices", "require-mfa", pr, "on", "--requested-by", owner.Login(), "--reason", "insurer asks",
		"--db", db, "--operator", "dana", "--json"), &res)
	if !res.MFARequired || res.RequestedBy != owner.Login() || res.Operator != "dana" {
		t.Errorf("require-mfa: %+v", res)
	}
	refusal(t, "R24", "practices", "require-mfa", pr, "on", "--requested-by", owner.Login(), "--db", db, "--operator", "dana")
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--limit", "2", "--json"), &evs)
	if e := evs[1]; e.Action != accounts.ActMFARequired || e.Requester != owner.Login() || e.Reason != "insurer asks" {
		t.Errorf("audit: %+v", e)
	}

	pw := demoPassword(t, db, u.Login())
	var step loginJSON
	decodeJSON(t, mustRun(t, "act", "login", u.Login(), "--password", pw, "--db", db, "--json"), &step)
	if step.Stage != "enroll" || step.Outcome != "must_enroll" {
		t.Errorf("next login: %+v", step)
	}
	var v mfaShowJSON
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if !v.Required || !v.MustEnroll {
		t.Errorf("mfa show: %+v", v.MFAView)
	}
	enrollApp(t, db, u.Login(), pw)
	decodeJSON(t, mustRun(t, "act", "login", u.Login(), "--password", pw, "--db", db, "--json"), &step)
	if step.Stage != "code" {
		t.Errorf("after enrolling: %+v", step)
	}
	decodeJSON(t, mustRun(t, "practices", "require-mfa", pr, "off", "--requested-by", owner.Login(), "--db", db, "--operator", "dana", "--json"), &res)
	if res.MFARequired {
		t.Errorf("off: %+v", res)
	}
}

// R26, R41, R42, R43: mfa clear without any record is a usage error naming
// R26 and R41; a knowledge check alone is recorded and refused (R41, saying
// R42 too for an owner); with a passed code check the owner's clear waits
// for a second operator; the same operator cannot approve; another's
// approval clears, both names in the audit; the user and the owners are
// told; an enrolment an hour later is on the watch list until reviewed.
func TestMFAClearNeedsVerification(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, func(u accounts.User) bool { return verifiedNoMFA(u) && u.Roles.Owner })
	pw := demoPassword(t, db, u.Login())
	enrollApp(t, db, u.Login(), pw)

	base := []string{"mfa", "clear", u.Login(), "--db", db, "--operator", "dana", "--note", "called 503-555-0100 from the practice record", "--reason", "lost phone"}
	for _, extra := range [][]string{nil, {"--verified-by", "he sounded nice"}, {"--verified-by", " "}} {
		r := run(t, append(base, extra...)...)
		if r.code != ExitUsage || !strings.Contains(r.err, "R26") || !strings.Contains(r.err, "callback") || !strings.Contains(r.err, "R41") {
			t.Errorf("%v: exit %d\n%s", extra, r.code, r.err)
		}
	}
	e := refusal(t, "R41", append(base, "--verified-by", "owner")...)
	if !strings.Contains(e.Error, "R42") || !strings.Contains(e.Error, "privileged") {
		t.Errorf("knowledge-only refusal does not say what is missing: %+v", e)
	}
	var v mfaShowJSON
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if v.Method != accounts.MFAApp {
		t.Fatalf("refused clears cleared it: %+v", v.MFAView)
	}

	id := strings.TrimSpace(mustRun(t, "verify", "start", u.Login(), "--method", "code", "--db", db, "--operator", "dana").out)
	code := codeIn(t, lastMessage(t, db, u.Email))
	mustRun(t, "verify", "check", id, "--code", code, "--db", db, "--operator", "dana")
	var res mfaClearJSON
	decodeJSON(t, mustRun(t, append(base, "--verification", id, "--verified-by", "callback", "--json")...), &res)
	if res.Outcome != "pending_approval" || res.Pending == nil || res.Pending.State != accounts.ApprovalPending {
		t.Fatalf("owner clear did not wait for four eyes: %+v", res)
	}
	n := uitoa(res.Pending.ID)
	refusal(t, "R42", "approvals", "approve", n, "--db", db, "--operator", "dana")
	refusal(t, "R42", "approvals", "approve", n, "--db", db, "--operator", " DANA ")
	if show := mustRun(t, "approvals", "show", n, "--db", db).out; !strings.Contains(show, "Clears") || !strings.Contains(show, "app, enrolled") {
		t.Errorf("approvals show does not say what approving clears:\n%s", show)
	}
	var list []accounts.ApprovalView
	decodeJSON(t, mustRun(t, "approvals", "list", "--db", db, "--operator", "eli", "--json"), &list)
	if len(list) != 1 || list[0].RequestedBy != "dana" {
		t.Fatalf("approvals list: %+v", list)
	}
	mustRun(t, "approvals", "approve", n, "--db", db, "--operator", "eli", "--note", "checked")
	decodeJSON(t, mustRun(t, "mfa", "show", u.Login(), "--db", db, "--json"), &v)
	if v.Method != accounts.MFANone {
		t.Fatalf("after approval: %+v", v.MFAView)
	}
	m := lastMessage(t, db, u.Email)
	if m.Cause != accounts.ActMFACleared || !strings.Contains(m.Subject, "cleared") {
		t.Errorf("notice: %+v", m)
	}
	var evs []auditJSON
	decodeJSON(t, mustRun(t, "audit", "list", "--db", db, "--user", u.Login(), "--limit", "3", "--json"), &evs)
	var clear *auditJSON
	for i := range evs {
		if evs[i].Action == accounts.ActMFACleared {
			clear = &evs[i]
		}
	}
	if clear == nil || clear.Actor != "dana" || clear.Reason != "lost phone" ||
		!strings.Contains(clear.VerifiedBy, "code by email") || !strings.Contains(clear.VerifiedBy, "call-back to the number on file") ||
		!strings.Contains(clear.Detail, "approved by eli") || clear.ApprovedBy != "eli" || clear.VerifyMethod != "code" || clear.VerifyResult != "passed" {
		t.Errorf("audit: %+v", evs)
	}
	// Nothing left to clear.
	refusal(t, "R26", append(base, "--verified-by", "owner")...)

	// R43: enrolled an hour later: on the watch list until reviewed.
	mustRun(t, "clock", "advance", "1h", "--db", db, "--operator", "dana")
	enrollApp(t, db, u.Login(), pw)
	var ws []accounts.WatchEntry
	decodeJSON(t, mustRun(t, "watch", "list", "--db", db, "--operator", "eli", "--json"), &ws)
	if len(ws) != 1 || ws[0].Login != u.Login() {
		t.Fatalf("watch list: %+v", ws)
	}
	var d userDetailJSON
	decodeJSON(t, mustRun(t, "users", "show", u.Login(), "--db", db, "--json"), &d)
	found := false
	for _, r := range d.Risk {
		found = found || r.Signal == accounts.SignalWatchList
	}
	if !found {
		t.Errorf("risk: %+v", d.Risk)
	}
	// Neither operator of the four-eyes clear reviews it; a third does.
	refusal(t, "R43", "watch", "review", uitoa(ws[0].ID), "--note", "it was them", "--db", db, "--operator", "eli")
	if human := mustRun(t, "watch", "list", "--db", db).out; !strings.Contains(human, "approved by eli") {
		t.Errorf("watch list does not name the approver:\n%s", human)
	}
	mustRun(t, "watch", "review", uitoa(ws[0].ID), "--note", "called back on file", "--db", db, "--operator", "fay")
	decodeJSON(t, mustRun(t, "watch", "list", "--db", db, "--operator", "eli", "--json"), &ws)
	if len(ws) != 0 {
		t.Errorf("still watched: %+v", ws)
	}
}

// R26: every identity check has a short alias, and each alias and full text
// is accepted.
func TestIdentityAliases(t *testing.T) {
	for _, c := range accounts.IdentityChecks {
		found := false
		for _, al := range identityAliases {
			found = found || al.check == c
		}
		if !found {
			t.Errorf("no alias for %q", c)
		}
		if got, err := parseIdentityCheck(strings.ToUpper(c)); err != nil || got != c {
			t.Errorf("full text %q: %q, %v", c, got, err)
		}
	}
	for _, al := range identityAliases {
		got, err := parseIdentityCheck(al.alias)
		if err != nil || got != al.check {
			t.Errorf("alias %s: %q, %v", al.alias, got, err)
		}
		valid := false
		for _, c := range accounts.IdentityChecks {
			valid = valid || c == got
		}
		if !valid {
			t.Errorf("alias %s names %q, not one of accounts.IdentityChecks", al.alias, got)
		}
	}
}

// R37: the raw database file holds no TOTP secret: not the base32 secret of
// an app just enrolled, in any case, nor its bytes, nor an otpauth URI.
func TestRawDatabaseHoldsNoTOTPSecret(t *testing.T) {
	skipOnPostgres(t)
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	e := enrollApp(t, db, u.Login(), demoPassword(t, db, u.Login()))
	uri, err := url.Parse(e.URI)
	if err != nil {
		t.Fatal(err)
	}
	secret := uri.Query().Get("secret")
	if secret == "" || strings.ReplaceAll(e.ManualKey, " ", "") != secret {
		t.Fatalf("secret %q, manual key %q", secret, e.ManualKey)
	}
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	for name, needle := range map[string][]byte{
		"base32 secret": []byte(secret), "lower-case secret": []byte(strings.ToLower(secret)),
		"manual key": []byte(e.ManualKey), "secret bytes": decoded, "otpauth URI": []byte("otpauth://"),
	} {
		if bytes.Contains(raw, needle) {
			t.Errorf("R37: the database file holds the %s", name)
		}
	}
}

// R37: --key-file names the key that seals secrets; a database opened
// without its key file is refused naming R37 and the file, and no key is
// made in its place.
func TestKeyFileFlag(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, func(u accounts.User) bool { return u.MFA.Method == accounts.MFAApp })
	mustRun(t, "act", "totp", u.Login(), "--db", db) // the key of TestMain
	other := filepath.Join(t.TempDir(), "other.key")
	r := run(t, "act", "totp", u.Login(), "--db", db, "--key-file", other)
	if r.code != ExitRefused || !strings.Contains(r.err, "R37") || !strings.Contains(r.err, other) || !strings.Contains(r.err, "--key-file") {
		t.Errorf("wrong key: exit %d\n%s", r.code, r.err)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("opening with a missing key file created one")
	}
	// Everything else still works with the wrong key (R37).
	mustRun(t, "mfa", "show", u.Login(), "--db", db, "--key-file", other)
}

// R37, R29, R16: check says whether this machine holds the database's key
// file (so each machine of a desk can be checked), and that without it
// unknown logins are audited with their marker withheld and "Forgot your
// password?" sends no email; it informs without failing,
// and never makes a key file.
func TestCheckSaysWhichKey(t *testing.T) {
	db, _ := newDemo(t)
	if r := mustRun(t, "check", "--db", db); !strings.Contains(r.out, "the one the database's codes, TOTP secrets and unknown-login markers are keyed with (R37)") {
		t.Errorf("check with the desk's key:\n%s", r.out)
	}
	other := filepath.Join(t.TempDir(), "other.key")
	r := mustRun(t, "check", "--db", db, "--key-file", other)
	if !strings.Contains(r.out, "Warning: one-time codes and app logins are refused on this machine: R37") || !strings.Contains(r.out, other) ||
		!strings.Contains(r.out, "an unknown login's marker withheld") || !strings.Contains(r.out, `"Forgot your password?" sends no email here`) {
		t.Errorf("check without the key file:\n%s", r.out)
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("check created a key file")
	}
}

// R22: act enroll on an account with MFA needs --code from the current
// method: without it a code is sent there and the command is refused; with
// it the switch starts, and the user is told at the login email once done.
func TestSwitchNeedsCurrentCode(t *testing.T) {
	db, clk := newDemo(t)
	u := demoUser(t, db, clk, verifiedNoMFA)
	pw := demoPassword(t, db, u.Login())
	mustRun(t, "act", "enroll", u.Login(), "--password", pw, "--method", "sms", "--phone", "(503) 253-0123", "--db", db)
	mustRun(t, "act", "confirm-enroll", u.Login(), "--code", codeIn(t, lastMessage(t, db, "+15032530123")), "--db", db)

	e := refusal(t, "R22", "act", "enroll", u.Login(), "--password", pw, "--method", "app", "--db", db)
	if !strings.Contains(e.Error, "0123") {
		t.Errorf("the refusal should say where the code went: %+v", e)
	}
	code := codeIn(t, lastMessage(t, db, "+15032530123"))
	mustRun(t, "act", "enroll", u.Login(), "--password", pw, "--code", code, "--method", "app", "--db", db)
	totp := strings.TrimSpace(mustRun(t, "act", "totp", u.Login(), "--db", db).out)
	mustRun(t, "act", "confirm-enroll", u.Login(), "--code", totp, "--db", db)
	if m := lastMessage(t, db, u.Email); !strings.Contains(m.Subject, "changed to app") || !strings.Contains(m.Body, "authenticator app") {
		t.Errorf("the user was not told of the switch: %+v", m)
	}
}
