package tui

import (
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// taskDelay is how long work runs before the task line shows it: quick
// answers never flicker a spinner.
const taskDelay = 200 * time.Millisecond

// task is the line that says what the console is waiting for, with a
// spinner, once the wait passes taskDelay.
type task struct {
	label   string
	started time.Time
	active  bool
	n       int // which wait: a late taskShowMsg of an earlier one is ignored
	sp      spinner.Model
}

// taskShowMsg is the wait passing taskDelay: the spinner starts then.
type taskShowMsg struct{ n int }

// start shows label while work runs, once it has run taskDelay.
func (t *task) start(label string) tea.Cmd {
	if t.sp.Spinner.Frames == nil {
		t.sp = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	}
	t.n++
	t.label, t.started, t.active = label, time.Now(), true
	n := t.n
	return tea.Tick(taskDelay, func(time.Time) tea.Msg { return taskShowMsg{n: n} })
}

// stop ends the wait.
func (t *task) stop() { t.active = false }

// owns reports whether msg is the spinner's.
func (t *task) owns(msg tea.Msg) bool {
	switch msg.(type) {
	case spinner.TickMsg, taskShowMsg:
		return true
	}
	return false
}

func (t *task) update(msg tea.Msg) tea.Cmd {
	if !t.active {
		return nil
	}
	if s, ok := msg.(taskShowMsg); ok {
		if s.n != t.n {
			return nil
		}
		return t.sp.Tick
	}
	var cmd tea.Cmd
	t.sp, cmd = t.sp.Update(msg)
	return cmd
}

// view is the task line, or "" while the wait is short.
func (t *task) view() string {
	if !t.active || time.Since(t.started) < taskDelay {
		return ""
	}
	return t.sp.View() + " " + t.label + "…"
}
