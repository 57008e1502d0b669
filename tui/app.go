package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/forms"
	"latchkey/tui/panes"
)

// flashFor is how long a flash line stays.
const flashFor = 12 * time.Second

// App is the root model: the tabs, routing, global keys, the flash line and
// the dialogs. It is the only model whose View returns a tea.View.
type App struct {
	c *common.Common

	tabs       []panes.Pane
	practices  *panes.Practices
	users      *panes.Users
	licenses   *panes.Licenses
	lockouts   *panes.Lockouts
	audit      *panes.Audit
	detail     *panes.Detail
	outbox     *panes.Outbox   // tab 6 (issue 4)
	practice   *panes.Practice // the practice detail (issue 4)
	inPractice bool            // the practice detail is over the practices tab
	patients   *panes.Patients
	active     int  // the tab in front
	inDetail   bool // the user detail is over the active tab

	footer components.Footer

	flash    string
	flashErr bool
	flashAt  time.Time

	form    *forms.Unlock
	confirm *components.Confirm
	pending *pendingUnlock
	alert   *components.Alert
	pw      pwFlow  // the password resets and the credentials document (issue 5)
	act     actFlow // the actions on users, practices and MFA (issues 4, 6: actions.go)

	sim common.Simulator // the simulated users, when the command line gave one (R40)

	auditSeen uint64 // the audit count at the last refresh: a change means new data
	quitting  bool

	every func() tea.Cmd // the clock tick; tests stop it to drive time by hand
}

// pendingUnlock is an unlock the form has collected, awaiting confirmation.
type pendingUnlock struct {
	UserID      uint64
	Login, Name string
	Req         accounts.Request
}

// Messages of the root's own commands.
type (
	statsMsg struct {
		Stats  accounts.Stats
		Audit  uint64
		Lifted int
		Err    error
	}
	clockMsg struct {
		Step time.Duration
		Now  time.Time
		Err  error
	}
	unlockedMsg struct {
		P   pendingUnlock
		Err error
	}
)

// New returns the console's root model over svc.
func New(svc *accounts.Service, opts Options) *App {
	c := common.New(svc, opts.Operator)
	c.ReadOnly = opts.ReadOnly
	if opts.Location != nil {
		c.Loc = opts.Location
	}
	c.Width, c.Height = 80, 24
	m := &App{
		c:         c,
		practices: panes.NewPractices(c),
		users:     panes.NewUsers(c),
		licenses:  panes.NewLicenses(c),
		lockouts:  panes.NewLockouts(c),
		audit:     panes.NewAudit(c),
		detail:    panes.NewDetail(c),
		outbox:    panes.NewOutbox(c),
		practice:  panes.NewPractice(c),
		patients:  panes.NewPatients(c),
		footer:    components.NewFooter(c),
		active:    int(opts.Start),
		every:     tick,
		pw:        pwFlow{docsDir: opts.CredentialsDir},
		sim:       opts.Simulator,
	}
	m.tabs = []panes.Pane{m.practices, m.users, m.licenses, m.lockouts, m.audit, m.outbox}
	m.tabs = append(m.tabs, m.patients) // tab 7 (issue 5), after the outbox (tab 6)
	if st, err := svc.Stats(); err == nil {
		c.Stats = st // the first frame already has its totals
	}
	m.layout()
	return m
}

// Common is the shared context (tests read it).
func (m *App) Common() *common.Common { return m.c }

// Init starts the first loads, the clock tick and the background query.
func (m *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.statsCmd(), m.every()}
	for _, p := range m.tabs {
		cmds = append(cmds, p.Init())
	}
	return tea.Batch(cmds...)
}

// tick is the one clock of the whole app: every second, in step with the
// wall clock; countdowns are computed from it at render time.
func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return common.TickMsg(t) })
}

// Update routes a message: keys to whatever has the focus, data to the pane
// that asked for it. A panic here becomes a flash line, never a crash.
func (m *App) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.setFlash(fmt.Sprintf("internal error, recovered: %v", r), true)
			model, cmd = m, nil
		}
	}()
	cmd = m.update(msg)
	m.layout()
	return m, cmd
}

