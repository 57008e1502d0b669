package tui

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"latchkey/tui/common"
	"latchkey/tui/internal/fixture"
)

// harness drives the root model by hand: messages in, commands run to
// completion (with a bound, so a timer that never fires cannot hang a test),
// their answers fed back, as the Bubble Tea runtime would.
type harness struct {
	t       *testing.T
	m       *App
	f       *fixture.Fixture
	dropped int // commands the harness could not wait for (logged)
}

func newHarness(t *testing.T, o fixture.Options, w, h int, start common.PaneID) *harness {
	t.Helper()
	f, err := fixture.Build(filepath.Join(t.TempDir(), "console.db"), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Svc.Close() })
	return harnessFor(t, f, w, h, start)
}

func harnessFor(t *testing.T, f *fixture.Fixture, w, h int, start common.PaneID) *harness {
	m := New(f.Svc, Options{Operator: "alice", Location: time.UTC, Start: start})
	m.every = func() tea.Cmd { return nil } // time moves only when a test says so
	m.noWake = true                         // and changes arrive only when it sends them
	hs := &harness{t: t, m: m, f: f}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

// send delivers msg and runs what it asks for.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) { h.runAll([]tea.Cmd{cmd}, 0, cmdWait) }

// cmdWait bounds how long a command that is not a service call may take:
// what is still running after this is a timer the test does not wait for (a
// cursor blink, the task line's 200 ms delay). It is generous because under
// -race on a loaded 2-core machine a goroutine can wait a long time to run.
const cmdWait = 300 * time.Millisecond

// serviceWait bounds a service call: far more than any takes, even on a
// loaded machine.
const serviceWait = 20 * time.Second

// serviceCmdCode is the code of every command common.Cmd makes: the
// service calls of panes and actions.
var serviceCmdCode = reflect.ValueOf(common.Cmd(func() tea.Msg { return nil })).Pointer()

// nop is a command that does nothing.
var nop = func() tea.Msg { return nil }

// isServiceCmd reports whether cmd must always be waited for: a service
// call (made by common.Cmd, never inlined), or a batch or sequence holding
// others: they answer at once with the commands they hold, but on a loaded
// machine their goroutine may not even be scheduled within cmdWait, so they
// are never taken for timers. tea.Batch and tea.Sequence are inlined where
// they are called, so each call site's command has code of its own; its
// name still says what made it.
func isServiceCmd(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	pc := reflect.ValueOf(cmd).Pointer()
	if pc == serviceCmdCode {
		return true
	}
	f := runtime.FuncForPC(pc)
	return f != nil && strings.Contains(f.Name(), ".compactCmds[")
}

// runAll runs cmds side by side, as the runtime does, and feeds their answers
// back in the order the commands were given. A command still running after
// cmdWait (a timer: a cursor blink, the task line's delay) is dropped, and
// the harness says so in the test log, never silently.
func (h *harness) runAll(cmds []tea.Cmd, depth int, wait time.Duration) {
	if depth > 10 {
		h.t.Logf("harness: dropped %d commands nested more than 10 deep", len(cmds))
		return
	}
	type answer struct {
		i   int
		msg tea.Msg
	}
	ch := make(chan answer, len(cmds))
	running := 0
	for i, cmd := range cmds {
		if cmd == nil {
			continue
		}
		running++
		go func() { ch <- answer{i, cmd()} }()
	}
	msgs := make([]tea.Msg, len(cmds))
	got := make([]bool, len(cmds))
	// A service call (made with common.Cmd) is always waited for, however
	// loaded the machine; only timers are cut off at wait.
	service := 0
	for _, cmd := range cmds {
		if isServiceCmd(cmd) {
			service++
		}
	}
	deadline := time.After(wait)
	hard := time.After(serviceWait)
	late := false // the deadline passed while a service call ran
wait:
	for running > 0 {
		select {
		case a := <-ch:
			msgs[a.i], got[a.i] = a.msg, true
			running--
			if isServiceCmd(cmds[a.i]) {
				service--
			}
			if late && service == 0 {
				break wait
			}
		case <-deadline:
			if service == 0 {
				break wait
			}
			deadline, late = nil, true // keep waiting for the service
		case <-hard:
			h.t.Errorf("harness: a service call took longer than %s", serviceWait)
			break wait
		}
	}
	if running > 0 {
		h.dropped += running
		h.t.Logf("harness: dropped %d command(s) still running after %s (timers)", running, wait)
	}
	for i, msg := range msgs {
		if !got[i] {
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			h.runAll(msg, depth+1, wait)
		default:
			if isTerminalQuery(msg) {
				continue
			}
			_, next := h.m.Update(msg)
			h.runAll([]tea.Cmd{next}, depth+1, cmdWait)
		}
	}
}

// isTerminalQuery reports messages that ask the terminal something; with no
// terminal there is no answer, so they are dropped.
func isTerminalQuery(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.QuitMsg:
		return true
	}
	s := typeName(msg)
	return s == "tea.backgroundColorMsg" || s == "tea.windowSizeMsg" || s == "tea.sequenceMsg"
}

// key presses a key named as Bubble Tea names it ("enter", "ctrl+f", "q").
func (h *harness) key(k string) {
	h.t.Helper()
	h.send(keyMsg(k))
}

// typeText types s one key at a time.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// paste enters s as one key event carrying all its text, as a fast typist's
// burst arrives.
func (h *harness) paste(s string) {
	h.send(tea.KeyPressMsg{Code: []rune(s)[0], Text: s})
}

// tick is one second of the app's clock.
func (h *harness) tick() { h.send(common.TickMsg(time.Now())) }

// view is the screen without styles.
func (h *harness) view() string { return ansi.Strip(h.m.Render()) }

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "ctrl+f":
		return tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+z":
		return tea.KeyPressMsg{Code: 'z', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// The harness knows a service call however it was made: a pane's query made
// through common.Query is waited for, not taken for a timer and cut off.
func TestHarnessKnowsServiceCalls(t *testing.T) {
	q := common.Query(common.PaneUsers, 1, func() (any, error) { return nil, nil })
	if !isServiceCmd(q) || !isServiceCmd(common.Cmd(nop)) {
		t.Fatal("a service call made by common.Query or common.Cmd is not known as one")
	}
	if !isServiceCmd(tea.Batch(nop, q)) || !isServiceCmd(tea.Sequence(nop, q)) {
		t.Fatal("a batch or a sequence is not waited for")
	}
	if isServiceCmd(tea.Tick(time.Second, func(time.Time) tea.Msg { return nil })) {
		t.Fatal("a timer is taken for a service call")
	}
}
