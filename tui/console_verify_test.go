package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
)

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// R41, R42, R43: in the user detail, V offers only the methods this user
// has; the check dialog takes the code read back (a wrong one refused by
// R41), shows it passed with its countdown; the MFA clear uses it and, for
// an owner, waits for four eyes; the asking operator's A is refused (R42);
// another operator sees the APPROVALS badge and A carries the clear out,
// both names in the audit.
func TestVerifyAndFourEyesInTheConsole(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	owner := us[0]
	h.openUser(owner.ID)
	if v := h.view(); !strings.Contains(v, "[PRIVILEGED]") || !strings.Contains(v, "not verified") {
		t.Fatalf("risk and caller lines missing:\n%s", v)
	}
	h.key("V")
	if _, ok := h.form(accounts.ActionVerify); !ok || !strings.Contains(h.view(), "code by text to •••-•••-0142") {
		t.Fatalf("V did not offer the phone on file:\n%s", h.view())
	}
	if strings.Contains(h.view(), "authenticator app") {
		t.Fatalf("offered an app the user does not have:\n%s", h.view())
	}
	h.key("enter") // the phone on file
	h.key("enter") // no note
	cd, ok := h.m.Top().(*actions.CheckDialog)
	if !ok || !strings.Contains(h.view(), "expires in 15:00") {
		t.Fatalf("no check dialog:\n%s", h.view())
	}
	code := sixDigits.FindString(lastMessage(t, h.f, owner.MFA.Phone).Body)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	h.typeText(wrong)
	h.key("enter")
	if !strings.Contains(h.view(), "refused by R41") || cd.Verification().State != accounts.VerifyStarted {
		t.Fatalf("wrong code not refused:\n%s", h.view())
	}
	h.typeText(code)
	h.key("enter")
	if cd.Verification().State != accounts.VerifyPassed || !strings.Contains(h.view(), "PASSED") {
		t.Fatalf("right code not passed:\n%s", h.view())
	}
	h.key("esc")
	h.tick() // the change feed moved: the detail reloads within a second
	if !strings.Contains(h.view(), "PASSED, good for one action") {
		t.Fatalf("detail does not show the passed check:\n%s", h.view())
	}

	h.key("m")
	if !strings.Contains(h.view(), "PASSED: it goes with this action") {
		t.Fatalf("the clear form does not offer the passed check:\n%s", h.view())
	}
	h.key("enter") // no knowledge record: the check is the record
	h.key("enter")
	h.paste("lost phone")
	h.key("enter")
	h.key("y")
	if !strings.Contains(h.m.Flash(), "second operator") {
		t.Fatalf("no four eyes: %q", h.m.Flash())
	}
	if !strings.Contains(h.view(), "waits for another operator") {
		t.Fatalf("detail does not show the pending request:\n%s", h.view())
	}

	// The operator who asked is not offered the approval (R42): A opens no
	// form, the refusal says why.
	if !strings.Contains(h.view(), "A R42") {
		t.Fatalf("the approval is offered to the operator who asked:\n%s", h.view())
	}
	h.key("A")
	if h.m.Dialog() != "alert" || !strings.Contains(h.view(), "refused by R42") || !strings.Contains(h.view(), "alice asked for request #1") {
		t.Fatalf("own approval not refused:\n%s", h.view())
	}
	h.key("esc")
	if u, _ := h.f.Svc.User(owner.ID); u.MFA.Method != accounts.MFASMS {
		t.Fatal("cleared on the asking operator's approval")
	}

	// Another operator: the badge, then A.
	bob := New(h.f.Svc, Options{Operator: "bob", Location: time.UTC, Start: common.PaneUsers})
	bob.every = func() tea.Cmd { return nil }
	hb := &harness{t: t, m: bob, f: h.f}
	hb.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	hb.run(bob.Init())
	if !strings.Contains(hb.view(), "APPROVALS 1") {
		t.Fatalf("no approvals badge for bob:\n%s", hb.view())
	}
	// The badge leads to the request: a click opens its user (R42).
	at := strings.Index(strings.Split(hb.view(), "\n")[0], "APPROVALS 1")
	hb.send(tea.MouseClickMsg{X: at + 3, Y: 0, Button: tea.MouseLeft})
	if !hb.m.InDetail() || hb.m.Detail().UserID() != owner.ID {
		t.Fatalf("a click on APPROVALS did not open the user waiting:\n%s", hb.view())
	}
	hb.openUser(owner.ID)
	hb.key("A")
	if !strings.Contains(hb.view(), "Request #") || !strings.Contains(hb.view(), "PRIVILEGED") {
		t.Fatalf("the request is not described:\n%s", hb.view())
	}
	hb.key("down")
	hb.key("enter")
	hb.paste("read the call notes")
	hb.key("enter")
	hb.key("y")
	if u, _ := h.f.Svc.User(owner.ID); u.MFA.Method != accounts.MFANone {
		t.Fatalf("not cleared: flash %q\n%s", hb.m.Flash(), hb.view())
	}
	es, _ := h.f.Svc.Audit(accounts.AuditQuery{UserID: owner.ID, Limit: 20})
	found := false
	for _, e := range es {
		if e.Action == accounts.ActMFACleared && e.Outcome == accounts.OutcomeOK {
			found = e.Actor == "alice" && e.ApprovedBy == "bob" && e.VerifyMethod == "code"
		}
	}
	if !found {
		t.Fatalf("clear event lacks both names or the check: %+v", es)
	}

	// R43: a factor enrolled an hour later is watched: the badge, the risk
	// line, and W records the review.
	h.f.Clock.Advance(time.Hour)
	enrolSMS(t, h.f, owner)
	hb.tick()
	if !strings.Contains(hb.view(), "WATCH 1") || !strings.Contains(hb.view(), "[WATCH LIST]") {
		t.Fatalf("no watch badge or signal:\n%s", hb.view())
	}
	// bob approved the clear: the review is not his (R43).
	hb.key("W")
	if _, ok := hb.form(accounts.ActionReviewWatch); ok || !strings.Contains(hb.view(), "R43") {
		t.Fatalf("the approver was offered the review:\n%s", hb.view())
	}
	carol := New(h.f.Svc, Options{Operator: "carol", Location: time.UTC, Start: common.PaneUsers})
	carol.every = func() tea.Cmd { return nil }
	hc := &harness{t: t, m: carol, f: h.f}
	hc.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	hc.run(carol.Init())
	hc.openUser(owner.ID)
	hc.key("W")
	hc.key("enter") // no note: refused by the form
	if _, ok := hc.form(accounts.ActionReviewWatch); !ok {
		t.Fatalf("W without a note left the form:\n%s", hc.view())
	}
	hc.paste("called back on the number on file: it was them")
	hc.key("enter")
	if ws, _ := h.f.Svc.WatchList(false, 0); len(ws) != 0 {
		t.Fatalf("still watched: %+v\n%s", ws, hc.view())
	}
}

