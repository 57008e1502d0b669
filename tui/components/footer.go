package components

import (
	"strings"

	"charm.land/bubbles/v2/help"

	"latchkey/tui/common"
)

// Footer draws the keys that work here: the short list, or all of them when
// full help is on.
type Footer struct {
	c    *common.Common
	help help.Model
}

// NewFooter returns a footer showing the short list.
func NewFooter(c *common.Common) Footer {
	h := help.New()
	h.Styles = c.Styles.Help
	return Footer{c: c, help: h}
}

// ToggleAll switches between the short list and all keys.
func (f *Footer) ToggleAll() { f.help.ShowAll = !f.help.ShowAll }

// ShowingAll reports whether all keys are shown.
func (f Footer) ShowingAll() bool { return f.help.ShowAll }

// View draws the footer for km at the current width.
func (f Footer) View(km help.KeyMap) string {
	f.help.Styles = f.c.Styles.Help
	f.help.SetWidth(f.c.Width)
	lines := strings.Split(f.help.View(km), "\n")
	for i, l := range lines {
		lines[i] = Fit(l, f.c.Width) // help leaves long lists wider than the screen
	}
	return strings.Join(lines, "\n")
}
