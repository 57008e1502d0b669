package panes

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// practiceData is a practice's detail as drawn (strings sanitised, R38).
type practiceData struct {
	ID                       uint64
	Name                     string
	Purchased, InUse         int
	MFARequired              bool
	Owners, Champions, Admin []string
	Requests                 []requestRow
	rec                      *accounts.Practice // never drawn: for what the footer offers (rowoffers.go)
}

type requestRow struct {
	ID          uint64
	Count       int
	State       string
	Open        bool
	Requester   string
	Reason      string
	Created     time.Time
	FulfilledBy string
	FulfilledAt time.Time
}

func peopleNames(us []accounts.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = common.Sanitize(u.Name) + " <" + common.Sanitize(u.Login()) + ">"
		if u.Status == accounts.StatusPending {
			out[i] += " (pending)"
		}
	}
	return out
}

// Practice is one practice's detail: licenses with a gauge, the MFA
// requirement, its people by role and its license requests (R2, R24, R31).
// u lists its users, L records a license request, F fulfils the selected
// open one, M toggles the MFA requirement, a adds a user.
type Practice struct {
	c          *common.Common
	practiceID uint64
	req        int
	data       *practiceData
	err        error
	cursor     int // the license request selected
	width      int
	height     int
}

// NewPractice returns an empty practice detail.
func NewPractice(c *common.Common) *Practice { return &Practice{c: c} }

// ID is the pane's id.
func (d *Practice) ID() common.PaneID { return common.PanePractice }

// Title is the pane's name.
func (d *Practice) Title() string { return "Practice" }

// PracticeID is the practice shown.
func (d *Practice) PracticeID() uint64 { return d.practiceID }

// Show loads a practice's detail.
func (d *Practice) Show(id uint64) tea.Cmd {
	if d.practiceID != id {
		d.data, d.err, d.cursor = nil, nil, 0
	}
	d.practiceID = id
	return d.Reload()
}

// Init loads the practice shown, if any.
func (d *Practice) Init() tea.Cmd { return d.Reload() }

// Reload asks the service for the practice again.
func (d *Practice) Reload() tea.Cmd {
	if d.practiceID == 0 {
		return nil
	}
	d.req++
	svc, id := d.c.Svc, d.practiceID
	return common.Query(common.PanePractice, d.req, func() (any, error) {
		v, err := svc.PracticeDetail(id)
		if err != nil {
			return nil, err
		}
		pd := &practiceData{ID: v.ID, Name: common.Sanitize(v.Name), Purchased: v.Purchased, InUse: v.InUse,
			MFARequired: v.MFARequired, Owners: peopleNames(v.Owners), Champions: peopleNames(v.Champions), Admin: peopleNames(v.Admins), rec: &v.Practice}
		for _, r := range v.Requests {
			pd.Requests = append(pd.Requests, requestRow{ID: r.ID, Count: r.Count, State: string(r.State),
				Open: r.State == accounts.RequestOpen, Requester: common.Sanitize(r.Requester), Reason: common.Sanitize(r.Reason),
				Created: r.CreatedAt, FulfilledBy: common.Sanitize(r.FulfilledBy), FulfilledAt: r.FulfilledAt})
		}
		return pd, nil
	})
}

// SetSize sets the space the pane fills.
func (d *Practice) SetSize(w, h int) { d.width, d.height = w, h }

// Capturing: the detail has no text input.
func (d *Practice) Capturing() bool { return false }

// Back is never used by the detail itself: esc leaves it.
func (d *Practice) Back() (bool, tea.Cmd) { return false, nil }

// MFARequired reports the requirement of the practice shown.
func (d *Practice) MFARequired() bool { return d.data != nil && d.data.MFARequired }

// selected is the license request under the cursor.
func (d *Practice) selected() (requestRow, bool) {
	if d.data == nil || d.cursor < 0 || d.cursor >= len(d.data.Requests) {
		return requestRow{}, false
	}
	return d.data.Requests[d.cursor], true
}

