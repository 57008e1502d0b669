package panes

import (
	"testing"

	"charm.land/bubbles/v2/key"

	"latchkey/tui/common"
)

// R31: full help lists each key once. A pane's footer may carry a global
// key (the lockouts pane shows "+ demo clock +5m" in a demo); its own
// column leaves it out, as the global column lists it.
func TestFullHelpListsEachKeyOnce(t *testing.T) {
	c := &common.Common{Keys: common.NewKeyMap()}
	k := c.Keys
	seen := map[string]int{}
	for _, col := range fullHelp(c, []key.Binding{k.Move, k.Filter, k.Open, k.ClockStep, k.Help, k.Quit, k.NextTab}) {
		for _, b := range col {
			seen[b.Help().Key+" "+b.Help().Desc]++
		}
	}
	for what, n := range seen {
		if n > 1 {
			t.Errorf("%q listed %d times", what, n)
		}
	}
}
