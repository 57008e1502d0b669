package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/common"
)

const staleNotice = "changed since this form opened"

// R35: an open form says so when its user changed under it — and only
// then. The operator's own refused try (brought back to the form as typed)
// and a failed login by the user change nothing an operator acts on, and
// the service does not refuse the form for them: the console must not warn
// that "another operator, the user or the system acted".
func TestFormNoticeOnlyForRealChanges(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	var pending accounts.User
	for _, u := range us {
		if u.Status == accounts.StatusPending {
			pending = u
			break
		}
	}
	if pending.ID == 0 {
		t.Fatal("no pending user in the fixture")
	}
	h.openUser(pending.ID)
	h.key("v")
	if _, ok := h.form(accounts.ActionSendSetup); !ok {
		t.Fatalf("no setup-email form:\n%s", h.view())
	}
	h.paste("info@example.org") // a role mailbox: refused by R9
	h.key("enter")
	h.paste("info@example.org")
	h.key("enter")
	h.paste("resend")
	h.key("enter")
	h.paste(us[0].Email) // its owner asked: a new address needs a requester (R3)
	h.key("enter")
	if v := h.view(); !strings.Contains(v, "refused by R9") {
		t.Fatalf("no R9 refusal:\n%s", v)
	}
	h.key("enter") // back to the form, as typed
	h.tick()
	if v := h.view(); strings.Contains(strings.Join(strings.Fields(v), " "), staleNotice) {
		t.Fatalf("the operator's own refusal was announced as a change:\n%s", v)
	}
	// A failed login by the user: recorded, but no change to act on.
	if _, err := h.f.Svc.Login(pending.Email, "wrong password"); err == nil {
		t.Fatal("a pending user logged in")
	}
	h.tick()
	if v := h.view(); strings.Contains(strings.Join(strings.Fields(v), " "), staleNotice) {
		t.Fatalf("a failed login was announced as a change:\n%s", v)
	}
	// Another operator sends the email meanwhile: that is a change.
	if _, _, err := h.f.Svc.SendVerification(accounts.Actor{Kind: accounts.ActorOperator, Name: "bob"}, pending.ID, "", "",
		accounts.Request{Reason: "resend"}); err != nil {
		t.Fatal(err)
	}
	h.tick()
	if v := h.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), staleNotice) {
		t.Fatalf("another operator's change was not said:\n%s", v)
	}
}

// R35: a form refused as stale goes back "as you typed it" — and acting
// again from it is the operator's informed choice: the refusal said what
// changed and the fresh state, so the form now goes by the record as it is
// (the service checks every rule on it again). It was refused as stale
// again and again: "back to the form" was a dead end.
func TestStaleFormActsAgainOnTheFreshRecord(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	owner, leaver := us[0], us[1]
	h.openUser(leaver.ID)
	h.key("x")
	if _, ok := h.form(accounts.ActionInactivate); !ok {
		t.Fatalf("x did not open the form:\n%s", h.view())
	}
	h.paste(owner.Email)
	h.key("enter")
	h.paste("left on Friday")
	h.key("enter")
	// Another operator acts on the user before this is confirmed.
	if _, _, err := h.f.Svc.SendVerification(accounts.Actor{Kind: accounts.ActorOperator, Name: "bob"}, leaver.ID, "", "",
		accounts.Request{Reason: "resend"}); err != nil && accounts.RuleOf(err) == "" {
		t.Fatal(err)
	}
	h.key("y")
	if v := h.view(); h.m.Dialog() != "alert" || !strings.Contains(v, "refused by R35") {
		t.Fatalf("no R35 refusal:\n%s", v)
	}
	h.key("enter") // back to the form, as typed
	h.tick()
	for i := 0; i < 4 && h.m.Dialog() == "form"; i++ {
		h.key("enter") // through the fields as typed, to the confirm
	}
	if h.m.Dialog() == "confirm" {
		h.key("y")
	}
	if u, _ := h.f.Svc.User(leaver.ID); u.Status != accounts.StatusInactive {
		t.Fatalf("acting again from the form after the R35 refusal: %s; flash %q\n%s", u.Status, h.m.Flash(), h.view())
	}
}
