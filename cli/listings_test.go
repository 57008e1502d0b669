package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// keysOf returns the keys of each object in a JSON array.
func keysOf(t *testing.T, r result) []map[string]json.RawMessage {
	t.Helper()
	var rows []map[string]json.RawMessage
	decodeJSON(t, r, &rows)
	return rows
}

func requireKeys(t *testing.T, row map[string]json.RawMessage, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := row[k]; !ok {
			t.Errorf("JSON object lacks %q: %v", k, row)
		}
	}
}

func requireRFC3339(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("time %s is not a string", raw)
	}
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q is not RFC 3339: %v", s, err)
	}
	return tm
}

// R11, R12, R33: lockouts lists locked accounts, the soonest lift first, in
// the documented JSON shape.
func TestLockoutsJSON(t *testing.T) {
	d := newDesk(t)
	rows := keysOf(t, mustRun(t, "lockouts", "--db", d.path, "--json"))
	if len(rows) != 2 {
		t.Fatalf("want 2 lockouts, got %d", len(rows))
	}
	var prev time.Time
	for i, row := range rows {
		requireKeys(t, row, "user", "practice", "locked_at", "unlocks_at", "failures")
		var user string
		_ = json.Unmarshal(row["user"], &user)
		if user != d.locked[i] {
			t.Errorf("row %d is %s, want %s (soonest lift first)", i, user, d.locked[i])
		}
		at, until := requireRFC3339(t, row["locked_at"]), requireRFC3339(t, row["unlocks_at"])
		if got := until.Sub(at); got != time.Hour { // R12: the lock lasts 60 minutes
			t.Errorf("lock lasts %s, want 1h", got)
		}
		if until.Before(prev) {
			t.Error("lockouts not ordered by lift time")
		}
		prev = until
		if string(row["failures"]) != "5" {
			t.Errorf("failures = %s, want 5", row["failures"])
		}
	}
	human := mustRun(t, "lockouts", "--db", d.path)
	for _, want := range []string{"USER", "UNLOCKS IN", d.locked[0], "Maple Clinic", "40:00", "50:00" /* the clock stands 20m after lee's lock, 10m after kim's */} {
		if !strings.Contains(human.out, want) {
			t.Errorf("human lockouts lack %q:\n%s", want, human.out)
		}
	}
}

// R12: a lock whose time is up is lifted before listing, as the system.
func TestLockoutsAfterLift(t *testing.T) {
	d := newDesk(t)
	d.clk.Advance(45 * time.Minute) // 10:05: lee's lock (9:00-10:00) is past its hour; kim's (9:10-10:10) is not
	rows := keysOf(t, mustRun(t, "lockouts", "--db", d.path, "--json"))
	if len(rows) != 1 || !strings.Contains(string(rows[0]["user"]), "kim.locked") {
		t.Fatalf("want only kim's lock left, got %v", rows)
	}
	audit := mustRun(t, "audit", "list", "--db", d.path, "--json", "--limit", "5")
	if !strings.Contains(audit.out, `"action": "account.lock_lifted"`) || !strings.Contains(audit.out, `"actor_kind": "system"`) {
		t.Errorf("the lift is not audited as the system:\n%s", audit.out)
	}
	if r := mustRun(t, "lockouts", "--db", d.path); strings.Contains(r.out, "lee.locked") {
		t.Errorf("lifted lock still listed:\n%s", r.out)
	}
}

// R1, R33: practices list carries the license counts.
func TestPracticesListJSON(t *testing.T) {
	d := newDesk(t)
	rows := keysOf(t, mustRun(t, "practices", "list", "--db", d.path, "--json"))
	if len(rows) != 1 {
		t.Fatalf("want 1 practice, got %d", len(rows))
	}
	requireKeys(t, rows[0], "id", "name", "purchased", "in_use", "free", "at_capacity")
	if string(rows[0]["purchased"]) != "6" || string(rows[0]["in_use"]) != "5" || string(rows[0]["free"]) != "1" {
		t.Errorf("license counts wrong: %v", rows[0])
	}
	if got := keysOf(t, mustRun(t, "practices", "list", "--db", d.path, "--json", "--search", "nosuch")); len(got) != 0 {
		t.Errorf("search for nosuch found %v", got)
	}
	if r := mustRun(t, "practices", "list", "--db", d.path, "--search", "map"); !strings.Contains(r.out, "Maple Clinic") {
		t.Errorf("search by word prefix failed:\n%s", r.out)
	}
}

