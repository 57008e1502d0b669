package store

import (
	"context"
	"slices"
	"testing"
)

// R36: a pass run beside an earlier one reports only once that one is done
// (the newest report it held first), so a progress bar's phases come in order.
func TestHeldProgressKeepsPhasesInOrder(t *testing.T) {
	var seen []int64
	ctx := WithProgress(context.Background(), func(p Progress) { seen = append(seen, int64(p.Step)*100+p.Done) })
	h := holdProgress(ctx)
	report(h.ctx, Progress{Step: StepTotals, Done: 1})
	report(h.ctx, Progress{Step: StepTotals, Done: 2})
	report(ctx, Progress{Step: StepChain, Done: 7})
	h.release()
	report(h.ctx, Progress{Step: StepTotals, Done: 3})
	if want := []int64{StepChain*100 + 7, StepTotals*100 + 2, StepTotals*100 + 3}; !slices.Equal(seen, want) {
		t.Fatalf("reports passed on %v, want %v", seen, want)
	}
	// Without a progress function nothing is held or called.
	quiet := holdProgress(context.Background())
	report(quiet.ctx, Progress{Step: StepTotals})
	quiet.release()
}
