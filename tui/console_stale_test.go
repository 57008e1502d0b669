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
