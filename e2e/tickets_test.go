package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Five tickets in six keys (issue 12, item 7): from an open console, each
// common ticket takes at most six keystrokes plus the text typed (the name
// searched for, the reason, who asked). Each subtest sends exactly those
// keys to the real binary in tmux, counting them, and checks the audit.

const maxTicketKeys = 6

// keys counts the keystrokes a ticket sends; typed text is not counted.
type keys struct {
	tm *tmux
	n  int
}

func (k *keys) press(key string) {
	k.tm.t.Helper()
	k.n++
	k.tm.send(key)
}

func (k *keys) text(s string) {
	k.tm.t.Helper()
	k.tm.sendText(s)
}

func (k *keys) done() {
	k.tm.t.Helper()
	if k.n > maxTicketKeys {
		k.tm.t.Errorf("the ticket took %d keys, more than %d", k.n, maxTicketKeys)
	}
}

// jump opens a record by the palette: ":", its login or name, enter (2 keys).
func (k *keys) jump(text, want string) {
	k.tm.t.Helper()
	k.press(":")
	k.tm.waitFor("the palette", 5*time.Second, func(s string) bool { return strings.Contains(s, "enter go") })
	k.text(text)
	k.tm.waitFor("the palette finding "+text, 5*time.Second, func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "›") && strings.Contains(l, want) {
				return true
			}
		}
		return false
	})
	k.press("Enter")
}

type userJSON struct {
	Login    string   `json:"login"`
	Name     string   `json:"name"`
	Practice string   `json:"practice"`
	Roles    []string `json:"roles"`
	Status   string   `json:"status"`
	Locked   bool     `json:"locked"`
}

type eventJSON struct {
	Action  string `json:"action"`
	Actor   string `json:"actor"`
	Reason  string `json:"reason"`
	Outcome string `json:"outcome"`
}

func audited(t *testing.T, bin, db, login, action, reason string) {
	t.Helper()
	var events []eventJSON
	decode(t, latchkey(t, bin, "audit", "list", "--db", db, "--json", "--user", login, "--limit", "10"), &events)
	for _, e := range events {
		if e.Action == action && e.Outcome == "ok" && e.Actor == "e2e" && e.Reason == reason {
			return
		}
	}
	t.Errorf("no %s of %s by e2e with reason %q: %+v", action, login, reason, events)
}

// console opens the desk and waits for it.
func console(t *testing.T, bin, db string) (*tmux, *keys) {
	t.Helper()
	tm := startTmux(t, fmt.Sprintf("'%s' --db '%s' --operator e2e", bin, db), 120, 36)
	tm.waitFor("the console's tabs", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "Lockouts") && strings.Contains(s, "Practices")
	})
	return tm, &keys{tm: tm}
}

func quit(tm *tmux) {
	tm.send("q")
	tm.waitFor("the console to quit", 5*time.Second, func(s string) bool { return strings.Contains(s, "EXITED 0") })
}

