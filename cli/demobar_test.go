package cli

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"latchkey/accounts"
)

// The demo's progress line (issue 14 item 4) says the practices done, the
// users, the rate and the time left for the whole build, and never runs
// wider than the terminal, where a wrapped line could not be redrawn.
func TestDemoProgressLine(t *testing.T) {
	seeding := accounts.DemoProgress{Phase: "seeding", Done: 2500, Total: 10000, Users: 282615}
	line := demoLine(seeding, 30*time.Second, 200)
	for _, want := range []string{"2500/10000 practices", "282,615 users", "9,420 users/s", "1m51s left", " 21%"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	// Writing the indexes is the last part of the same bar.
	indexing := accounts.DemoProgress{Phase: "indexing", Done: 150 << 20, Total: 300 << 20, Users: 1130462}
	line = demoLine(indexing, 170*time.Second, 200)
	for _, want := range []string{"indexing 150 MB/300 MB", "1,130,462 users", " 92%", "s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	for _, width := range []int{80, 40} {
		if n := utf8.RuneCountInString(demoLine(seeding, time.Second, width)); n >= width {
			t.Errorf("at %d columns the line is %d long", width, n)
		}
	}
	if got := demoLine(seeding, 0, 200); !strings.Contains(got, "…") {
		t.Errorf("no time left before any time has passed: %q", got)
	}
}