// R41: a check passed while the unlock form is open — the owner's approval
// the operator waited for, a code read back in another session — goes with
// the unlock and is recorded with it, as an MFA clear's does: it was left
// unused ("PASSED, good for one action") and the unlock recorded only the
// words typed.
func TestCheckPassedWithTheFormOpenGoesWithTheUnlock(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	u := us[0] // a phone on file (startCheck)
	for range 5 {
		_, _ = h.f.Svc.Login(u.Email, "wrong password")
	}
	h.openUser(u.ID)
	h.key("u")
	if _, ok := h.form(accounts.ActionUnlock); !ok {
		t.Fatalf("u did not open the form:\n%s", h.view())
	}
	v, err := h.f.Svc.StartVerification(accounts.Operator("alice"), u.ID, accounts.VerifyStart{Method: accounts.VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	if v, err = h.f.Svc.CheckVerification(accounts.Operator("alice"), v.ID, sixDigits.FindString(lastMessage(t, h.f, u.MFA.Phone).Body)); err != nil || v.State != accounts.VerifyPassed {
		t.Fatalf("the check: %+v %v", v, err)
	}
	h.tick()
	h.paste("locked out before clinic")
	h.key("enter")
	h.paste("code read back")
	h.key("enter")
	h.key("y")
	evs, err := h.f.Svc.Audit(accounts.AuditQuery{Limit: 5, UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Action == accounts.ActAccountUnlocked {
			if e.Verification != v.ID {
				t.Fatalf("the unlock does not record check #%d: %+v", v.ID, e)
			}
			return
		}
	}
	t.Fatalf("not unlocked: %q\n%s", h.m.Flash(), h.view())
}

// R41: the unlock form says what holds now. A check that passes while the
// form is open (the owner's approval waited for, a code read back in
// another session) turns its "no passed caller check" into "check #N
// PASSED: it goes with this action", and the form no longer asks how the
// caller was verified: the check is the record, as when it passed before
// the form opened. The confirm says so too.
func TestUnlockFormTextFollowsACheckPassedWhileOpen(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	u := us[0] // a phone on file (startCheck)
	for range 5 {
		_, _ = h.f.Svc.Login(u.Email, "wrong password")
	}
	h.openUser(u.ID)
	h.key("u")
	if _, ok := h.form(accounts.ActionUnlock); !ok || !strings.Contains(scrub(h.view()), "no passed caller check") {
		t.Fatalf("u did not open the form saying no check passed:\n%s", h.view())
	}
	h.paste("locked out before clinic")
	v, err := h.f.Svc.StartVerification(accounts.Operator("alice"), u.ID, accounts.VerifyStart{Method: accounts.VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	if v, err = h.f.Svc.CheckVerification(accounts.Operator("alice"), v.ID, sixDigits.FindString(lastMessage(t, h.f, u.MFA.Phone).Body)); err != nil || v.State != accounts.VerifyPassed {
		t.Fatalf("the check: %+v %v", v, err)
	}
	h.tick()
	view := scrub(h.view())
	if strings.Contains(view, "no passed caller check") || !strings.Contains(view, "PASSED: it goes with this action") {
		t.Fatalf("the form still says no check passed:\n%s", h.view())
	}
	if strings.Contains(view, "How was the caller verified?") {
		t.Fatalf("the form still asks how the caller was verified:\n%s", h.view())
	}
	if f, _ := h.form(accounts.ActionUnlock); f.Values().Str("reason") != "locked out before clinic" {
		t.Fatalf("the reason typed was lost: %q", f.Values().Str("reason"))
	}
	h.key("enter")
	h.key("enter") // nothing to add to the check
	if c := scrub(h.view()); !strings.Contains(c, "Verified: caller check #") {
		t.Fatalf("the confirm does not name the check:\n%s", h.view())
	}
	h.key("y")
	if got, _ := h.f.Svc.User(u.ID); got.Locked() {
		t.Fatalf("not unlocked: %q\n%s", h.m.Flash(), h.view())
	}
}
