package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/actions"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
	"latchkey/tui/panes"
)

// Live panes (R35): every second the root looks at the change feed — an
// atomic number, no database work — and only when it moved (any operator,
// the simulator, the system) reloads the header and what is visible; every
// pane keeps its cursor on its record through a reload. A lock due to lift
// is swept when its time comes, known from the lockouts pane's rows, and so
// is a "Forgot your password?" window that ended (R16, accounts.SweepDue).

// liveMsg is the header's totals and the change feed, read after a change.
type liveMsg struct {
	Stats  accounts.Stats
	Seq    uint64
	Lifted int
	// Approvals is how many four-eyes requests of other operators wait (R42),
	// Watch how many watched factors wait for review (R43).
	Approvals, Watch int
	Err              error
	// The user an open form acts on (0: none), and whether they changed
	// since it opened in a way the service would refuse it for (R35).
	FormUser    uint64
	FormChanged bool
	// FormPassed: a caller check of the form's user by this operator that
	// passed while the form was open, for a form a check precedes (R41).
	FormPassed *accounts.VerificationView
}

// changeSeq is the service's change feed.
func changeSeq(svc common.Service) uint64 { return svc.ChangeSeq() }

// onTick redraws countdowns, expires the flash line and catches up with
// changes; it reads the database only when something changed or a lock is
// due to lift.
func (m *App) onTick(t common.TickMsg) tea.Cmd {
	now := m.c.Now()
	if m.flash != "" && time.Time(t).Sub(m.flashAt) > flashFor {
		m.flash = ""
	}
	cmds := []tea.Cmd{m.every()}
	if m.dialogs.Len() > 0 {
		cmds = append(cmds, m.dialogs.Update(t)) // a form replays keys it held (typeahead)
	}
	lock := m.lockouts()
	// A lock due to lift, or a forgot-password window ended (R16: the
	// address is dropped from the file even on a quiet desk); both are
	// known without reading the database.
	due := lock.Due(now) || m.c.Svc.SweepDue(now)
	lock.Tick(now)
	if due || changeSeq(m.c.Svc) != m.seen {
		cmds = append(cmds, m.liveCmd(due))
	}
	// Another operator opened or left a user: the detail's "also here".
	if p := m.c.Svc.PresenceSeq(); p != m.presence {
		m.presence = p
		if m.over == panes.Pane(m.detail) {
			cmds = append(cmds, m.detail.Reload())
		}
	}
	return tea.Batch(cmds...)
}

// liveCmd lifts due locks (R12) if asked and reads the totals and the feed.
func (m *App) liveCmd(sweep bool) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	formUser, formVersion, wantCheck := m.formUser(), uint64(0), false
	if d := m.formData(); d != nil {
		formVersion = d.Version
		wantCheck = d.Passed == nil && actions.TakesCheck(m.Form().ID())
	}
	return common.Cmd(func() tea.Msg {
		out := liveMsg{FormUser: formUser}
		if formUser != 0 {
			out.FormChanged, _ = svc.ChangedSince(formUser, formVersion)
		}
		if formUser != 0 && wantCheck {
			if pv, ok, err := svc.PassedVerification(actor.Name, formUser); err == nil && ok {
				out.FormPassed = &pv
			}
		}
		if sweep {
			out.Lifted, out.Err = svc.Sweep()
		}
		if out.Err == nil {
			out.Stats, out.Err = svc.Stats()
		}
		if out.Err == nil {
			out.Approvals, out.Err = svc.PendingApprovals(actor)
		}
		if out.Err == nil {
			out.Watch, out.Err = svc.OpenWatchCount()
		}
		out.Seq = svc.ChangeSeq()
		return out
	})
}

func (m *App) onLive(msg liveMsg) tea.Cmd {
	if msg.Err != nil {
		m.setFlash("could not read the database: "+common.Sanitize(msg.Err.Error()), true)
		return nil
	}
	m.c.Stats = msg.Stats
	m.approvals, m.watch = msg.Approvals, msg.Watch
	if msg.Lifted > 0 {
		m.setFlash(fmt.Sprintf("%s lifted by %s (R12)", plural.Count(msg.Lifted, "lock"), themselves(msg.Lifted)), false)
	}
	m.noticeChanged(msg)
	form := m.checkPassed(msg)
	if msg.Seq == m.seen {
		return form
	}
	m.seen = msg.Seq
	return tea.Batch(form, m.reloadVisible())
}

