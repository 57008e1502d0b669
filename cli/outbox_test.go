package cli

import (
	"regexp"
	"strings"
	"testing"

	"latchkey/accounts"
)

// liveToken is a link's token as the recipient's copy carries it.
var liveToken = regexp.MustCompile(`/l/[A-Za-z0-9_-]{20,}`)

// R30: on a database that is not a demo, outbox list and show give what the
// service gives the desk: links masked, and say so; a demo shows them.
func TestOutboxMaskedOutsideDemo(t *testing.T) {
	d := newDesk(t)
	svc, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.UserByLogin(d.staff[0])
	if err == nil {
		_, _, err = svc.SendVerification(accounts.Operator("dana"), u.ID, "", "", accounts.Request{Reason: "resend"})
	}
	_ = svc.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := lastMessage(t, d.path, d.staff[0])
	if liveToken.MatchString(m.Body) || !strings.Contains(m.Body, accounts.MaskText) || !m.Masked || m.LinkID == 0 {
		t.Fatalf("list --json: %+v", m)
	}
	if r := mustRun(t, "outbox", "list", "--db", d.path); !strings.Contains(r.out, accounts.MaskedNotice) {
		t.Errorf("list does not say the secrets are masked:\n%s", r.out)
	}
	if r := mustRun(t, "outbox", "show", uitoa(m.ID), "--db", d.path); !strings.Contains(r.out, accounts.MaskText) ||
		!strings.Contains(r.out, accounts.MaskedNotice) || liveToken.MatchString(r.out) {
		t.Errorf("show:\n%s", r.out)
	}

	db, clk := newDemo(t)
	u = demoUser(t, db, clk, verifiedNoMFA)
	mustRun(t, "act", "forgot", u.Email, "--db", db)
	if m := lastMessage(t, db, u.Email); m.Masked || !liveToken.MatchString(m.Body) {
		t.Errorf("a demo's outbox: %+v", m)
	}
}
