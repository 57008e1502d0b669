package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// watched puts a factor of u (active, with SMS MFA) on the watch list as it
// happens at the desk (R41-R43): a week later operator carol checks the
// caller by a code to the phone on file, clears the MFA (another operator
// approves, when four eyes are needed), and an hour later u enrols again.
func watched(t *testing.T, f *fixture.Fixture, u accounts.User) {
	t.Helper()
	f.Clock.Advance(8 * 24 * time.Hour) // nothing of u changed in the last 7 days (R42)
	carol := accounts.Operator("carol")
	v, err := f.Svc.StartVerification(carol, u.ID, accounts.VerifyStart{Method: accounts.VerifyCode, Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	code := codeRe.FindString(lastMessage(t, f, "+15032530142").Body)
	if _, err := f.Svc.CheckVerification(carol, v.ID, code); err != nil {
		t.Fatal(err)
	}
	res, err := f.Svc.ClearMFAVerified(carol, u.ID, accounts.ClearMFARequest{Verification: v.ID, Reason: "lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pending != nil {
		if _, _, err := f.Svc.ApproveRequest(accounts.Operator("dave"), res.Pending.ID, "read the call notes"); err != nil {
			t.Fatal(err)
		}
	}
	f.Clock.Advance(65 * time.Minute)
	enrolSMS(t, f, u)
	if ws, _ := f.Svc.WatchList(false, 0); len(ws) != 1 {
		t.Fatalf("watch list %+v", ws)
	}
}

// R43 (issue 13 item 4): the Watch tab lists the factor enrolled soon after
// a clear — who, practice, factor, when, the clear it follows — with its
// count on the tab and the WATCH badge in the header, which a click follows
// there; enter opens the user; W records the review with a required note,
// through the service, and the entry leaves the list and the badges.
func TestWatchPane(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		f, err := fixture.Build(t.TempDir()+"/console.db", small)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = f.Svc.Close() })
		us := mail(t, f)
		u := us[2] // active since mail()
		enrolSMS(t, f, u)
		watched(t, f, u)

		h := harnessFor(t, f, size[0], size[1], common.PaneUsers)
		if v := h.view(); !strings.Contains(v, "WATCH 1") || !strings.Contains(v, "8 Watch (1)") {
			t.Fatalf("no WATCH badge or tab count:\n%s", v)
		}
		at := strings.Index(strings.Split(h.view(), "\n")[0], "WATCH 1")
		h.send(tea.MouseClickMsg{X: at + 2, Y: 0, Button: tea.MouseLeft})
		if h.m.Active() != common.PaneWatch {
			t.Fatalf("a click on the WATCH badge did not lead to the watch list: %v", h.m.Active())
		}
		v := h.view()
		for _, want := range []string{"Watch list", u.Name, "text message", "1h05m after"} {
			if !strings.Contains(v, want) {
				t.Fatalf("the watch pane lacks %q:\n%s", want, v)
			}
		}
		if size[0] >= 120 && !strings.Contains(v, "carol") {
			t.Fatalf("the clear's operator is not shown:\n%s", v)
		}
		t.Run(fmt.Sprintf("watch_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(h.view()))
		})

		h.key("enter")
		if !h.m.InDetail() || h.m.Detail().UserID() != u.ID || !strings.Contains(h.view(), "[WATCH LIST]") {
			t.Fatalf("enter did not open the watched user:\n%s", h.view())
		}
		h.key("esc")
		h.key("W")
		if _, ok := h.form(accounts.ActionReviewWatch); !ok {
			t.Fatalf("W did not open the review:\n%s", h.view())
		}
		h.key("enter") // no note: the form refuses (R43)
		if _, ok := h.form(accounts.ActionReviewWatch); !ok {
			t.Fatalf("a review without a note left the form:\n%s", h.view())
		}
		h.paste("called back on the number on file: it was them")
		h.key("enter")
		h.tick() // the change feed moved: the badges follow
		if ws, _ := f.Svc.WatchList(false, 0); len(ws) != 0 {
			t.Fatalf("still on the watch list: %+v\n%s", ws, h.view())
		}
		v = h.view()
		if len(h.m.Watch().Entries()) != 0 || strings.Contains(v, "WATCH 1") || strings.Contains(v, "Watch (1)") ||
			!strings.Contains(v, "nothing to review") {
			t.Fatalf("the reviewed entry did not leave:\n%s", v)
		}
		es, _ := f.Svc.Audit(accounts.AuditQuery{UserID: u.ID, Limit: 5})
		if len(es) == 0 || es[0].Action != accounts.ActWatchReviewed || es[0].Actor != "alice" {
			t.Fatalf("the review is not in the audit: %+v", es)
		}
	}
}
