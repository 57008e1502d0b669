package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"latchkey/store"
)

// checkBar is the progress line of "latchkey check" on a terminal: the
// phase, one bar for the whole check, how far the phase has come, its rate
// and the time left; redrawn at most ten times a second, never wider than
// the terminal. Passes report from their own goroutines, hence the lock.
type checkBar struct {
	mu    sync.Mutex
	w     io.Writer
	width int
	began time.Time
	last  time.Time
	step  int       // the phase of the last report
	at    time.Time // when that phase began
	now   func() time.Time
}

func newCheckBar(w io.Writer, width int) *checkBar {
	return &checkBar{w: w, width: width, began: time.Now(), now: time.Now}
}

func (b *checkBar) update(p store.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if p.Step != b.step {
		b.step, b.at = p.Step, now
	} else if now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	fmt.Fprintf(b.w, "\r\033[K%s", checkLine(p, now.Sub(b.began), now.Sub(b.at), b.width))
}

func (b *checkBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprint(b.w, "\r\033[K")
}

// checkShares is about the part of a check's time each phase takes at a
// million users (the page walk with its key order, the free pages, the
// audit chain, the totals), so that one bar and one time left cover the
// whole check. The totals run beside the chain, so the chain's share
// covers most of their time.
var checkShares = [...]float64{store.StepPages: 0.35, store.StepPageCheck: 0,
	store.StepChain: 0.6, store.StepTotals: 0.05}

// checkLine is the progress line of a check: elapsed is since the check
// began, inPhase since its phase did.
func checkLine(p store.Progress, elapsed, inPhase time.Duration, width int) string {
	before := 0.0
	for s := 1; s < p.Step && s < len(checkShares); s++ {
		before += checkShares[s]
	}
	part := 0.0
	if p.Total > 0 {
		part = min(1, float64(p.Done)/float64(p.Total))
	}
	share := 0.0
	if p.Step > 0 && p.Step < len(checkShares) {
		share = checkShares[p.Step]
	}
	frac := min(1, before+part*share)
	what := fmt.Sprintf("%d/%d %s", p.Step, p.Steps, p.Phase)
	count := ""
	if p.Total > 0 {
		count = fmt.Sprintf(" %s/%s %s", thousands(p.Done), thousands(p.Total), p.Unit)
	}
	left := "…"
	if secs := elapsed.Seconds(); frac > 0.02 && secs > 1 {
		left = time.Duration(secs*(1-frac)/frac*float64(time.Second)).Round(time.Second).String() + " left"
	}
	rate := ""
	if s := inPhase.Seconds(); p.Total > 0 && s > 0.2 {
		rate = fmt.Sprintf(" · %s %s/s", thousands(int64(float64(p.Done)/s)), p.Unit)
	}
	// On a narrow terminal the bar shrinks first, then the rate goes, then
	// the count.
	var line string
	for _, c := range []struct {
		bar         int
		count, rate string
	}{{20, count, rate}, {10, count, rate}, {10, count, ""}, {10, "", ""}} {
		line = fmt.Sprintf("%s %3.0f%% · %s%s · %s%s", bar(frac, c.bar), frac*100, what, c.count, left, c.rate)
		if utf8.RuneCountInString(line) < width {
			break
		}
	}
	return cut(line, width-1)
}
