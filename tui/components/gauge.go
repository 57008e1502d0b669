package components

import (
	"fmt"
	"strings"

	"latchkey/tui/common"
)

// Gauge draws used of total as a bar of width cells followed by the share in
// percent; a full gauge is drawn in the at-capacity style and its bar is
// solid to the end, so fullness shows without colour (R32).
func Gauge(st *common.Styles, used, total, width int) string {
	const label = 5 // " 100%"
	bar := max(width-label, 1)
	share := 1.0
	if total > 0 {
		share = float64(used) / float64(total)
	}
	share = min(max(share, 0), 1)
	filled := int(share*float64(bar) + 0.5)
	if used > 0 && filled == 0 {
		filled = 1 // some use is never drawn as none
	}
	if used < total && filled == bar {
		filled = bar - 1 // and not-full is never drawn as full
	}
	full := st.GaugeFull
	if total == 0 || used >= total {
		full = st.GaugeAtCap
	}
	return full.Render(strings.Repeat("█", filled)) +
		st.GaugeEmpty.Render(strings.Repeat("░", bar-filled)) +
		fmt.Sprintf("%*d%%", label-1, int(share*100))
}
