package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

	"latchkey/tui/common"
	"latchkey/tui/panes"
)

// tabs is the one registry of the console's tabs, in order: the number key
// of each, its place in help and the tab bar all come from here. A new pane
// is a new line.
var tabs = []struct {
	id   common.PaneID
	make func(*common.Common) panes.Pane
}{
	{common.PanePractices, func(c *common.Common) panes.Pane { return panes.NewPractices(c) }},
	{common.PaneUsers, func(c *common.Common) panes.Pane { return panes.NewUsers(c) }},
	{common.PaneLicenses, func(c *common.Common) panes.Pane { return panes.NewLicenses(c) }},
	{common.PaneLockouts, func(c *common.Common) panes.Pane { return panes.NewLockouts(c) }},
	{common.PaneAudit, func(c *common.Common) panes.Pane { return panes.NewAudit(c) }},
	{common.PaneOutbox, func(c *common.Common) panes.Pane { return panes.NewOutbox(c) }},
	{common.PanePatients, func(c *common.Common) panes.Pane { return panes.NewPatients(c) }},
	{common.PaneWatch, func(c *common.Common) panes.Pane { return panes.NewWatch(c) }},
}

// buildTabs makes the panes and their number keys.
func buildTabs(c *common.Common) []panes.Pane {
	out := make([]panes.Pane, len(tabs))
	c.Keys.TabKeys = make([]key.Binding, len(tabs))
	for i, t := range tabs {
		out[i] = t.make(c)
		n := strconv.Itoa(i + 1)
		c.Keys.TabKeys[i] = key.NewBinding(key.WithKeys(n), key.WithHelp(n, strings.ToLower(out[i].Title())))
	}
	return out
}

// tabIndex is the place of a pane in the tab bar, or -1.
func tabIndex(id common.PaneID) int {
	for i, t := range tabs {
		if t.id == id {
			return i
		}
	}
	return -1
}
