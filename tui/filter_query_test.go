package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// dataMsgs runs cmd as the runtime would and returns the service answers it
// produced (timers such as a cursor blink are left running).
func dataMsgs(cmd tea.Cmd) []common.DataMsg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(200 * time.Millisecond):
		return nil
	}
	switch msg := msg.(type) {
	case common.DataMsg:
		return []common.DataMsg{msg}
	case tea.BatchMsg:
		var out []common.DataMsg
		for _, c := range msg {
			out = append(out, dataMsgs(c)...)
		}
		return out
	}
	return nil
}

// R31 (issue 14): a filter asks the service at the first key, with no
// debounce; while that query is in flight the keys typed meanwhile wait, and
// go together into the next query as soon as the answer lands: one query in
// flight per pane, and the last answer is the whole filter's.
func TestFilterAsksAtOnceAndMergesKeys(t *testing.T) {
	h := newHarness(t, small, 100, 30, common.PaneUsers)
	h.key("/")
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: 'h', Text: "h"})
	first := dataMsgs(cmd)
	if len(first) != 1 {
		t.Fatalf("the first key asked %d queries, want 1 at once", len(first))
	}
	for _, r := range "iro" {
		_, cmd := h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		if q := dataMsgs(cmd); len(q) != 0 {
			t.Fatalf("key %q asked a second query while one was in flight", r)
		}
	}
	if !strings.Contains(h.view(), "/ hiro") {
		t.Fatalf("the keys typed are not echoed at once:\n%s", h.view())
	}
	_, cmd = h.m.Update(first[0])
	next := dataMsgs(cmd)
	if len(next) != 1 {
		t.Fatalf("the answer asked %d follow-up queries, want 1 for the keys typed meanwhile", len(next))
	}
	_, cmd = h.m.Update(next[0])
	if q := dataMsgs(cmd); len(q) > 1 {
		t.Fatalf("%d queries after the filter's answer", len(q))
	}
	v := h.view()
	if !strings.Contains(v, "Hiro Alvarez") || strings.Contains(v, "Ana Alvarez") {
		t.Fatalf("the last answer is not the whole filter's:\n%s", v)
	}
}
