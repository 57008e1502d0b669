package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
	"latchkey/tui/panes"
)

// fakeService answers the console's questions from memory. It embeds the
// interface, so a question it was not given an answer for panics — and
// common.Cmd turns that into a message the test sees, never a silent zero.
type fakeService struct {
	common.Service
	users    []accounts.User
	practice accounts.PracticeView
	eligible map[accounts.Action]accounts.Eligibility
	asked    []string // the questions asked, in order
}

func (f *fakeService) Now() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
func (f *fakeService) IsDemo() bool   { return false }

func (f *fakeService) Users(q accounts.UserQuery) ([]accounts.UserRow, error) {
	f.asked = append(f.asked, "Users")
	var out []accounts.UserRow
	for _, u := range f.users {
		if u.ID > q.After && (q.Limit == 0 || len(out) < q.Limit) {
			out = append(out, accounts.UserRow{User: u, PracticeName: f.practice.Name})
		}
	}
	return out, nil
}

func (f *fakeService) UsersPage(q accounts.UserQuery) (accounts.UserPage, error) {
	rows, err := f.Users(q)
	return accounts.UserPage{Rows: rows}, err
}

func (f *fakeService) User(id uint64) (accounts.User, error) {
	f.asked = append(f.asked, "User")
	for _, u := range f.users {
		if u.ID == id {
			return u, nil
		}
	}
	return accounts.User{}, &accounts.NotFoundError{What: "user"}
}

func (f *fakeService) UserVersion(uint64) (uint64, error) { return 7, nil }
func (f *fakeService) PracticeDetail(uint64) (accounts.PracticeView, error) {
	return f.practice, nil
}
func (f *fakeService) PassedVerification(string, uint64) (accounts.VerificationView, bool, error) {
	return accounts.VerificationView{}, false, nil
}

func (f *fakeService) EligibleFor(_ accounts.Actor, a accounts.Action, _ accounts.Target) (accounts.Eligibility, error) {
	f.asked = append(f.asked, "EligibleFor "+string(a))
	if e, ok := f.eligible[a]; ok {
		return e, nil
	}
	return accounts.Eligibility{Action: a, OK: true}, nil
}

func (f *fakeService) Requesters(a accounts.Action, _ accounts.Target) (accounts.Requesters, error) {
	return accounts.Requesters{Action: a}, nil
}

func newFake() (*fakeService, *common.Common) {
	f := &fakeService{
		practice: accounts.PracticeView{Practice: accounts.Practice{ID: 1, Name: "Elm Clinic", Purchased: 5, InUse: 2}},
		users: []accounts.User{
			{ID: 1, PracticeID: 1, Name: "Ana Ruiz", Email: "ana@elm.example", Status: accounts.StatusActive},
			{ID: 2, PracticeID: 1, Name: "Bo Chan", Email: "bo@elm.example", Status: accounts.StatusPending},
		},
		eligible: map[accounts.Action]accounts.Eligibility{},
	}
	c := common.New(f, "alice")
	c.Width, c.Height, c.Loc = 100, 30, time.UTC
	return f, c
}

// deliverTo runs cmd and feeds its answer to update, as the runtime would.
func deliverTo(t *testing.T, cmd tea.Cmd, update func(tea.Msg) tea.Cmd) {
	t.Helper()
	for i := 0; cmd != nil && i < 5; i++ {
		msg := cmd()
		if ie := internalOf(msg); ie != nil {
			t.Fatalf("the fake was asked something it does not answer: %s", ie.Value)
		}
		cmd = update(msg)
	}
}

// The users pane, alone, over the fake: it asks the service for its rows,
// draws them sanitised, and its selection is the record under the cursor.
func TestUsersPaneOverFake(t *testing.T) {
	f, c := newFake()
	p := panes.NewUsers(c)
	p.SetSize(100, 20)
	deliverTo(t, p.Init(), p.Update)
	if len(p.Items()) != 2 || !strings.Contains(p.View(), "Bo Chan") {
		t.Fatalf("rows %d:\n%s", len(p.Items()), p.View())
	}
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if sel := p.Selection(); sel.UserID != 2 || sel.PracticeID != 1 {
		t.Fatalf("selection %+v", sel)
	}
	if len(f.asked) == 0 || f.asked[0] != "Users" {
		t.Fatalf("asked %v", f.asked)
	}
}

