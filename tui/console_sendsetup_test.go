package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// R3, R6, R19, R41: the setup-email form asks who asked when a new address
// is typed: it stays open, naming the rule, until a requester the service
// accepts is recorded; with the operator's passed check of them attached,
// the new address gets the link, the old one is told (masked), and the
// requester and the check are in the audit.
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
	pv := passedCheck(t, h.f, "alice", owner) // the owner's request proven (R3, R41)
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
	if err != nil || len(evs) != 1 || evs[0].Action != accounts.ActVerificationSent || evs[0].Requester != owner.Email || evs[0].Verification != pv {
		t.Fatalf("requester not recorded: %+v %v", evs, err)
	}
}

// R42, R3, R41: a new practice's only user, its pending owner: the setup
// email typed to a new address is not sent on one operator's word — the
// form's answer names R42 and the request waiting; a second operator sees
// on the detail and in A what approving sends (the new and the old
// address), and approving sends it, the audit naming both.
func TestOnlyOwnersRedirectWaitsForASecondOperator(t *testing.T) {
	h, _ := mailHarness(t, 120, 36, common.PaneUsers)
	p, err := h.f.Svc.CreatePractice(op, "Fresh Start Clinic", 3)
	if err != nil {
		t.Fatal(err)
	}
	const old, fresh = "olga.onboard@example.org", "olga.real@example.net"
	owner, err := h.f.Svc.CreateUser(op, accounts.NewUser{PracticeID: p.ID, Name: "Olga Onboard", Kind: accounts.KindProvider,
		Roles: accounts.Roles{Owner: true, Admin: true}, Email: old, EmailConfirm: old}, accounts.Request{Reason: "onboarding"})
	if err != nil {
		t.Fatal(err)
	}
	h.openUser(owner.ID)
	h.key("v")
	if _, ok := h.form(accounts.ActionSendSetup); !ok {
		t.Fatalf("v did not open the form:\n%s", h.view())
	}
	h.paste(fresh)
	h.key("enter")
	h.paste(fresh)
	h.key("enter")
	h.paste("typo at onboarding, says the caller")
	h.key("enter")
	// R42, R35: filing the request is the form's answer, as for an MFA
	// clear: the form closes (there is nothing to type again), the flash
	// says what waits, and the request's own event is no "change since
	// this form opened" (another operator, the user or the system).
	if h.m.Dialog() != "" || !strings.Contains(h.m.Flash(), "second operator") || !strings.Contains(h.m.Flash(), "R42") {
		t.Fatalf("filing the redirect did not close the form with what waits: dialog %q flash %q\n%s", h.m.Dialog(), h.m.Flash(), h.view())
	}
	h.tick()
	if v := strings.Join(strings.Fields(h.view()), " "); strings.Contains(v, staleNotice) || !strings.Contains(v, "setup email to "+fresh) {
		t.Fatalf("after filing, the detail warns of a change or does not show what waits:\n%s", h.view())
	}
	if u, _ := h.f.Svc.User(owner.ID); u.Email != old {
		t.Fatalf("redirected on one operator's word: %s", u.Email)
	}

	// Another operator: the detail says what waits, A shows it, approving sends.
	bob := New(h.f.Svc, Options{Operator: "bob", Location: time.UTC, Start: common.PaneUsers})
	bob.every = func() tea.Cmd { return nil }
	hb := &harness{t: t, m: bob, f: h.f}
	hb.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	hb.run(bob.Init())
	hb.openUser(owner.ID)
	if v := hb.view(); !strings.Contains(v, "setup email to "+fresh) || !strings.Contains(v, "waits for you (A approves)") {
		t.Fatalf("the detail does not say what waits:\n%s", v)
	}
	hb.key("A")
	if v := hb.view(); !strings.Contains(v, "Four eyes: the setup email of") || !strings.Contains(v, "on file: "+old) {
		t.Fatalf("the request is not described:\n%s", v)
	}
	hb.key("down")
	hb.key("enter")
	hb.paste("checked the signed onboarding form")
	hb.key("enter")
	hb.key("y")
	if u, _ := h.f.Svc.User(owner.ID); u.Email != fresh {
		t.Fatalf("not sent on approval: %s; flash %q\n%s", u.Email, hb.m.Flash(), hb.view())
	}
	if !strings.Contains(hb.m.Flash(), "sent the setup email") {
		t.Fatalf("flash %q", hb.m.Flash())
	}
	evs, err := h.f.Svc.Audit(accounts.AuditQuery{Limit: 20, UserID: owner.ID})
	found := false
	for _, e := range evs {
		found = found || (e.Action == accounts.ActVerificationSent && e.Actor == "alice" && e.ApprovedBy == "bob")
	}
	if err != nil || !found {
		t.Fatalf("the redirect's event does not name both operators: %+v %v", evs, err)
	}
}

// R31: a refusal's title says what was tried and on whom in words that
// read: "Send the setup email: Ada (ada@…) — refused by R9", as the refusal
// before a form says "Clear MFA: not for Ada" — the action's title and the
// person were run together ("Send the setup email Ada", "Verify the caller
// Ada").
func TestRefusalTitleReads(t *testing.T) {
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	var pending accounts.User
	for _, u := range us {
		if u.Status == accounts.StatusPending {
			pending = u
			break
		}
	}
	h.openUser(pending.ID)
	h.key("v")
	h.paste("info@example.org") // a role mailbox: refused by R9
	h.key("enter")
	h.paste("info@example.org")
	h.key("enter")
	h.paste("resend")
	h.key("enter")
	h.paste(us[0].Email)
	h.key("enter")
	v := strings.Join(strings.Fields(h.view()), " ")
	if want := "Send the setup email: " + pending.Name; h.m.Dialog() != "alert" || !strings.Contains(v, want) {
		t.Fatalf("want a refusal titled %q:\n%s", want, h.view())
	}
}
