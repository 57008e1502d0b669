package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/panes"
)

// usersShown are the ids of the users pane's loaded rows.
func usersShown(h *harness) []uint64 {
	var ids []uint64
	for _, r := range h.m.tabs[tabIndex(common.PaneUsers)].(*panes.Users).Items() {
		ids = append(ids, r.ID)
	}
	return ids
}

// want are the ids the service lists for q, every page.
func wantUsers(t *testing.T, svc *accounts.Service, q accounts.UserQuery) []uint64 {
	t.Helper()
	q.Limit = 5000
	rows, err := svc.Users(q)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// R31, R32: the Users pane filters by status at a key — f cycles locked,
// pending, inactive, active and back to all — with the text filter, in one
// practice or across all; the header says which status is selected, the
// rows are exactly the service's answer for it, and esc clears the text,
// then the status, then the practice.
// Refresh with: go test ./tui -run TestUsersStatusFilter -update
func TestUsersStatusFilter(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		h := newHarness(t, goldenFixture, size[0], size[1], common.PaneUsers)
		svc := h.f.Svc
		pending := wantUsers(t, svc, accounts.UserQuery{Status: accounts.StatusPending})
		var leaver accounts.User
		for _, id := range pending { // one whose practice's owner can ask now (R20)
			u, _ := svc.User(id)
			owner := wantUsers(t, svc, accounts.UserQuery{Status: accounts.StatusActive, PracticeID: u.PracticeID})[0]
			ou, _ := svc.User(owner)
			if _, err := svc.Inactivate(accounts.Operator("bob"), u.ID, accounts.Request{Requester: ou.Login(), Reason: "left the practice"}); err == nil {
				leaver = u
				break
			}
		}
		if leaver.ID == 0 {
			t.Fatal("nobody could be inactivated")
		}
		h.key("2")
		for _, st := range []struct {
			name string
			q    accounts.UserQuery
		}{
			{"locked", accounts.UserQuery{LockedOnly: true}},
			{"pending", accounts.UserQuery{Status: accounts.StatusPending}},
			{"inactive", accounts.UserQuery{Status: accounts.StatusInactive}},
			{"active", accounts.UserQuery{Status: accounts.StatusActive}},
		} {
			h.key("f")
			v := h.view()
			if !strings.Contains(v, "status: "+strings.ToUpper(st.name)) {
				t.Fatalf("%s: the header does not say the status:\n%s", st.name, v)
			}
			if got, want := usersShown(h), wantUsers(t, svc, st.q); !slices.Equal(got, want) || len(want) == 0 {
				t.Fatalf("%s: rows %v, the service lists %v\n%s", st.name, got, want, v)
			}
			if st.name == "locked" || st.name == "inactive" {
				t.Run(fmt.Sprintf("users_%s_%dx%d", st.name, size[0], size[1]), func(t *testing.T) {
					golden.RequireEqual(t, []byte(h.view()))
				})
			}
		}
		h.key("f") // back to all
		if v := h.view(); strings.Contains(v, "status: ") {
			t.Fatalf("f after active did not come back to all:\n%s", v)
		}
		// With the text filter, in one practice.
		h.key("f")
		h.key("f") // pending
		word := strings.ToLower(strings.Fields(leaver.Name)[0])
		h.key("/")
		h.typeText(word)
		h.key("enter")
		q := accounts.UserQuery{Status: accounts.StatusPending, Search: word}
		if got, want := usersShown(h), wantUsers(t, svc, q); !slices.Equal(got, want) {
			t.Fatalf("pending %q: rows %v, want %v\n%s", word, got, want, h.view())
		}
		h.send(common.ShowPracticeUsersMsg{PracticeID: leaver.PracticeID, Name: "its practice"})
		q = accounts.UserQuery{Status: accounts.StatusPending, PracticeID: leaver.PracticeID}
		if got, want := usersShown(h), wantUsers(t, svc, q); !slices.Equal(got, want) || !strings.Contains(h.view(), "status: PENDING") {
			t.Fatalf("pending in a practice: rows %v, want %v\n%s", got, want, h.view())
		}
		h.key("esc") // the status
		if v := h.view(); strings.Contains(v, "status: ") || !strings.Contains(v, "Practice: its practice") {
			t.Fatalf("esc did not clear the status first:\n%s", v)
		}
		h.key("esc") // the practice
		if v := h.view(); !strings.Contains(v, "All practices") {
			t.Fatalf("esc did not clear the practice:\n%s", v)
		}
	}
}