// Update handles the detail's data and keys.
func (d *Practice) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.DataMsg:
		if msg.Req != d.req {
			return nil
		}
		d.err = msg.Err
		if pd, ok := msg.Data.(*practiceData); ok {
			d.data = pd
			d.cursor = min(d.cursor, max(len(pd.Requests)-1, 0))
		}
	case tea.KeyPressMsg:
		if d.data == nil {
			return nil
		}
		k, id, name := d.c.Keys, d.data.ID, d.data.Name

		switch {
		case key.Matches(msg, k.Up):
			d.cursor = max(d.cursor-1, 0)
		case key.Matches(msg, k.Down):
			d.cursor = min(d.cursor+1, max(len(d.data.Requests)-1, 0))
		case key.Matches(msg, k.PracticeUsers), key.Matches(msg, k.Open):
			return func() tea.Msg { return common.ShowPracticeUsersMsg{PracticeID: id, Name: name} }
		}
	}
	return nil
}

// View draws the detail.
func (d *Practice) View() string {
	st := d.c.Styles
	if d.err != nil {
		return st.FlashErr.Render("could not load the practice: " + common.Sanitize(d.err.Error()))
	}
	if d.data == nil {
		return st.Muted.Render("loading…")
	}
	p, w := d.data, max(d.width, 20)
	var lines []string
	title := st.Title.Render(p.Name) + st.Muted.Render(fmt.Sprintf("  practice #%d", p.ID))
	if p.InUse >= p.Purchased {
		title += "  " + st.AtCapacity.Render("AT CAPACITY")
	}
	lines = append(lines, title)
	field := func(label, value string) {
		lines = append(lines, st.Label.Render(fmt.Sprintf("%-11s", label))+value)
	}
	field("Licenses", fmt.Sprintf("%d purchased · %d in use · %d free", p.Purchased, p.InUse, p.Purchased-p.InUse))
	field("", components.Gauge(st, p.InUse, p.Purchased, min(w-11, 40)))
	if p.MFARequired {
		field("MFA", st.Warn.Render("REQUIRED")+" for every user (R24) · users without MFA enrol at their next login")
	} else {
		field("MFA", "optional (not required by the practice)")
	}
	people := func(label string, names []string) {
		if len(names) == 0 {
			field(label, st.Muted.Render("none"))
			return
		}
		field(label, fmt.Sprintf("(%d) %s", len(names), strings.Join(names, ", ")))
	}
	people("Owners", p.Owners)
	people("Champions", p.Champions)
	people("Admins", p.Admin)
	lines = append(lines, "", st.Title.Render("License requests")+st.Muted.Render("  (R2: requested by an owner; F fulfils the selected open one)"))
	if len(p.Requests) == 0 {
		lines = append(lines, st.Muted.Render("  none · L records one"))
	}
	room := max(d.height-len(lines), 1)
	first := 0
	if d.cursor >= room {
		first = d.cursor - room + 1
	}
	for i := first; i < len(p.Requests) && i < first+room; i++ {
		r := p.Requests[i]
		state := strings.ToUpper(r.State)
		line := fmt.Sprintf("#%-4d %+4d  %-9s by %s on %s", r.ID, r.Count, state, r.Requester, common.Stamp(r.Created, d.c.Loc))
		if !r.Open {
			line += fmt.Sprintf(" · fulfilled by %s %s", r.FulfilledBy, common.Stamp(r.FulfilledAt, d.c.Loc))
		}
		if r.Reason != "" {
			line += " · " + r.Reason
		}
		style, mark := st.Row, "  "
		if i == d.cursor {
			style, mark = st.Selected, "› "
		}
		lines = append(lines, style.Render(components.Fit(mark+line, w)))
	}
	for i, l := range lines {
		lines[i] = components.Fit(l, w)
	}
	return strings.Join(lines, "\n")
}

// ShortHelp is the footer's list.
func (d *Practice) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{backKey, k.PracticeUsers, k.Help, k.Quit}
}

// Selection is the practice shown and its license request under the cursor.
func (d *Practice) Selection() accounts.Target {
	if d.data == nil {
		return accounts.Target{}
	}
	tg := accounts.Target{PracticeID: d.data.ID}
	if r, ok := d.selected(); ok {
		tg.RequestID = r.ID
	}
	return tg
}

// FullHelp is every key that works here.
func (d *Practice) FullHelp() [][]key.Binding {
	k := d.c.Keys
	return [][]key.Binding{ownKeys(d.ShortHelp(), k.Global()...), {k.Up, k.Down, k.Open}, k.Tabs(), k.Global()}
}
