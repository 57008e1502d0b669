package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// R31, R35: when nothing applies now the Actions line says so, and when
// one rule refuses everything (a read-only operator, R35) the Not now line
// says it once instead of repeating it after every key.
func TestActionLinesWhenNothingApplies(t *testing.T) {
	st := common.NewStyles(true)
	var el []accounts.Eligibility
	for _, a := range []accounts.Action{accounts.ActionUnlock, accounts.ActionSendSetup, accounts.ActionInactivate} {
		el = append(el, accounts.Eligibility{Action: a, Rule: "R35"})
	}
	got := ansi.Strip(strings.Join(actionLines(st, el, 0), "\n"))
	if !strings.Contains(got, "Actions    none now") {
		t.Errorf("an empty Actions line:\n%s", got)
	}
	if strings.Count(got, "R35") != 1 || !strings.Contains(got, "u v x") {
		t.Errorf("one rule refusing every key is not said once:\n%s", got)
	}
	// Different rules: each key with its own, as before.
	el[0].Rule = "R13"
	got = ansi.Strip(strings.Join(actionLines(st, el, 0), "\n"))
	if !strings.Contains(got, "u R13 · v R35 · x R35") {
		t.Errorf("mixed rules:\n%s", got)
	}
}