func (m *App) update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.pwUpdate(msg); ok {
		return cmd
	}
	if cmd, ok := m.actUpdate(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		return m.forward(msg)
	case tea.BackgroundColorMsg:
		*m.c.Styles = *common.NewStyles(msg.IsDark())
		return nil
	case common.TickMsg:
		now := m.c.Now()
		m.lockouts.Tick(now)
		if m.flash != "" && time.Time(msg).Sub(m.flashAt) > flashFor {
			m.flash = ""
		}
		// An open form replays any keys it held for a field move (typeahead).
		return tea.Batch(m.every(), m.statsCmd(), m.formTick(msg))
	case statsMsg:
		return m.onStats(msg)
	case common.DataMsg:
		return m.pane(msg.Pane).Update(msg)
	case common.DebounceMsg:
		return m.pane(msg.Pane).Update(msg)
	case common.OpenDetailMsg:
		m.inDetail = true
		return m.detail.Show(msg.UserID)
	case common.ShowPracticeUsersMsg:
		m.inDetail = false
		m.active = int(common.PaneUsers)
		return m.users.Scope(msg.PracticeID, msg.Name)
	case common.StartUnlockMsg:
		m.form = forms.NewUnlock(m.c, msg.UserID, msg.Login, msg.Name)
		return m.form.Init()
	case common.FlashMsg:
		m.setFlash(msg.Text, msg.Err)
		return nil
	case common.PanicMsg:
		m.setFlash("internal error in a background task, recovered: "+common.Sanitize(msg.Value), true)
		return nil
	case clockMsg:
		return m.onClock(msg)
	case simToggledMsg:
		return m.onSimToggled(msg)
	case unlockedMsg:
		return m.onUnlocked(msg)
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m.forward(msg)
}

// forward gives any other message (cursor blinks, sizes) to the form if one
// is open, else to the focused pane.
func (m *App) forward(msg tea.Msg) tea.Cmd {
	if m.pw.form() != nil {
		return m.pwFormUpdate(msg)
	}
	if m.act.form != nil {
		return m.actFormUpdate(msg)
	}
	if m.form != nil {
		return m.formUpdate(msg)
	}
	return m.focused().Update(msg)
}

// formTick gives the clock tick to the open form, if any: it never holds
// typed keys longer than that.
func (m *App) formTick(t common.TickMsg) tea.Cmd {
	switch {
	case m.pw.form() != nil:
		return m.pw.form().Update(t)
	case m.act.form != nil:
		return m.act.form.Update(t)
	case m.form != nil:
		return m.form.Update(t)
	}
	return nil
}

// formUpdate feeds the form and, once it is submitted, asks for confirmation
// with No focused; a cancelled form changes nothing.
func (m *App) formUpdate(msg tea.Msg) tea.Cmd {
	cmd := m.form.Update(msg)
	switch {
	case m.form.Done():
		f := m.form
		m.form = nil
		req := f.Request()
		m.pending = &pendingUnlock{UserID: f.UserID, Login: f.Login, Name: f.Name, Req: req}
		d := components.NewConfirm(m.c, "Unlock "+f.Name+" now?",
			fmt.Sprintf("%s will be able to log in at once.\nReason: %s\nVerified: %s\nRecorded as operator %s.",
				f.Login, common.Sanitize(req.Reason), common.Sanitize(req.VerifiedBy), common.Sanitize(m.c.Operator)),
			"Unlock")
		m.confirm = &d
		return nil
	case m.form.Aborted():
		m.form = nil
		m.setFlash("Unlock cancelled: nothing was changed", false)
		return nil
	}
	return cmd
}

// pane returns the pane with an id.
func (m *App) pane(id common.PaneID) panes.Pane {
	if id == common.PaneDetail {
		return m.detail
	}
	if id == common.PanePractice {
		return m.practice
	}
	return m.tabs[id]
}

