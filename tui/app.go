package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/dialog"
	"latchkey/tui/panes"
	"latchkey/tui/screen"
)

// flashFor is how long a flash line stays.
const flashFor = 12 * time.Second

// App is the root model: the tabs, what is over them (a detail), the dialog
// stack, global keys and the flash line. It is the only model whose View
// returns a tea.View. The focus rule is one: the top dialog if any, else
// the detail over the active tab if any, else the active tab.
type App struct {
	c *common.Common

	tabs     []panes.Pane
	active   int
	over     panes.Pane // a detail over the active tab, or nil
	detail   *panes.Detail
	practice *panes.Practice

	dialogs dialog.Stack
	footer  components.Footer
	task    task

	flash    string
	flashErr bool
	flashAt  time.Time

	sim       common.Simulator // the simulated users, when the command line gave one (R40)
	seen      uint64           // the change feed's number at the last reload (live.go)
	approvals int              // other operators' four-eyes requests waiting (R42)
	watch     int              // watched factors waiting for review (R43)
	presence  uint64           // who-has-whom-open's number at the last redraw
	doneCall  uint64           // the newest action call answered (a later RunningMsg is stale)

	suspender suspender // gives the terminal back for ctrl+z; nil over SSH (suspend.go)

	log      common.Logger // where a caught panic is written (internal.go)
	logWhere string        // the log's place, for the flash line ("" when unsaid)

	quitting bool
	every    func() tea.Cmd // the clock tick; tests stop it to drive time by hand
	noWake   bool           // tests deliver the change feed's wake-ups by hand (wake.go)
}

// New returns the console's root model over svc.
func New(svc common.Service, opts Options) *App {
	c := common.New(svc, opts.Operator)
	c.ReadOnly = opts.ReadOnly
	c.Seat = opts.Seat
	c.Remote = opts.Remote
	if c.ReadOnly {
		// A read-only operator's write keys vanish from the footer and
		// help, and do nothing (R35); the service refuses them anyway.
		for _, b := range []*key.Binding{&c.Keys.ClockStep, &c.Keys.ClockHour, &c.Keys.Simulate} {
			b.SetEnabled(false)
		}
	}
	// Over SSH ctrl+z suspends nothing (suspend.go): help does not offer it.
	c.Keys.Suspend.SetEnabled(!opts.Remote)
	if opts.Location != nil {
		c.Loc = opts.Location
	}
	c.Width, c.Height = 80, 24
	c.DocsDir = opts.CredentialsDir
	c.OperatorFrom = opts.OperatorFrom
	m := &App{
		c:        c,
		tabs:     buildTabs(c),
		detail:   panes.NewDetail(c),
		practice: panes.NewPractice(c),
		footer:   components.NewFooter(c),
		every:    tick,
		sim:      opts.Simulator,
		log:      opts.Log,
		logWhere: opts.LogWhere,
	}
	if i := tabIndex(opts.Start); i >= 0 {
		m.active = i
	}
	if st, err := svc.Stats(); err == nil {
		c.Stats = st // the first frame already has its totals
	}
	if n, err := svc.PendingApprovals(c.Actor()); err == nil {
		m.approvals = n // and its four-eyes badge (R42)
	}
	if n, err := svc.OpenWatchCount(); err == nil {
		m.watch = n // and its watch-list badge (R43)
	}
	m.seen = changeSeq(svc)
	m.layout()
	return m
}

// Common is the shared context (tests read it).
func (m *App) Common() *common.Common { return m.c }

// Init starts the first loads, the clock tick and the background query.
func (m *App) Init() tea.Cmd {
	// Locks that lifted while no desk had the file are lifted now (R12):
	// the pane leaves them out, and the totals count them until swept.
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.every(), m.liveCmd(true)}
	if !m.noWake {
		cmds = append(cmds, m.waitChange())
	}
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
			m.setFlash(m.internalFlash(), true)
			model, cmd = m, m.logInternal(fmt.Sprintf("Update(%T)", msg), common.Recovered(r))
		}
	}()
	cmd = m.update(msg)
	if ie := internalOf(msg); ie != nil {
		cmd = tea.Batch(cmd, m.logInternal(fmt.Sprintf("a command answering with %T", msg), ie))
	}
	// A dialog brings its own keys: all keys left open over it took the
	// rows its last field needs on a small screen, and ? cannot close it
	// there (it is typed into a field).
	if m.dialogs.Len() > 0 && m.footer.ShowingAll() {
		m.footer.ToggleAll()
	}
	m.layout()
	return m, cmd
}

