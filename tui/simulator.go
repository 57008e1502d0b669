package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// simToggledMsg says the simulator started or stopped.
type simToggledMsg struct{ Running bool }

// toggleSim starts or stops the simulator (R40). Stopping waits for the
// action in flight, so it runs as a command, never in Update.
func (m *App) toggleSim() tea.Cmd {
	sim := m.sim
	switch {
	case sim == nil && !m.c.Svc.IsDemo():
		return m.refuse("The simulator cannot run", &accounts.RuleError{Rule: "R40",
			Msg:      "the simulated users act only in a demo database",
			Guidance: "Open a demo: `latchkey demo --db FILE`, then `latchkey --db FILE`."})
	case sim == nil:
		m.setFlash("The simulator is not available in this console", true)
		return nil
	}
	return common.Cmd(func() tea.Msg {
		if sim.Running() {
			sim.Stop()
		} else {
			sim.Start()
		}
		return simToggledMsg{Running: sim.Running()}
	})
}

func (m *App) onSimToggled(msg simToggledMsg) tea.Cmd {
	if msg.Running {
		m.setFlash(fmt.Sprintf("Simulator started: %s actions a second as the practices' users; ctrl+s stops it", rate(m.sim.Rate())), false)
	} else {
		m.setFlash("Simulator stopped", false)
	}
	return m.refresh()
}

// simBadge is the header's word on the simulator: running, at what rate,
// and any rule violation it found.
func (m *App) simBadge() string {
	if m.sim == nil {
		return ""
	}
	if !m.sim.Running() {
		if m.sim.Failure() != "" {
			// Its value and place are in the run's violations, not on
			// the screen; ctrl+s starts it again.
			return "SIM STOPPED: " + common.InternalMsg
		}
		return ""
	}
	s := "SIM " + rate(m.sim.Rate()) + "/s"
	if v := m.sim.Violations(); v > 0 {
		s += fmt.Sprintf(" · %d VIOLATIONS", v)
	}
	return s
}

func rate(r float64) string {
	if r <= 0 {
		return "max"
	}
	return fmt.Sprintf("%g", r)
}