// focused is the pane keys go to.
func (m *App) focused() panes.Pane {
	if m.inDetail {
		return m.detail
	}
	if m.inPractice {
		return m.practice
	}
	return m.tabs[m.active]
}

func (m *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if msg.String() == "ctrl+c" {
		m.quitting = true
		return tea.Quit
	}
	switch {
	case m.alert != nil:
		return m.alertKey(msg)
	case m.pw.open():
		return m.pwKey(msg)
	case m.act.open():
		return m.actKey(msg)
	case m.confirm != nil:
		done, yes := m.confirm.Update(msg)
		if !done {
			return nil
		}
		m.confirm = nil
		p := m.pending
		m.pending = nil
		if !yes || p == nil {
			m.setFlash("Unlock cancelled: nothing was changed", false)
			return nil
		}
		return m.unlockCmd(*p)
	case m.form != nil:
		return m.formUpdate(msg)
	case m.focused().Capturing():
		return m.focused().Update(msg)
	}

	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.footer.ToggleAll()
		return nil
	case key.Matches(msg, k.NextTab):
		return m.switchTo((m.active + 1) % len(m.tabs))
	case key.Matches(msg, k.PrevTab):
		return m.switchTo((m.active + len(m.tabs) - 1) % len(m.tabs))
	case key.Matches(msg, k.ClockStep):
		return m.clockCmd(5 * time.Minute)
	case key.Matches(msg, k.ClockHour):
		return m.clockCmd(time.Hour)
	case key.Matches(msg, k.Simulate):
		return m.toggleSim()
	case key.Matches(msg, k.Back):
		if m.inDetail {
			m.inDetail = false
			return nil
		}
		if m.inPractice {
			m.inPractice = false
			return nil
		}
		_, cmd := m.tabs[m.active].Back()
		return cmd
	}
	for i, b := range k.Tabs() {
		if key.Matches(msg, b) {
			return m.switchTo(i)
		}
	}
	return m.focused().Update(msg)
}

// switchTo brings a tab to the front (leaving the detail) and refreshes it,
// so what the operator sees is current.
func (m *App) switchTo(i int) tea.Cmd {
	m.inDetail, m.inPractice = false, false
	if m.active == i {
		return nil
	}
	m.active = i
	return m.tabs[i].Reload()
}

func (m *App) setFlash(s string, isErr bool) {
	m.flash, m.flashErr, m.flashAt = s, isErr, time.Now()
}

// statsCmd lifts locks whose time is up (R12) and reads the running totals;
// it runs every tick, from a read transaction unless a lift is due.
func (m *App) statsCmd() tea.Cmd {
	svc := m.c.Svc
	return common.Cmd(func() tea.Msg {
		var out statsMsg
		due, err := svc.DueLifts()
		if err == nil && due {
			out.Lifted, err = svc.Sweep()
		}
		if err == nil {
			out.Stats, err = svc.Stats()
		}
		if err == nil {
			out.Audit, err = svc.AuditCount()
		}
		out.Err = err
		return out
	})
}

func (m *App) onStats(msg statsMsg) tea.Cmd {
	if msg.Err != nil {
		m.setFlash("could not read the database: "+common.Sanitize(msg.Err.Error()), true)
		return nil
	}
	m.c.Stats = msg.Stats
	if msg.Lifted > 0 {
		m.setFlash(fmt.Sprintf("%d lock(s) lifted by themselves (R12)", msg.Lifted), false)
	}
	if m.auditSeen == msg.Audit {
		return nil
	}
	// Something happened (here, in another session or in the simulator):
	// the panes that show live state catch up.
	first := m.auditSeen == 0
	m.auditSeen = msg.Audit
	if first {
		return nil
	}
	return m.refreshLive()
}

