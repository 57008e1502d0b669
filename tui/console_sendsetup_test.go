package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// R3, R6, R19: the setup-email form asks who asked when a new address is
// typed: it stays open, naming the rule, until a requester the service
// accepts is recorded; then the new address gets the link, the old one is
// told (masked), and the requester is in the audit.
func TestSendSetupToANewAddressAsksWhoAsked(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	owner, pending := us[0], us[1]
	if pending.Status != accounts.StatusPending {
		t.Fatalf("fixture: %s is %s", pending.Email, pending.Status)
	}
	h.openUser(pending.ID)
	h.key("v")
	if _, ok := h.form(accounts.ActionSendSetup); !ok {
		t.Fatalf("v did not open the form:\n%s", h.view())
	}
	if v := h.view(); strings.Contains(v, "Requested by") {
		t.Fatalf("a requester is asked before a new address is typed:\n%s", v)
	}
	const to = "pending.home@example.net"
	h.paste(to)
	h.key("enter")
	h.paste(to)
	h.key("enter")
	h.paste("typo in the email")
	h.key("enter")
	h.key("enter") // nobody recorded
	if v := h.view(); h.m.Dialog() != "form" || !strings.Contains(v, "Requested by") || !strings.Contains(v, "record who asked (R3)") {
		t.Fatalf("a new address went without a requester:\n%s", v)
	}
	h.paste(owner.Email)
	h.key("enter")
	if !strings.Contains(h.m.Flash(), "Setup email sent to "+to) {
		t.Fatalf("flash %q\n%s", h.m.Flash(), h.view())
	}
	told := lastMessage(t, h.f, pending.Email)
	if !strings.Contains(told.Subject, "sent to another address") || strings.Contains(told.Body, to) {
		t.Fatalf("the old address was not told, masked: %+v", told)
	}
	evs, err := h.f.Svc.Audit(accounts.AuditQuery{Limit: 1, UserID: pending.ID})
	if err != nil || len(evs) != 1 || evs[0].Action != accounts.ActVerificationSent || evs[0].Requester != owner.Email {
		t.Fatalf("requester not recorded: %+v %v", evs, err)
	}
}
