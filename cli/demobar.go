package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"

	"latchkey/accounts"
)

// demoBar is the progress line of a demo build on a terminal: one line,
// redrawn at most ten times a second, never wider than the terminal (a
// wrapped line could not be redrawn in place).
type demoBar struct {
	w     io.Writer
	width int
	began time.Time
	last  time.Time
	now   func() time.Time
}

func newDemoBar(w io.Writer, width int) *demoBar {
	return &demoBar{w: w, width: width, began: time.Now(), now: time.Now}
}

// termWidth is the width of the terminal w writes to (80 if it cannot tell).
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

func (b *demoBar) update(p accounts.DemoProgress) {
	now := b.now()
	if p.Done < p.Total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	fmt.Fprintf(b.w, "\r\033[K%s", demoLine(p, now.Sub(b.began), b.width))
}

func (b *demoBar) clear() { fmt.Fprint(b.w, "\r\033[K") }

// indexShare is about the part of a bbolt build spent writing the indexes
// gathered while seeding (measured at 1,000 and 10,000 practices), so that
// one bar and one time left cover the whole build.
const indexShare = 0.15

// demoLine is the progress line: a bar for the whole build, the practices
// seeded (or the index bytes written), the users, the rate and the time
// left, cut to width.
func demoLine(p accounts.DemoProgress, elapsed time.Duration, width int) string {
	part := 1.0
	if p.Total > 0 {
		part = min(1, float64(p.Done)/float64(p.Total))
	}
	frac := part * (1 - indexShare)
	what := fmt.Sprintf("%d/%d practices", p.Done, p.Total)
	if p.Phase == "indexing" {
		frac = 1 - indexShare + part*indexShare
		what = fmt.Sprintf("indexing %s/%s", mib(p.Done), mib(p.Total))
	}
	secs := max(elapsed.Seconds(), 0.001)
	left := "…"
	if frac > 0.02 && secs > 1 {
		left = time.Duration(secs*(1-frac)/frac*float64(time.Second)).Round(time.Second).String() + " left"
	}
	rate := " · " + thousands(int64(float64(p.Users)/secs)) + " users/s"
	// On a narrow terminal the bar shrinks first, then the rate goes.
	var line string
	for _, c := range []struct {
		bar  int
		rate string
	}{{20, rate}, {10, rate}, {10, ""}} {
		line = fmt.Sprintf("%s %3.0f%% · %s · %s users · %s%s",
			bar(frac, c.bar), frac*100, what, thousands(int64(p.Users)), left, c.rate)
		if utf8.RuneCountInString(line) < width {
			break
		}
	}
	return cut(line, width-1)
}

func bar(frac float64, width int) string {
	filled := int(frac * float64(width))
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func mib(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// thousands writes n with a comma between groups of three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