// refreshLive reloads the panes whose rows change with logins and locks.
func (m *App) refreshLive() tea.Cmd {
	cmds := []tea.Cmd{m.lockouts.Reload(), m.audit.Reload(), m.detail.Reload(), m.practice.Reload()}
	if m.active == int(common.PaneOutbox) {
		cmds = append(cmds, m.outbox.Reload())
	}
	if m.active == int(common.PaneUsers) {
		cmds = append(cmds, m.users.Reload())
	}
	if m.active == int(common.PaneLicenses) || m.active == int(common.PanePractices) {
		cmds = append(cmds, m.tabs[m.active].Reload())
	}
	return tea.Batch(cmds...)
}

// clockCmd advances a demo database's clock (R39).
func (m *App) clockCmd(d time.Duration) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		now, err := svc.AdvanceClock(actor, d)
		return clockMsg{Step: d, Now: now, Err: err}
	})
}

func (m *App) onClock(msg clockMsg) tea.Cmd {
	if msg.Err != nil {
		m.refuse("The clock cannot move", msg.Err)
		return nil
	}
	m.setFlash(fmt.Sprintf("Demo clock advanced %s: it is now %s", shortDur(msg.Step),
		common.Stamp(msg.Now, m.c.Loc)), false)
	// Every countdown follows at once: rows whose lock lifted leave now.
	m.lockouts.Tick(m.c.Now())
	return tea.Batch(m.statsCmd(), m.refreshLive())
}

func shortDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// unlockCmd writes the unlock through the service under the operator's name (R13).
func (m *App) unlockCmd(p pendingUnlock) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		_, err := svc.Unlock(actor, p.UserID, p.Req)
		return unlockedMsg{P: p, Err: err}
	})
}

func (m *App) onUnlocked(msg unlockedMsg) tea.Cmd {
	if msg.Err != nil {
		m.refuse("Unlock of "+msg.P.Login+" refused", msg.Err)
		return tea.Batch(m.statsCmd(), m.refreshLive())
	}
	m.lockouts.Drop(msg.P.UserID)
	m.setFlash(fmt.Sprintf("Unlocked %s (%s), recorded as operator %s", msg.P.Name, msg.P.Login,
		common.Sanitize(m.c.Operator)), false)
	return tea.Batch(m.statsCmd(), m.refreshLive())
}

// refuse shows an error where the operator is looking: a dialog naming the
// rule and its guidance, and the flash line.
func (m *App) refuse(title string, err error) {
	var re *accounts.RuleError
	var fe *accounts.FieldError
	body := common.Sanitize(err.Error())
	switch {
	case errors.As(err, &re):
		title += " by " + re.Rule
		body = common.Sanitize(re.Msg)
		if re.Guidance != "" {
			body += "\n\n" + common.Sanitize(re.Guidance)
		}
	case errors.As(err, &fe):
		body = common.Sanitize(fe.Field + ": " + fe.Msg)
	}
	a := components.NewAlert(m.c, title, body, true)
	m.alert = &a
	m.setFlash("✗ "+title+": "+strings.ReplaceAll(body, "\n\n", " "), true)
}

// layout gives every pane the body's size: the screen less the header, the
// tabs, the flash line and the footer (which grows with full help).
func (m *App) layout() {
	w, h := m.c.Width, m.c.Height
	body := max(h-3-m.footerHeight(), 3)
	for _, p := range m.tabs {
		p.SetSize(w, body)
	}
	m.detail.SetSize(w, body)
	m.practice.SetSize(w, body)
	if m.act.form != nil {
		m.act.form.SetSize(w, body)
	}
	m.pw.setSize(w, body)
	if m.form != nil {
		m.form.SetSize(w, body)
	}
}

func (m *App) footerHeight() int {
	return max(lipgloss.Height(m.footer.View(m.keyMap())), 1)
}

// keyMap is what the footer lists: the open dialog's keys, else the pane's.
func (m *App) keyMap() help.KeyMap {
	switch {
	case m.alert != nil:
		return m.alert
	case m.pw.open():
		return m.pwKeyMap()
	case m.act.open():
		return m.actKeyMap()
	case m.confirm != nil:
		return m.confirm
	case m.form != nil:
		return m.form
	}
	return m.focused()
}

