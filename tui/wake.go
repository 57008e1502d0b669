package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Woken by the change feed (R35): rather than wait for the next tick, the
// console waits on accounts' Changed channel, off the event loop, and
// catches up the moment another operator, the simulator or the sweeper
// commits — usually within milliseconds, never later than the tick. A burst
// of changes (the simulator) is taken at most once per wakeGap, so fifty
// consoles do not reload fifty times for every simulated login.

const wakeGap = 100 * time.Millisecond

// changedMsg: the change feed moved.
type changedMsg struct{}

// rearmMsg: the gap after a wake is over; wait for the next change.
type rearmMsg struct{}

// waitChange waits for the next committed change.
func (m *App) waitChange() tea.Cmd { return wait(m.c.Svc.Changed()) }

func wait(ch <-chan struct{}) tea.Cmd { return func() tea.Msg { <-ch; return changedMsg{} } }

// onRearm waits for the next change — or, when one came during the gap,
// catches up with it at once.
func (m *App) onRearm() tea.Cmd {
	ch := m.c.Svc.Changed() // first: a change after this closes it
	if m.c.Svc.ChangeSeq() != m.seen {
		return m.onChanged()
	}
	return wait(ch)
}

// onChanged catches up now and waits again after the gap.
func (m *App) onChanged() tea.Cmd {
	return tea.Batch(m.liveCmd(false), tea.Tick(wakeGap, func(time.Time) tea.Msg { return rearmMsg{} }))
}
