package cli

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"latchkey/store"
)

// The check's progress line (issue 14 item 7) says the phase, how far the
// whole check has come, the phase's rate and the time left, and never runs
// wider than the terminal.
func TestCheckProgressLine(t *testing.T) {
	chain := store.Progress{Phase: "verifying the audit chain", Step: store.StepChain, Steps: 4,
		Done: 711265, Total: 1422530, Unit: "events"}
	line := checkLine(chain, 6*time.Second, 2*time.Second, 200)
	for _, want := range []string{"3/4 verifying the audit chain", "711,265/1,422,530 events", "355,632 events/s", " 65%", "3s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	// A phase that cannot say how far it is still moves the whole bar on.
	free := store.Progress{Phase: "accounting for free pages", Step: store.StepPageCheck, Steps: 4}
	if line := checkLine(free, 3*time.Second, 0, 200); !strings.Contains(line, " 35%") || strings.Contains(line, "/s") {
		t.Errorf("the free pages: %q", line)
	}
	for _, width := range []int{80, 40} {
		if n := utf8.RuneCountInString(checkLine(chain, time.Second, time.Second, width)); n >= width {
			t.Errorf("at %d columns the line is %d long", width, n)
		}
	}
}
