package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The watch list in the console (R43, issue 13 item 4), at 80x24: a factor
// enrolled an hour after an MFA clear shows as WATCH 1 and on the Watch tab
// (8); W there records the review with a note; the audit has it.
func TestConsoleReviewsTheWatchList(t *testing.T) {
	bin, db := setUp(t)
	login, pw := plainUser(t, bin, db)
	totp := func() string { return strings.TrimSpace(string(latchkey(t, bin, "act", "totp", login, "--db", db))) }
	enrol := func() {
		latchkey(t, bin, "act", "enroll", login, "--password", pw, "--method", "app", "--db", db)
		latchkey(t, bin, "act", "confirm-enroll", login, "--code", totp(), "--db", db)
	}
	enrol()
	latchkey(t, bin, "clock", "advance", "192h", "--db", db) // nothing changed in 7 days (R42)
	var v struct {
		ID uint64 `json:"id"`
	}
	decode(t, latchkey(t, bin, "verify", "start", login, "--method", "app", "--json", "--db", db, "--operator", "carol"), &v)
	id := strconv.FormatUint(v.ID, 10)
	latchkey(t, bin, "verify", "check", id, "--code", totp(), "--db", db, "--operator", "carol")
	var res struct {
		Pending *struct {
			ID uint64 `json:"id"`
		} `json:"pending"`
	}
	decode(t, latchkey(t, bin, "mfa", "clear", login, "--verification", id, "--reason", "lost phone", "--json", "--db", db, "--operator", "carol"), &res)
	if res.Pending != nil { // four eyes (R42): another operator approves
		latchkey(t, bin, "approvals", "approve", fmt.Sprint(res.Pending.ID), "--note", "read the call notes", "--db", db, "--operator", "dave")
	}
	latchkey(t, bin, "clock", "advance", "1h", "--db", db)
	enrol()

	tm := startTmux(t, fmt.Sprintf("'%s' --db '%s' --operator e2e", bin, db), 80, 24)
	tm.waitFor("the WATCH badge", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "WATCH 1") && strings.Contains(s, "8 Watch (1)")
	})
	tm.send("8")
	tm.waitFor("the watched factor", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Watch list") && hasRow(s, login[:min(len(login), 12)]) && strings.Contains(s, "1h00m after")
	})
	tm.send("W")
	tm.waitFor("the review form", 5*time.Second, func(s string) bool { return focused(s, "What did the review find") })
	note := "called back on the number on file: it was them"
	tm.sendText(note)
	tm.waitFor("the note typed", 5*time.Second, func(s string) bool { return strings.Contains(s, note[:20]) })
	tm.send("Enter")
	tm.waitFor("the entry to leave", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "reviewed") && strings.Contains(s, "nothing to review") && !strings.Contains(s, "WATCH 1")
	})
	quit(tm)
	audited(t, bin, db, login, "watch.reviewed", note)
}

// plainUser is an active user with no roles, no lock and no second factor,
// and their demo password.
func plainUser(t *testing.T, bin, db string) (login, password string) {
	t.Helper()
	var users []userJSON
	decode(t, latchkey(t, bin, "users", "list", "--db", db, "--status", "active", "--json", "--limit", "80"), &users)
	for _, u := range users {
		if len(u.Roles) > 0 || u.Locked {
			continue
		}
		var show struct {
			MFA struct {
				State string `json:"state"`
			} `json:"mfa"`
		}
		decode(t, latchkey(t, bin, "users", "show", u.Login, "--db", db, "--json"), &show)
		if show.MFA.State != "none" {
			continue
		}
		return u.Login, strings.TrimSpace(string(latchkey(t, bin, "act", "password", u.Login, "--db", db)))
	}
	t.Fatal("no active user without roles or MFA in the demo")
	return "", ""
}
