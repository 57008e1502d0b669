package sim

import (
	"context"
	"time"

	"latchkey/accounts"
)

// Actor is who moves the demo clock for a running simulator: time passing,
// recorded as the system.
var Actor = accounts.Actor{Kind: accounts.ActorSystem, Name: "simulator"}

// RunOptions pace a run in real time.
type RunOptions struct {
	Rate     float64       // actions per real second; 0 means as fast as possible
	Duration time.Duration // real time to run; 0 means until ctx ends
	// Steps, if above zero, ends the run after that many actions: a test
	// asks for work done, not for wall-clock time, so a loaded machine
	// still gets a full run.
	Steps int
	// Speed is how many seconds of demo clock pass per real second (1 means
	// real time); the demo clock is advanced once a second (R39).
	Speed float64
	// Progress, if set, is told the summary about once a second.
	Progress func(Summary)
	// QuickFinish skips the full recount and chain check at the end (the
	// console stops at once; `latchkey check` is there for the full one).
	QuickFinish bool
}

// Run acts until ctx ends, the duration is up or the steps are done, then
// checks everything once more and returns the summary.
func (s *Simulator) Run(ctx context.Context, ro RunOptions) Summary {
	start := time.Now()
	var deadline <-chan time.Time
	if ro.Duration > 0 {
		t := time.NewTimer(ro.Duration)
		defer t.Stop()
		deadline = t.C
	}
	second := time.NewTicker(time.Second)
	defer second.Stop()
	// ready says when the next action may go: at the rate asked for, or
	// always (a closed channel) when no rate was set.
	var ready <-chan time.Time
	if ro.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / ro.Rate))
		defer t.Stop()
		ready = t.C
	} else {
		always := make(chan time.Time)
		close(always)
		ready = always
	}
	lastTick := start
	steps := 0
	for {
		select {
		case <-ctx.Done():
			return s.finish(start, ro.QuickFinish)
		case <-deadline:
			return s.finish(start, ro.QuickFinish)
		case now := <-second.C:
			s.passTime(ro.Speed, now.Sub(lastTick))
			lastTick = now
			s.CheckQuick()
			if ro.Progress != nil {
				ro.Progress(s.Summary())
			}
		case <-ready:
			s.Step()
			if steps++; ro.Steps > 0 && steps >= ro.Steps {
				return s.finish(start, ro.QuickFinish)
			}
		}
	}
}

// passTime moves a demo clock on by what speed makes of elapsed real time,
// beyond the real time that passed anyway.
func (s *Simulator) passTime(speed float64, elapsed time.Duration) {
	if speed <= 1 || !s.svc.IsDemo() {
		s.sum.Simulated += elapsed
		return
	}
	extra := time.Duration(float64(elapsed) * (speed - 1)).Round(time.Second)
	if extra <= 0 {
		return
	}
	if _, err := s.svc.AdvanceClock(Actor, extra); err != nil {
		s.violation("demo clock: %v", err)
		return
	}
	s.sum.Simulated += elapsed + extra
}

func (s *Simulator) finish(start time.Time, quick bool) Summary {
	if quick {
		s.CheckQuick()
	} else {
		s.CheckFull()
	}
	sum := s.Summary()
	if sum.Simulated == 0 {
		sum.Simulated = time.Since(start)
	}
	return sum
}