func TestTickets(t *testing.T) {
	bin, db := setUp(t)

	// Unlock a named locked user: : login enter · u · reason enter · verified enter · y.
	t.Run("unlock", func(t *testing.T) {
		var locked []userJSON
		decode(t, latchkey(t, bin, "users", "list", "--db", db, "--status", "locked", "--json", "--limit", "1"), &locked)
		u := locked[0]
		tm, k := console(t, bin, db)
		k.jump(u.Login, u.Name)
		tm.waitFor("the user's detail", 5*time.Second, func(s string) bool { return strings.Contains(s, "LOCKED") && strings.Contains(s, "Not now") })
		k.press("u")
		tm.waitFor("the unlock form", 5*time.Second, func(s string) bool { return focused(s, "Reason") })
		k.text("locked out after vacation")
		k.press("Enter")
		tm.waitFor("the verification field", 5*time.Second, func(s string) bool { return focused(s, "verified") })
		k.text("callback on the number on file")
		k.press("Enter")
		tm.waitFor("the confirmation", 5*time.Second, isConfirm)
		k.press("y")
		tm.waitFor("the unlock", 5*time.Second, func(s string) bool { return strings.Contains(s, "Unlocked") })
		k.done()
		quit(tm)
		audited(t, bin, db, u.Login, "account.unlocked", "locked out after vacation")
	})

	// Resend the setup email of a named pending user: : login enter · v · enter enter (same address) · reason enter.
	t.Run("resend setup email", func(t *testing.T) {
		var pending []userJSON
		decode(t, latchkey(t, bin, "users", "list", "--db", db, "--status", "pending", "--json", "--limit", "1"), &pending)
		u := pending[0]
		tm, k := console(t, bin, db)
		k.jump(u.Login, u.Name)
		tm.waitFor("the user's detail", 5*time.Second, func(s string) bool { return strings.Contains(s, "email not verified") })
		k.press("v")
		tm.waitFor("the setup email form", 5*time.Second, func(s string) bool { return focused(s, "New login email") })
		k.press("Enter")
		k.press("Enter")
		tm.waitFor("the reason field", 5*time.Second, func(s string) bool { return focused(s, "Reason") })
		k.text("never got the email")
		k.press("Enter")
		tm.waitFor("the email sent", 5*time.Second, func(s string) bool { return strings.Contains(s, "Setup email sent") })
		k.done()
		quit(tm)
		audited(t, bin, db, u.Login, "verification.sent", "never got the email")
	})

	// Inactivate a named leaver: : login enter · x · who asked enter · reason enter · y.
	t.Run("inactivate", func(t *testing.T) {
		var active []userJSON
		decode(t, latchkey(t, bin, "users", "list", "--db", db, "--status", "active", "--json", "--limit", "50"), &active)
		var leaver, owner userJSON
		for _, u := range active {
			if len(u.Roles) == 0 && !u.Locked {
				leaver = u
				break
			}
		}
		var people []userJSON
		decode(t, latchkey(t, bin, "users", "list", "--db", db, "--practice", leaver.Practice, "--json", "--limit", "0"), &people)
		for _, u := range people {
			if u.Status == "active" && strings.Contains(strings.Join(u.Roles, ","), "owner") {
				owner = u
				break
			}
		}
		if leaver.Login == "" || owner.Login == "" {
			t.Fatalf("no leaver and owner in the demo: %+v %+v", leaver, owner)
		}
		tm, k := console(t, bin, db)
		k.jump(leaver.Login, leaver.Name)
		tm.waitFor("the user's detail", 5*time.Second, func(s string) bool { return strings.Contains(s, "Not now") })
		k.press("x")
		tm.waitFor("the inactivate form", 5*time.Second, func(s string) bool { return focused(s, "Requested by") })
		k.text(owner.Login)
		k.press("Enter")
		tm.waitFor("the reason field", 5*time.Second, func(s string) bool { return focused(s, "Reason") })
		k.text("left the practice on Friday")
		k.press("Enter")
		tm.waitFor("the confirmation", 5*time.Second, func(s string) bool { return strings.Contains(s, "[ Inactivate ]") })
		k.press("y")
		tm.waitFor("the inactivation", 5*time.Second, func(s string) bool { return strings.Contains(s, "Inactivated") })
		k.done()
		quit(tm)
		audited(t, bin, db, leaver.Login, "user.inactivated", "left the practice on Friday")
	})

	// Clear the MFA of a named user after a passed caller check (R41): the
	// check is done first (here by the command line, as the operator's V
	// would), then : login enter · m · reason enter · y.
	t.Run("clear MFA", func(t *testing.T) {
		var active []userJSON
		decode(t, latchkey(t, bin, "users", "list", "--db", db, "--status", "active", "--json", "--limit", "80"), &active)
		var u userJSON
		for _, c := range active {
			if len(c.Roles) > 0 || c.Locked {
				continue
			}
			var m struct {
				Method string `json:"method"`
			}
			decode(t, latchkey(t, bin, "mfa", "show", c.Login, "--db", db, "--json"), &m)
			if m.Method != "" && m.Method != "none" {
				u = c
				break
			}
		}
		if u.Login == "" {
			t.Fatal("no user with MFA in the demo")
		}
		var v struct {
			ID uint64 `json:"id"`
		}
		decode(t, latchkey(t, bin, "verify", "start", u.Login, "--method", "code", "--channel", "email",
			"--db", db, "--operator", "e2e", "--json"), &v)
		var ms []struct {
			Body string `json:"body"`
		}
		decode(t, latchkey(t, bin, "outbox", "list", "--db", db, "--json", "--limit", "1"), &ms)
		code := regexp.MustCompile(`\b\d{6}\b`).FindString(ms[0].Body)
		latchkey(t, bin, "verify", "check", fmt.Sprint(v.ID), "--code", code, "--db", db, "--operator", "e2e")

		tm, k := console(t, bin, db)
		k.jump(u.Login, u.Name)
		tm.waitFor("the user's detail", 5*time.Second, func(s string) bool { return strings.Contains(s, "Not now") })
		k.press("m")
		tm.waitFor("the clear form, asking only why", 5*time.Second, func(s string) bool { return focused(s, "Reason") })
		k.text("lost phone")
		k.press("Enter")
		tm.waitFor("the confirmation", 5*time.Second, func(s string) bool { return strings.Contains(s, "[ Clear MFA ]") })
		k.press("y")
		tm.waitFor("the clear", 5*time.Second, func(s string) bool {
			return strings.Contains(s, "Cleared the MFA") || strings.Contains(s, "second operator")
		})
		k.done()
		quit(tm)
		var events []eventJSON
		decode(t, latchkey(t, bin, "audit", "list", "--db", db, "--json", "--user", u.Login, "--limit", "10"), &events)
		for _, e := range events {
			if (e.Action == "mfa.cleared" || strings.HasPrefix(e.Action, "approval")) && e.Actor == "e2e" && e.Reason == "lost phone" {
				return
			}
		}
		t.Errorf("no audited clear (or four-eyes request) of %s: %+v", u.Login, events)
	})

	// Read the free licenses of a named practice: : name enter.
	t.Run("free licenses", func(t *testing.T) {
		var ps []struct {
			Name string `json:"name"`
			Free int    `json:"free"`
		}
		decode(t, latchkey(t, bin, "practices", "list", "--db", db, "--json", "--limit", "3"), &ps)
		p := ps[2]
		tm, k := console(t, bin, db)
		k.jump(p.Name, p.Name)
		want := fmt.Sprintf("%d free", p.Free)
		tm.waitFor("the practice's free licenses", 5*time.Second, func(s string) bool { return strings.Contains(s, want) })
		k.done()
		quit(tm)
	})
}
