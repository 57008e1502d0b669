package panes

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// detailData is one user's detail as drawn: every outside string sanitised
// when it enters the view model (R38).
type detailData struct {
	ID            uint64
	Name, Login   string
	EmailVerified bool
	Legacy        bool
	Kind, Roles   string
	Status        string
	LockedAt      time.Time
	LockedUntil   time.Time
	Failures      int
	LastLogin     time.Time
	Practice      string
	PracticeID    uint64
	Purchased     int
	InUse         int
	Events        []eventRow
	Eligible      []accounts.Eligibility // what applies now and why not, from accounts
	AlsoHere      []string               // other operators with this user open (R35)
	MFA           accounts.MFAView       // never a secret: method, strength, masked phone (issue 6)
	Risk          riskData               // signals, the caller check, four eyes (R41-R43)
}

// Detail is one user's detail: status, lock and time left, failures,
// practice, license and recent audit (R31). u unlocks, esc goes back.
type Detail struct {
	c      *common.Common
	userID uint64
	req    int
	data   *detailData
	err    error
	width  int
	height int
	done   func() // ends this operator's presence on the user shown (R35)
}

// NewDetail returns an empty detail pane.
func NewDetail(c *common.Common) *Detail { return &Detail{c: c} }

// ID is the pane's id.
func (d *Detail) ID() common.PaneID { return common.PaneDetail }

// Title is the pane's name.
func (d *Detail) Title() string { return "User" }

// UserID is the user shown.
func (d *Detail) UserID() uint64 { return d.userID }

// Locked reports whether the user shown is locked.
func (d *Detail) Locked() bool { return d.data != nil && !d.data.LockedUntil.IsZero() }

// Show loads a user's detail.
func (d *Detail) Show(userID uint64) tea.Cmd {
	if d.userID != userID || d.done == nil {
		d.data, d.err = nil, nil
		d.Leave()
		// Other operators on this user see "also here" (R35); no I/O.
		d.done = d.c.Svc.Look(d.c.Operator, userID)
	}
	d.userID = userID
	return d.Reload()
}

// Leave ends this operator's presence on the user shown.
func (d *Detail) Leave() {
	if d.done != nil {
		d.done()
		d.done = nil
	}
}

// Init loads the user shown, if any.
func (d *Detail) Init() tea.Cmd { return d.Reload() }

// Reload asks the service for the user again.
func (d *Detail) Reload() tea.Cmd {
	if d.userID == 0 {
		return nil
	}
	d.req++
	c, id := d.c, d.userID
	return common.Query(common.PaneDetail, d.req, func() (any, error) {
		u, err := c.Svc.User(id)
		if err != nil {
			return nil, err
		}
		p, err := c.Svc.Practice(u.PracticeID)
		if err != nil && !accounts.IsNotFound(err) {
			return nil, err
		}
		es, err := c.Svc.Audit(accounts.AuditQuery{UserID: id, Limit: 12})
		if err != nil {
			return nil, err
		}
		el, err := c.Svc.Eligible(c.Actor(), accounts.Target{UserID: id})
		if err != nil {
			return nil, err
		}
		dd := &detailData{
			AlsoHere: c.Svc.AlsoHere(id, c.Operator),
			Eligible: el,
			ID:       u.ID, Name: common.Sanitize(u.Name), Login: common.Sanitize(u.Login()),
			EmailVerified: u.EmailVerified, Legacy: u.Legacy(), Kind: string(u.Kind), Roles: u.Roles.String(),
			Status: string(u.Status), LockedAt: u.LockedAt, LockedUntil: u.LockedUntil, Failures: u.Failures,
			LastLogin: u.LastLoginAt, Practice: common.Sanitize(p.Name), PracticeID: u.PracticeID,
			Purchased: p.Purchased, InUse: p.InUse, MFA: accounts.ViewMFA(u, p),
		}
		if dd.Risk, err = loadRisk(c.Svc, id); err != nil {
			return nil, err
		}
		for _, e := range es {
			dd.Events = append(dd.Events, toEventRow(c, e))
		}
		return dd, nil
	})
}

// SetSize sets the space the pane fills.
func (d *Detail) SetSize(w, h int) { d.width, d.height = w, h }

// Capturing: the detail has no text input.
func (d *Detail) Capturing() bool { return false }

// Back is never used by the detail itself: esc leaves it.
func (d *Detail) Back() (bool, tea.Cmd) { return false, nil }

// Update handles the detail's data and keys.
func (d *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.DataMsg:
		if msg.Req != d.req {
			return nil
		}
		d.err = msg.Err
		if dd, ok := msg.Data.(*detailData); ok {
			d.data = dd
		}
	case tea.KeyPressMsg:
	}
	return nil
}