// View draws the screen. A panic while drawing shows a message, never a crash.
func (m *App) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			v = tea.NewView(fmt.Sprintf("Latchkey could not draw this screen (%v).\nPress esc, or q to quit.", r))
			v.AltScreen = true
		}
	}()
	v = tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "Latchkey"
	return v
}

// Render is the screen as a string (golden tests compare it).
func (m *App) Render() string {
	if m.quitting {
		return ""
	}
	if m.act.qr != nil {
		return m.qrScreen() // the whole screen, so the code fits 80x24 (actions.go)
	}
	c := m.c
	names := make([]string, len(m.tabs))
	for i, p := range m.tabs {
		names[i] = p.Title()
	}
	badges := map[int]string{}
	// Every locked account, whatever the lockouts filter shows.
	if n := c.Stats.Locked; n > 0 {
		badges[int(common.PaneLockouts)] = fmt.Sprintf("(%d)", n)
	}
	header := components.Header(c, components.HeaderInfo{
		Stats: c.Stats, Demo: c.Svc.IsDemo(), Offset: c.Svc.ClockOffset(), Now: c.Now(), Sim: m.simBadge(),
	})
	tabs := components.Tabs(c, names, m.active, badges)
	footer := m.footer.View(m.keyMap())
	bodyH := max(c.Height-3-lipgloss.Height(footer), 3)

	var body string
	switch {
	case m.pw.body():
		body = m.pwView()
	case m.act.body():
		body = m.act.form.View()
	case m.form != nil:
		body = m.form.View()
	case m.inDetail:
		body = m.detail.View()
	case m.inPractice:
		body = m.practice.View()
	default:
		body = m.tabs[m.active].View()
	}
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).Render(body)
	if dlg := m.dialogView(); dlg != "" {
		x := max((c.Width-lipgloss.Width(dlg))/2, 0)
		y := max((bodyH-lipgloss.Height(dlg))/2, 0)
		body = lipgloss.NewCompositor(
			lipgloss.NewLayer(body),
			lipgloss.NewLayer(dlg).X(x).Y(y).Z(1),
		).Render()
		body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).Render(body)
	}
	flash := ""
	if m.flash != "" {
		if m.flashErr {
			flash = c.Styles.FlashErr.Render(components.Fit(m.flash, c.Width))
		} else {
			flash = c.Styles.Flash.Render(components.Fit("✓ "+m.flash, c.Width))
		}
	}
	return strings.Join([]string{header, tabs, body, flash, footer}, "\n")
}

func (m *App) dialogView() string {
	switch {
	case m.alert != nil:
		return m.alert.View(m.c.Width - 2)
	case m.pw.confirm != nil:
		return m.pw.confirm.View(m.c.Width - 2)
	case m.act.confirm != nil:
		return m.act.confirm.View(m.c.Width - 2)
	case m.confirm != nil:
		return m.confirm.View(m.c.Width - 2)
	}
	return ""
}

// State for tests: which tab is in front and what is open.
func (m *App) Active() common.PaneID { return common.PaneID(m.active) }

// InDetail reports whether the user detail is showing.
func (m *App) InDetail() bool { return m.inDetail }

// Dialog names what is open over the panes: "form", "confirm", "alert" or "".
func (m *App) Dialog() string {
	switch {
	case m.alert != nil:
		return "alert"
	case m.act.qr != nil:
		return "qr"
	case m.confirm != nil, m.act.confirm != nil:
		return "confirm"
	case m.form != nil, m.act.form != nil:
		return "form"
	}
	return ""
}

// Flash is the flash line's text.
func (m *App) Flash() string { return m.flash }

// Lockouts is the lockouts pane (tests read its rows).
func (m *App) Lockouts() *panes.Lockouts { return m.lockouts }

// Users is the users pane.
func (m *App) Users() *panes.Users { return m.users }

// Detail is the detail pane.
func (m *App) Detail() *panes.Detail { return m.detail }
