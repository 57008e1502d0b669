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
	var can, cannot, keys []string
	rules := map[string]bool{}
	for _, e := range el {
		a := actions.ByID(e.Action)
		if a == nil {
			continue
		}
		k := a.Key.Help().Key
		if e.OK {
			can = append(can, k+" "+a.Key.Help().Desc)
		} else {
			cannot, keys = append(cannot, k+" "+e.Rule), append(keys, k)
			rules[e.Rule] = true
		}
	}
	label := st.Label.Render("Actions    ")
	out := []string{label + strings.Join(can, st.Muted.Render(" · "))}
	if len(can) == 0 {
		out[0] = label + st.Muted.Render("none now")
	}
	switch {
	case len(cannot) > 1 && len(rules) == 1:
		// One rule refuses them all (a read-only operator, R35): said once.
		for rule := range rules {
			out = append(out, st.Label.Render("Not now    ")+st.Muted.Render(strings.Join(keys, " ")+": "+rule+"  (the key says why)"))
		}
	case len(cannot) > 0:
		out = append(out, st.Label.Render("Not now    ")+st.Muted.Render(strings.Join(cannot, " · ")+"  (the key says why)"))
	}
	return out
}
