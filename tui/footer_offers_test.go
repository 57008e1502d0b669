package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// foldedKeys are the action keys the footer offers ("u v x actions").
func foldedKeys(t *testing.T, view string) []string {
	t.Helper()
	for _, item := range strings.Split(view[strings.LastIndex(view, "\n")+1:], "•") {
		if f := strings.Fields(item); len(f) > 1 && f[len(f)-1] == "actions" {
			return f[:len(f)-1]
		}
	}
	return nil
}

// R31: a list's footer offers the action keys that can run for the row
// under the cursor, as the user detail does, not every action key whatever
// the row: an open account offers no u, a verified one no v or P, a pending
// one no V (R41), nobody without a passed check an m; a practice at
// capacity offers no a (R1). What the footer leaves out, the key still
// refuses with its rule.
func TestListFooterOffersOnlyWhatCanRun(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 3, Users: 3, Locked: 2}, 140, 40, common.PaneUsers)
	us, err := h.f.Svc.Users(accounts.UserQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var open, lockedPending accounts.User
	for _, r := range us {
		u := r.User
		switch {
		case u.Status == accounts.StatusActive && !u.Locked() && open.ID == 0:
			open = u
		case u.Status == accounts.StatusPending && u.Locked():
			lockedPending = u
		}
	}
	if open.ID == 0 || lockedPending.ID == 0 {
		t.Fatalf("fixture lacks an open active user or a locked pending one: %+v", us)
	}
	find := func(login string) []string {
		t.Helper()
		h.key("/")
		h.typeText(login)
		h.key("enter")
		v := h.view()
		if !strings.Contains(v, login) {
			t.Fatalf("%s not listed:\n%s", login, v)
		}
		h.key("esc")
		return foldedKeys(t, v)
	}
	for _, c := range []struct {
		u         accounts.User
		want, not string
	}{
		{open, "V x p R a L M", "u v P m A W Q r"},
		{lockedPending, "u v x p R a L M", "V P m A W Q r"},
	} {
		got := " " + strings.Join(find(c.u.Email), " ") + " "
		for _, k := range strings.Fields(c.want) {
			if !strings.Contains(got, " "+k+" ") {
				t.Errorf("%s (%s): footer lacks %s: %q", c.u.Email, c.u.Status, k, got)
			}
		}
		for _, k := range strings.Fields(c.not) {
			if strings.Contains(got, " "+k+" ") {
				t.Errorf("%s (%s): footer offers %s, which cannot run: %q", c.u.Email, c.u.Status, k, got)
			}
		}
	}

	// The practices pane: a practice at capacity offers no a (R1).
	h.key("1")
	ps, err := h.f.Svc.Practices(accounts.PracticeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		got := strings.Join(foldedKeys(t, h.view()), " ")
		if has := strings.Contains(" "+got+" ", " a "); has == p.AtCapacity() {
			t.Errorf("practice %d %s (%d of %d): footer %q", i, p.Name, p.InUse, p.Purchased, got)
		}
		h.key("down")
	}
}

// R31: at 80x24 a list's footer keeps the action keys of the row: it drops
// "/ filter" and "f status filter" first, which the lines above the table
// say already ("/ to filter", "f filters by status"); the users pane at 80
// columns showed no action key at all.
func TestNarrowFooterKeepsTheRowsActions(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 2, Users: 3, Locked: 1}, 80, 24, common.PaneUsers)
	for _, pane := range []string{"2", "4"} {
		h.key(pane)
		v := h.view()
		if len(foldedKeys(t, v)) == 0 {
			t.Errorf("pane %s at 80x24: no action keys in the footer:\n%s", pane, v)
		}
		if !strings.Contains(v, "/ to filter") {
			t.Errorf("pane %s at 80x24: nothing says / filters:\n%s", pane, v)
		}
	}
}

// R31, R1: the practice detail's footer, like the practices list's, offers
// a (add a user) only where a license is free.
func TestPracticeDetailFooterOffersAddOnlyWithAFreeLicense(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 2, Users: 3}, 120, 36, common.PanePractices)
	ps, err := h.f.Svc.Practices(accounts.PracticeQuery{})
	if err != nil || len(ps) < 2 {
		t.Fatalf("%d practices, %v", len(ps), err)
	}
	for _, p := range ps {
		h.send(common.OpenPracticeMsg{PracticeID: p.ID})
		got := " " + strings.Join(foldedKeys(t, h.view()), " ") + " "
		if strings.Contains(got, " a ") == p.AtCapacity() {
			t.Errorf("%s (%d of %d in use): footer offers %q", p.Name, p.InUse, p.Purchased, got)
		}
		h.key("esc")
	}
}

// R31: the : palette offers the same actions on the selection as the
// footer: an open account's palette lists no unlock (it listed every
// action whatever the row).
func TestPaletteOffersOnlyWhatCanRun(t *testing.T) {
	h := newHarness(t, fixture.Options{Practices: 1, Users: 3}, 140, 40, common.PaneUsers)
	h.key(":")
	v := h.view()
	if !strings.Contains(v, "verify the caller  key V") {
		t.Fatalf("the palette lacks V for an active user:\n%s", v)
	}
	for _, gone := range []string{"key u", "key A", "key W", "key m", "key r"} {
		if strings.Contains(v, gone) {
			t.Errorf("the palette offers %s for an open, active user without MFA:\n%s", gone, v)
		}
	}
}