// R33: users list in the documented shape; roles a list, never null; filters.
func TestUsersListJSON(t *testing.T) {
	d := newDesk(t)
	var users []struct {
		Login    string   `json:"login"`
		Name     string   `json:"name"`
		Practice string   `json:"practice"`
		Kind     string   `json:"kind"`
		Roles    []string `json:"roles"`
		Status   string   `json:"status"`
		Locked   bool     `json:"locked"`
	}
	r := mustRun(t, "users", "list", "--db", d.path, "--json")
	for _, row := range keysOf(t, r) {
		requireKeys(t, row, "login", "name", "practice", "kind", "roles", "status", "locked")
		if string(row["roles"]) == "null" {
			t.Errorf("roles is null: %v", row)
		}
	}
	decodeJSON(t, r, &users)
	if len(users) != 5 {
		t.Fatalf("want 5 users, got %d", len(users))
	}
	if u := users[0]; u.Login != d.owner || u.Kind != "provider" || strings.Join(u.Roles, ",") != "owner,admin" || u.Practice != "Maple Clinic" {
		t.Errorf("owner row wrong: %+v", u)
	}
	locked := mustRun(t, "users", "list", "--db", d.path, "--status", "locked", "--json")
	decodeJSON(t, locked, &users)
	if len(users) != 2 || !users[0].Locked || !users[1].Locked {
		t.Errorf("--status locked: %+v", users)
	}
	pending := mustRun(t, "users", "list", "--db", d.path, "--status", "pending", "--practice", "maple clinic", "--json")
	decodeJSON(t, pending, &users)
	if len(users) != 4 || users[0].Status != "pending" {
		t.Errorf("--status pending --practice: %+v", users)
	}
	// Only the owner, who finished setup before asking for anyone (R3, R4).
	active := mustRun(t, "users", "list", "--db", d.path, "--status", "active", "--json")
	decodeJSON(t, active, &users)
	if len(users) != 1 || users[0].Login != d.owner {
		t.Errorf("--status active: want only the owner, got %+v", users)
	}
	search := mustRun(t, "users", "list", "--db", d.path, "--search", "kim", "--json")
	decodeJSON(t, search, &users)
	if len(users) != 1 || users[0].Login != "kim.locked@mapleclinic.test" {
		t.Errorf("--search kim: %+v", users)
	}
	if r := run(t, "users", "list", "--db", d.path, "--practice", "Nowhere"); r.code != ExitFailure || !strings.Contains(r.err, "Nowhere") {
		t.Errorf("unknown practice: exit %d, %s", r.code, r.err)
	}
}

// R31, R33: users show gives the detail view's facts.
func TestUsersShow(t *testing.T) {
	d := newDesk(t)
	var got struct {
		Login       string      `json:"login"`
		Locked      bool        `json:"locked"`
		Failures    int         `json:"failures"`
		UnlocksAt   *time.Time  `json:"unlocks_at"`
		RecentAudit []auditJSON `json:"recent_audit"`
	}
	decodeJSON(t, mustRun(t, "users", "show", d.locked[0], "--db", d.path, "--json"), &got)
	if !got.Locked || got.Failures != 5 || got.UnlocksAt == nil || len(got.RecentAudit) == 0 {
		t.Errorf("show: %+v", got)
	}
	if got.RecentAudit[0].Action != "account.locked" {
		t.Errorf("newest event is %s, want account.locked", got.RecentAudit[0].Action)
	}
	human := mustRun(t, "users", "show", d.locked[0], "--db", d.path)
	for _, want := range []string{"LOCKED since", "Maple Clinic", "Recent audit", "login.failed"} {
		if !strings.Contains(human.out, want) {
			t.Errorf("users show lacks %q:\n%s", want, human.out)
		}
	}
	if r := run(t, "users", "show", "nobody@nowhere.test", "--db", d.path); r.code != ExitFailure || !strings.Contains(r.err, "nobody@nowhere.test") {
		t.Errorf("unknown user: exit %d, %s", r.code, r.err)
	}
}

// R32: the CLI says how long a lock has left as the console does, and
// "now" once it is due.
func TestHumanLeftReadsAsTheConsole(t *testing.T) {
	cases := map[time.Duration]string{
		time.Hour:                       "1:00:00",
		59*time.Minute + 55*time.Second: "59:55",
		400 * time.Millisecond:          "0:01",
		0:                               "now",
		-time.Minute:                    "now",
	}
	for d, want := range cases {
		if got := humanLeft(d); got != want {
			t.Errorf("humanLeft(%s) = %q, want %q", d, got, want)
		}
	}
}
