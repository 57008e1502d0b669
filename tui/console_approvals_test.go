package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// R42: the MFA clear waiting for a second operator is reached from the
// keyboard too — the APPROVALS badge is a click, and over SSH or in a
// terminal without a mouse the palette offers it first: ": enter" opens
// the user whose request has waited longest.
func TestPaletteOffersTheApprovalWaiting(t *testing.T) {
	h, owner, _ := startCheck(t)
	h.typeText(sixDigits.FindString(lastMessage(t, h.f, owner.MFA.Phone).Body))
	h.key("enter")
	h.key("esc")
	h.key("m")
	h.key("enter")
	h.key("enter")
	h.paste("lost phone")
	h.key("enter")
	h.key("y")
	if !strings.Contains(h.m.Flash(), "second operator") {
		t.Fatalf("no four eyes: %q", h.m.Flash())
	}
	// R35: the operator's own request is no change "since this form opened".
	h.tick()
	if v := strings.Join(strings.Fields(h.view()), " "); h.m.Dialog() != "" || strings.Contains(v, staleNotice) {
		t.Fatalf("after filing the clear, a form or a change warning is left:\n%s", h.view())
	}
	// R42: a second clear is not offered while this one waits: m says so
	// at once, not after a new caller check and a whole form.
	if v := h.view(); !strings.Contains(v, "m R42") {
		t.Fatalf("the detail still offers a second clear:\n%s", v)
	}
	h.key("m")
	if v := strings.Join(strings.Fields(h.view()), " "); h.m.Dialog() == "form" || !strings.Contains(v, "R42") || !strings.Contains(v, "already waits") {
		t.Fatalf("m while a clear waits:\n%s", h.view())
	}
	h.key("esc")

	bob := New(h.f.Svc, Options{Operator: "bob", Location: time.UTC, Start: common.PaneLockouts})
	bob.every = func() tea.Cmd { return nil }
	hb := &harness{t: t, m: bob, f: h.f}
	hb.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	hb.run(bob.Init())
	if !strings.Contains(hb.view(), "APPROVALS 1") {
		t.Fatalf("no approvals badge for bob:\n%s", hb.view())
	}
	hb.key(":")
	if v := hb.view(); !strings.Contains(v, "approval") {
		t.Fatalf("the palette does not offer the approval waiting:\n%s", v)
	}
	hb.key("enter")
	if !hb.m.InDetail() || hb.m.Detail().UserID() != owner.ID {
		t.Fatalf("enter did not open the user waiting:\n%s", hb.view())
	}
	// The operator who asked is not offered their own request.
	h.key("esc")
	h.key(":")
	if v := h.view(); strings.Contains(v, "wait for your approval") {
		t.Fatalf("the asking operator is offered their own request:\n%s", v)
	}
}

// R31: a user reached with the palette is the user selected when the
// operator goes back from the detail — the next key (x, u) must not land on
// whatever row the list had before the jump.
func TestPaletteJumpLeavesTheUserSelected(t *testing.T) {
	h := newHarness(t, small, 120, 36, common.PaneUsers)
	us := usersOf(t, h.f, 3)
	target := us[len(us)-1]
	h.key(":")
	h.paste(target.Login())
	h.key("enter")
	if !h.m.InDetail() || h.m.Detail().UserID() != target.ID {
		t.Fatalf("the palette did not open %s:\n%s", target.Login(), h.view())
	}
	h.key("esc")
	if h.m.InDetail() {
		t.Fatal("esc did not go back to the list")
	}
	if sel := h.m.focused().Selection(); sel.UserID != target.ID {
		t.Fatalf("back from the detail, user #%d is selected, not #%d:\n%s", sel.UserID, target.ID, h.view())
	}
}