// View draws the detail.
func (d *Detail) View() string {
	st := d.c.Styles
	if d.err != nil {
		return st.FlashErr.Render("could not load the user: " + common.Sanitize(d.err.Error()))
	}
	if d.data == nil {
		return st.Muted.Render("loading…")
	}
	u, now := d.data, d.c.Now()
	lines := []string{}
	title := st.Title.Render(u.Name)
	if !u.LockedUntil.IsZero() {
		title += "  " + st.Locked.Render("LOCKED")
	}
	if len(u.AlsoHere) > 0 {
		title += "  " + st.Warn.Render("also here: "+common.Sanitize(strings.Join(u.AlsoHere, ", ")))
	}
	lines = append(lines, title)
	field := func(label, value string) {
		lines = append(lines, st.Label.Render(fmt.Sprintf("%-11s", label))+value)
	}
	login := u.Login
	switch {
	case u.Legacy:
		login += st.Muted.Render("  (legacy username)")
	case u.EmailVerified:
		login += st.Muted.Render("  (email verified)")
	default:
		login += st.Muted.Render("  (email not verified)")
	}
	field("Login", login)
	field("Kind", u.Kind+st.Muted.Render("   roles ")+u.Roles)
	field("Status", u.Status)
	if u.LockedUntil.IsZero() {
		field("Lock", "open")
	} else {
		since := " since " + common.Stamp(u.LockedAt, d.c.Loc)
		lift := fmt.Sprintf(" · lifts itself in %s (at %s)", common.Countdown(now, u.LockedUntil),
			common.Short(u.LockedUntil, now, d.c.Loc))
		if 11+len("LOCKED")+len(since)+lipgloss.Width(lift) <= d.width {
			field("Lock", st.Locked.Render("LOCKED")+since+lift)
		} else {
			// Too narrow for one line (a lift on another day, at 80
			// columns): when it lifts comes first, when it began below,
			// both whole rather than cut.
			field("Lock", st.Locked.Render("LOCKED")+lift)
			field("", st.Muted.Render(strings.TrimSpace(since)))
		}
	}
	field("Failures", plural.Count(u.Failures, "consecutive failed login"))
	lines = append(lines, mfaLines(st, u.MFA, now, d.c.Loc)...)
	lines = append(lines, riskLines(st, u.Risk, u.Eligible, now, d.c.Loc)...)
	if u.LastLogin.IsZero() {
		field("Last login", "never")
	} else {
		field("Last login", common.Stamp(u.LastLogin, d.c.Loc))
	}
	field("Practice", fmt.Sprintf("%s (#%d)", u.Practice, u.PracticeID))
	lic := fmt.Sprintf("holds one of %d purchased (%d in use, %d free)", u.Purchased, u.InUse, u.Purchased-u.InUse)
	if u.Status == string(accounts.StatusInactive) {
		lic = fmt.Sprintf("holds none (inactive) · practice: %d of %d in use", u.InUse, u.Purchased)
	}
	if u.InUse >= u.Purchased {
		lic += " " + st.AtCapacity.Render("AT CAPACITY")
	}
	field("License", lic)
	lines = append(lines, actionLines(st, u.Eligible, d.width)...)
	lines = append(lines, "", st.Title.Render("Recent audit"))
	room := d.height - len(lines)
	aw := 19 // the action column: as wide as the longest action shown, so the columns line up
	for i, e := range u.Events {
		if i < room {
			aw = max(aw, len(e.Action))
		}
	}
	for i, e := range u.Events {
		if i >= room {
			break
		}
		ev := fmt.Sprintf("%s  %-*s %-11s %s", e.Stamp, aw, e.Action, e.Outcome, e.Actor)
		if e.Note != "" {
			ev += " · " + e.Note
		}
		style := st.Row
		if e.Refused {
			style = st.Warn
		}
		lines = append(lines, style.Render(components.Fit(ev, d.width)))
	}
	if len(u.Events) == 0 {
		lines = append(lines, st.Muted.Render("no events"))
	}
	for i, l := range lines {
		lines[i] = components.Fit(l, d.width)
	}
	return strings.Join(lines, "\n")
}

var backKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))

// ShortHelp is the footer's list.
func (d *Detail) ShortHelp() []key.Binding {
	k := d.c.Keys
	return []key.Binding{backKey, k.Help, k.Quit}
}

// Selection is the user shown.
func (d *Detail) Selection() accounts.Target {
	if d.data == nil {
		return accounts.Target{}
	}
	return accounts.Target{UserID: d.data.ID, PracticeID: d.data.PracticeID}
}

// Eligible is what accounts said applies to the user shown (the footer
// lists only those keys).
func (d *Detail) Eligible() []accounts.Eligibility {
	if d.data == nil {
		return nil
	}
	return d.data.Eligible
}

// FullHelp is every key that works here.
func (d *Detail) FullHelp() [][]key.Binding {
	k := d.c.Keys
	return [][]key.Binding{ownKeys(d.ShortHelp(), k.Global()...), k.Tabs(), k.Global()}
}