// R31: an action the service says does not apply opens the refusal with the
// service's rule and words — the console adds no rule of its own — and one
// that applies opens its form.
func TestActionAsksAccountsOverFake(t *testing.T) {
	f, c := newFake()
	f.eligible[accounts.ActionUnlock] = accounts.Eligibility{Action: accounts.ActionUnlock, Rule: "R13",
		Why: "account ana@elm.example is not locked: nothing to unlock"}
	load := func(a accounts.Action, tg accounts.Target) actions.LoadedMsg {
		msg, ok := actions.Start(c, actions.ByID(a), tg)().(actions.LoadedMsg)
		if !ok {
			t.Fatalf("%s: no LoadedMsg", a)
		}
		if ie := internalOf(msg); ie != nil {
			t.Fatalf("%s: the fake was asked something it does not answer: %s", a, ie.Value)
		}
		return msg
	}
	d := actions.Open(c, load(accounts.ActionUnlock, accounts.Target{UserID: 1}))
	a, ok := d.(*dialog.Alert)
	if !ok || !strings.Contains(a.Title, "R13") || !strings.Contains(a.Body, "not locked") {
		t.Fatalf("want the service's R13 refusal, got %T %+v", d, d)
	}
	d = actions.Open(c, load(accounts.ActionSendSetup, accounts.Target{UserID: 2}))
	if _, ok := d.(*dialog.Form); !ok {
		t.Fatalf("an eligible action did not open its form: %T", d)
	}
	want := "EligibleFor " + string(accounts.ActionUnlock)
	found := false
	for _, q := range f.asked {
		found = found || q == want
	}
	if !found {
		t.Fatalf("the console did not ask accounts: %v", f.asked)
	}
}

// Item 6 (issue 12): a column sort orders the rows loaded, not the whole
// list at the service, and while more rows wait the pane says so in words;
// once every row is loaded it just says the sort.
func TestSortSaysItSortsTheLoadedRows(t *testing.T) {
	f, c := newFake()
	for i := 3; i <= 400; i++ {
		f.users = append(f.users, accounts.User{ID: uint64(i), PracticeID: 1, Name: fmt.Sprintf("User %03d", i),
			Email: fmt.Sprintf("u%d@elm.example", i), Status: accounts.StatusActive})
	}
	p := panes.NewUsers(c)
	p.SetSize(100, 20)
	deliverTo(t, p.Init(), p.Update)
	p.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	if v := ansi.Strip(p.View()); !strings.Contains(v, "sorted by Name↑, loaded rows only") {
		t.Fatalf("a sort of part of the list does not say so:\n%s", v)
	}
	f.users = f.users[:2]
	deliverTo(t, p.Reload(), p.Update)
	if v := ansi.Strip(p.View()); !strings.Contains(v, "sorted by Name↑") || strings.Contains(v, "loaded rows only") {
		t.Fatalf("a sort of the whole list:\n%s", v)
	}
}

type watchFake struct {
	*fakeService
	ws []accounts.WatchEntry
}

func (f watchFake) WatchList(bool, int) ([]accounts.WatchEntry, error) { return f.ws, nil }
func (f watchFake) Practice(uint64) (accounts.Practice, error)         { return f.practice.Practice, nil }

// R43: the Watch pane shows a user once, with their newest entry — the one
// W reviews — and says how many older ones wait behind it.
func TestWatchPaneOneRowPerUser(t *testing.T) {
	f, c := newFake()
	at := f.Now()
	c.Svc = watchFake{f, []accounts.WatchEntry{ // newest first, as the service lists them
		{ID: 5, UserID: 1, Name: "Ana Ruiz", Login: "ana@elm.example", PracticeID: 1, Method: accounts.MFAApp, EnrolledAt: at, ClearedAt: at.Add(-time.Hour), ClearedBy: "carol"},
		{ID: 4, UserID: 2, Name: "Bo Chan", Login: "bo@elm.example", PracticeID: 1, Method: accounts.MFASMS, EnrolledAt: at, ClearedAt: at.Add(-2 * time.Hour), ClearedBy: "carol"},
		{ID: 3, UserID: 1, Name: "Ana Ruiz", Login: "ana@elm.example", PracticeID: 1, Method: accounts.MFASMS, EnrolledAt: at, ClearedAt: at.Add(-3 * time.Hour), ClearedBy: "carol"},
	}}
	p := panes.NewWatch(c)
	p.SetSize(120, 20)
	deliverTo(t, p.Init(), p.Update)
	if got := p.Entries(); len(got) != 2 || got[0] != 5 || got[1] != 4 {
		t.Fatalf("rows %v, want the newest entry of each user: [5 4]", got)
	}
	v := ansi.Strip(p.View())
	if !strings.Contains(v, "app +1") || !strings.Contains(v, "Elm Clinic") || !strings.Contains(v, "1h00m after") {
		t.Fatalf("the row does not say what waits behind it:\n%s", v)
	}
	if sel := p.Selection(); sel.UserID != 1 {
		t.Fatalf("selection %+v", sel)
	}
	// R31, R43: the row offers W (whoever but the clear's operators
	// reviews it) and nothing the entry cannot tell (the user's detail
	// does); R35: a read-only operator is not offered the review.
	offers := func() []string {
		var out []string
		for _, e := range p.Eligible() {
			if e.OK {
				out = append(out, string(e.Action))
			}
		}
		return out
	}
	if got := offers(); len(got) != 1 || got[0] != string(accounts.ActionReviewWatch) {
		t.Fatalf("the watch row offers %v, want W review alone", got)
	}
	c.Operator = "carol" // who cleared it
	if got := offers(); len(got) != 0 {
		t.Fatalf("the operator of the clear is offered %v", got)
	}
	c.Operator, c.ReadOnly = "alice", true
	if got := offers(); len(got) != 0 {
		t.Fatalf("a read-only operator is offered %v", got)
	}
}