func (m *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// Bounded: an SSH client may claim any size (see screen.MaxWidth).
		m.c.Width, m.c.Height = screen.Clamp(msg.Width, msg.Height)
		return nil
	case tea.BackgroundColorMsg:
		*m.c.Styles = *common.NewStyles(msg.IsDark())
		return nil
	case common.TickMsg:
		return m.onTick(msg)
	case liveMsg:
		return m.onLive(msg)
	case changedMsg:
		return m.onChanged()
	case rearmMsg:
		return m.onRearm()
	case common.DataMsg:
		return m.pane(msg.Pane).Update(msg)
	case common.DebounceMsg:
		return m.pane(msg.Pane).Update(msg)
	case common.OpenDetailMsg:
		m.setOver(m.detail)
		return m.detail.Show(msg.UserID)
	case common.OpenPracticeMsg:
		m.active = tabIndex(common.PanePractices)
		m.setOver(m.practice)
		return m.practice.Show(msg.PracticeID)
	case common.ShowPracticeUsersMsg:
		m.active = tabIndex(common.PaneUsers)
		m.setOver(nil)
		return m.tabs[m.active].(*panes.Users).Scope(msg.PracticeID, msg.Name)
	case common.FlashMsg:
		m.setFlash(msg.Text, msg.Err)
		return nil
	case common.PanicMsg:
		m.task.stop()
		m.setFlash(m.internalFlash(), true)
		return nil
	case dialog.OpenMsg:
		if c, ok := msg.Dialog.(*dialog.Confirm); ok && m.Form() != nil {
			c.Notice = m.Form().Notice // a changed record is said before you confirm
		}
		return m.dialogs.Push(msg.Dialog)
	case dialog.CloseMsg:
		return m.dialogs.Close(msg.ID)
	case actions.LoadedMsg:
		return m.onLoaded(msg)
	case actions.RunningMsg:
		if msg.N > m.doneCall { // not already answered
			return m.task.start("working: " + msg.What)
		}
		return nil
	case actions.DoneMsg:
		m.doneCall = max(m.doneCall, msg.N)
		m.task.stop()
		return m.onDone(msg)
	case paletteJumpMsg:
		return m.jump(msg)
	case paletteActionMsg:
		return m.startAction(msg.Action, msg.Sel)
	case paletteTabMsg:
		return m.switchTo(int(msg))
	case copiedMsg:
		return m.onCopied(msg)
	case clockMsg:
		return m.onClock(msg)
	case simToggledMsg:
		return m.onSimToggled(msg)
	case leftMsg:
		return m.onLeft(msg)
	case tea.ResumeMsg:
		return m.resumed()
	case backMsg:
		return m.onBack(msg)
	case tea.KeyPressMsg:
		if m.tooSmall() {
			return m.keyTooSmall(msg)
		}
		return m.key(msg)
	case tea.MouseMsg:
		if m.tooSmall() {
			return nil
		}
		return m.mouse(msg)
	}
	if m.task.owns(msg) {
		return m.task.update(msg)
	}
	// Anything else (cursor blinks, a palette's answers) goes to what has
	// the focus.
	if m.dialogs.Len() > 0 {
		return m.dialogs.Update(msg)
	}
	return m.focused().Update(msg)
}

// pane returns the pane with an id.
func (m *App) pane(id common.PaneID) panes.Pane {
	switch id {
	case common.PaneDetail:
		return m.detail
	case common.PanePractice:
		return m.practice
	}
	return m.tabs[tabIndex(id)]
}

// setOver puts a detail over the active tab (nil: none); leaving the user
// detail ends this operator's presence there.
func (m *App) setOver(p panes.Pane) {
	if m.over == panes.Pane(m.detail) && p != panes.Pane(m.detail) {
		m.detail.Leave()
	}
	m.over = p
}

// focused is the pane keys go to when no dialog is open.
func (m *App) focused() panes.Pane {
	if m.over != nil {
		return m.over
	}
	return m.tabs[m.active]
}

// key handles a key by the one focus rule.
func (m *App) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+z" { // over a form too: it comes back as typed
		return m.suspend()
	}
	if m.dialogs.Len() > 0 {
		return m.dialogs.Update(msg) // ctrl+c closes the dialog, not the app
	}
	if msg.String() == "ctrl+c" {
		m.quitting = true
		return tea.Quit
	}
	f := m.focused()
	if f.Capturing() {
		return f.Update(msg)
	}
	k := m.c.Keys
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
	case key.Matches(msg, k.Palette):
		return m.openPalette()
	case key.Matches(msg, k.Copy):
		return m.copySelection()
	case key.Matches(msg, k.Back):
		if m.footer.ShowingAll() { // esc closes all keys first, and only them
			m.footer.ToggleAll()
			return nil
		}
		if m.over != nil {
			m.setOver(nil)
			return m.tabs[m.active].Reload()
		}
		_, cmd := m.tabs[m.active].Back()
		return cmd
	}
	for i, b := range k.TabKeys {
		if key.Matches(msg, b) {
			return m.switchTo(i)
		}
	}
	if a, ok := actions.Match(msg, f.Selection()); ok {
		return m.startAction(a, f.Selection())
	}
	return f.Update(msg)
}

// switchTo brings a tab to the front (leaving a detail) and refreshes it,
// so what the operator sees is current.
func (m *App) switchTo(i int) tea.Cmd {
	m.setOver(nil)
	if m.active == i {
		return nil
	}
	m.active = i
	return m.tabs[i].Reload()
}

func (m *App) setFlash(s string, isErr bool) {
	m.flash, m.flashErr, m.flashAt = s, isErr, time.Now()
}

// layout gives every pane and dialog the body's size.
func (m *App) layout() {
	w, body := m.c.Width, m.bodyHeight()
	for _, p := range m.tabs {
		p.SetSize(w, body)
	}
	m.detail.SetSize(w, body)
	m.practice.SetSize(w, body)
	m.dialogs.SetSize(w, body)
}

// bodyHeight is the screen less the header, the tabs, the flash line and
// the footer (which grows with full help).
func (m *App) bodyHeight() int {
	return max(m.c.Height-3-m.footerHeight(), 3)
}

// keyMap is what the footer lists: the top dialog's keys, else the focused
// pane's with the keys of the actions on its selection.
func (m *App) keyMap() help.KeyMap {
	if d := m.dialogs.Top(); d != nil {
		return d
	}
	if m.c.ReadOnly {
		return m.focused() // no action keys for who may not act (R35)
	}
	return withActions{m.focused()}
}
