package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// demoWithAppEnrolment builds a small demo database (R39, R40) in which an
// active user has started setting up an authenticator app (R22).
func demoWithAppEnrolment(t *testing.T) (*fixture.Fixture, accounts.User) {
	t.Helper()
	cfg := fixture.Config()
	clock := accounts.NewFakeClock(fixture.Start)
	svc, err := accounts.CreateDemo(filepath.Join(t.TempDir(), "demo.db"),
		accounts.DemoOptions{Practices: 2, Seed: 7, Clock: clock, Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	rs, err := svc.Users(accounts.UserQuery{Status: accounts.StatusActive, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.MFA.State() != accounts.MFAStateNone || r.Legacy() || r.Locked() {
			continue
		}
		pw, err := svc.DemoPassword(r.Login())
		if err != nil {
			continue
		}
		if _, err := svc.StartEnrolment(r.Login(), pw, "", accounts.MFAApp, ""); err != nil {
			t.Fatal(err)
		}
		u, _ := svc.User(r.ID)
		return &fixture.Fixture{Svc: svc, Clock: clock}, u
	}
	t.Fatal("no active user without MFA in the demo")
	return nil, accounts.User{}
}

// R21, R22, R40: in a demo database, Q in the detail of a user setting up an
// app shows the QR code they would scan with the manual key, fitting 80x24;
// a terminal too small for the code says so and shows the key alone.
func TestEnrolmentQR(t *testing.T) {
	f, u := demoWithAppEnrolment(t)
	h := harnessFor(t, f, 80, 24, common.PaneUsers)
	h.openUser(u.ID)
	if v := h.view(); !strings.Contains(v, "enrolling app") || !strings.Contains(v, "Q") {
		t.Fatalf("the detail does not show the enrolment or Q:\n%s", v)
	}
	h.key("Q")
	if h.m.Dialog() != "qr" {
		t.Fatalf("Q did not show the code:\n%s", h.view())
	}
	e, _ := f.Svc.EnrolmentQR(u.Login())
	v := h.view()
	lines := strings.Split(v, "\n")
	if len(lines) > 24 {
		t.Fatalf("%d lines at 80x24", len(lines))
	}
	firstKey := strings.Fields(e.ManualKey)[0]
	if !strings.Contains(v, "▀") || !strings.Contains(v, firstKey) || strings.Contains(v, "needs") {
		t.Fatalf("no QR code or key at 80x24:\n%s", v)
	}
	h.send(windowSize(60, 20))
	v = h.view()
	if !strings.Contains(v, "The QR code needs") || strings.Contains(v, "▀▀") || !strings.Contains(v, firstKey) {
		t.Fatalf("a small terminal should get the key alone:\n%s", v)
	}
	h.key("esc")
	if h.m.Dialog() != "" || !h.m.InDetail() {
		t.Fatal("esc did not close the code")
	}
	// Outside a demo Q shows no code: accounts says why (R40).
	other := newHarness(t, small, 80, 24, common.PaneUsers)
	other.openUser(usersOf(t, other.f, 1)[0].ID)
	other.key("Q")
	if other.m.Dialog() != "alert" || !strings.Contains(other.view(), "R40") {
		t.Fatalf("Q outside a demo:\n%s", other.view())
	}
}

// The golden screens of issues 4 and 6, at 80x24 and 120x36: the outbox, a
// message with its link's state, the practice detail, the add-user form, the
// MFA clear form and a user's detail with MFA. Link tokens and codes are
// random, so they are replaced before the comparison.
// Refresh with: go test ./tui -run TestGoldenUsersMFA -update
func TestGoldenUsersMFA(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		h, us := mailHarness(t, size[0], size[1], common.PanePractices)
		// The owner asks in the product (through the desk it would need
		// their passed caller check, R2, R41, and its code in the outbox).
		owner := accounts.Actor{Kind: accounts.ActorUser, Name: us[0].Email, UserID: us[0].ID}
		if _, err := h.f.Svc.RequestLicenses(owner, 2, 2, accounts.Request{Reason: "spring hires"}); err != nil {
			t.Fatal(err)
		}
		snap := func(name string) {
			t.Helper()
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				golden.RequireEqual(t, []byte(scrub(h.view())))
			})
		}
		h.key("6")
		snap("outbox")
		h.key("/")
		h.typeText(us[1].Email)
		h.key("enter")
		h.key("down") // the older, superseded link
		h.key("enter")
		snap("message")
		h.key("esc")
		h.key("esc")
		h.send(common.OpenPracticeMsg{PracticeID: 2})
		snap("practice")
		h.key("a")
		snap("add_user_form")
		h.key("esc")
		h.openUser(us[0].ID)
		snap("user_mfa")
		h.key("m") // before a passed caller check: refused at once (R41)
		snap("mfa_clear_refused")
		h.key("esc")
		alice := accounts.Operator("alice") // the console's operator: a check vouches for its maker (R41)
		pv, err := h.f.Svc.StartVerification(alice, us[0].ID, accounts.VerifyStart{Method: accounts.VerifyCode, Channel: "sms"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.f.Svc.CheckVerification(alice, pv.ID, sixDigits.FindString(lastMessage(t, h.f, us[0].MFA.Phone).Body)); err != nil {
			t.Fatal(err)
		}
		h.key("m")
		snap("mfa_clear_form")
	}
}

func windowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
