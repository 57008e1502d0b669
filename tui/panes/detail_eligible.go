package panes

import (
	"strings"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
)

// actionLines say which actions apply to the user now, by key, and which
// do not with the rule that says why (accounts.Eligible): the operator sees
// why not before pressing anything.
func actionLines(st *common.Styles, el []accounts.Eligibility) []string {
	var can, cannot []string
	for _, e := range el {
		a := actions.ByID(e.Action)
		if a == nil {
			continue
		}
		k := a.Key.Help().Key
		if e.OK {
			can = append(can, k+" "+a.Key.Help().Desc)
		} else {
			cannot = append(cannot, k+" "+e.Rule)
		}
	}
	label := st.Label.Render("Actions    ")
	out := []string{label + strings.Join(can, st.Muted.Render(" · "))}
	if len(cannot) > 0 {
		out = append(out, st.Label.Render("Not now    ")+st.Muted.Render(strings.Join(cannot, " · ")+"  (the key says why)"))
	}
	return out
}