// checkPassed: a caller check passed while a form it precedes was open; the
// form, and its confirm if that is up, now say so (R41).
func (m *App) checkPassed(msg liveMsg) tea.Cmd {
	f := m.Form()
	if msg.FormPassed == nil || f == nil || msg.FormUser != m.formUser() {
		return nil
	}
	took, cmd := actions.CheckPassed(m.c, f, *msg.FormPassed)
	if !took {
		return nil
	}
	said := fmt.Sprintf("Caller check #%d (%s) passed: it goes with this action (R41)", msg.FormPassed.ID, msg.FormPassed.Method)
	if c, ok := m.dialogs.Top().(*dialog.Confirm); ok {
		c.Notice = said
	}
	m.setFlash(said, false)
	return cmd
}

// reloadVisible reloads what the operator sees: the pane in front, the tab
// under a detail, and the lockouts (they know when the next lock lifts).
func (m *App) reloadVisible() tea.Cmd {
	cmds := []tea.Cmd{m.tabs[m.active].Reload(), m.lockouts().Reload()}
	if m.over != nil {
		cmds = append(cmds, m.over.Reload())
	}
	return tea.Batch(cmds...)
}

// refresh catches up at once after this console's own action.
func (m *App) refresh() tea.Cmd { return m.liveCmd(false) }

func (m *App) lockouts() *panes.Lockouts {
	return m.tabs[tabIndex(common.PaneLockouts)].(*panes.Lockouts)
}

func themselves(n int) string {
	if n == 1 {
		return "itself"
	}
	return "themselves"
}

// clockMsg is the demo clock's answer.
type clockMsg struct {
	Step time.Duration
	Now  time.Time
	Err  error
}

// clockCmd advances a demo database's clock (R39), on the task line while
// it runs (a big demo sweeps its locks as the clock moves).
func (m *App) clockCmd(d time.Duration) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return tea.Batch(common.Cmd(func() tea.Msg {
		now, err := svc.AdvanceClock(actor, d)
		return clockMsg{Step: d, Now: now, Err: err}
	}), m.task.start("working: demo clock +"+shortDur(d)))
}

func (m *App) onClock(msg clockMsg) tea.Cmd {
	m.task.stop()
	if msg.Err != nil {
		return m.refuse("The clock cannot move", msg.Err)
	}
	m.setFlash(fmt.Sprintf("Demo clock advanced %s: it is now %s", shortDur(msg.Step),
		common.Stamp(msg.Now, m.c.Loc)), false)
	// Every countdown follows at once: rows whose lock lifted leave now.
	m.lockouts().Tick(m.c.Now())
	return m.liveCmd(true)
}

func shortDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// formUser is the user the open form acts on, if any.
func (m *App) formUser() uint64 {
	if d := m.formData(); d != nil && d.User != nil {
		return d.User.ID
	}
	return 0
}

func (m *App) formData() *actions.Data {
	if f := m.Form(); f != nil {
		if d, ok := f.Info.(*actions.Data); ok {
			return d
		}
	}
	return nil
}

// noticeChanged tells an open form, and its confirm, that its user changed
// since it opened: the operator reads it before confirming, and the service
// refuses the stale form rather than act twice (R35).
func (m *App) noticeChanged(msg liveMsg) {
	d := m.formData()
	if d == nil || d.User == nil || msg.FormUser != d.User.ID || !msg.FormChanged {
		return
	}
	notice := d.What() + " changed since this form opened (another operator, the user or the system acted): " +
		"check their record; a stale form is refused, never applied twice."
	m.Form().SetNotice(notice)
	if c, ok := m.dialogs.Top().(*dialog.Confirm); ok {
		c.Notice = notice
	}
}

// adoptFresh: a form refused as stale (R35) goes back as typed, and the
// refusal has just said what changed and where the user stands now. Acting
// again from it is then the operator's informed choice, so the form goes by
// the record as it is now (the service checks every rule on it again);
// left at its old version it was refused as stale at every try.
func (m *App) adoptFresh(err error) {
	var stale *accounts.StaleError
	d := m.formData()
	if !errors.As(err, &stale) || d == nil || d.User == nil || d.User.ID != stale.Fresh.ID || len(stale.Changes) == 0 {
		return
	}
	fresh := stale.Fresh
	d.User, d.Version = &fresh, stale.Changes[len(stale.Changes)-1].Seq
	m.Form().SetNotice(d.What() + " changed since this form opened (see the refusal): acting again goes by their record as it is now.")
}
