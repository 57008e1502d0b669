package tui

import (
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"latchkey/tui/common"
)

// filterQueries are typed into the users filter one key at a time: names,
// names in the other order, accents, an email, a practice, one letter.
var filterQueries = []string{
	"maria lopez", "lopez maria", "lukas", "jose nunez", "smith j", "brightwater", "kwalker",
	"anderson michael", "m", "gomez", "sarah.w", "summit cardiology jo", "müller", "zz",
}

// A key typed in the users filter at a million users, to the redrawn frame
// with the query's answer in it (target p99 < 16 ms): the key, the query it
// asks at once, the answer, View. Every key asks its own query here (a real
// terminal merges keys typed while one is in flight, which only helps).
// Reports p50 and p99 per key.
func BenchmarkFilterKeyToView(b *testing.B) {
	m := benchApp(openBench(b), 140, 40, common.PaneUsers)
	var lat []time.Duration
	typeQuery := func(q string) {
		_, cmd := m.Update(keyMsg("/"))
		syncRun(m, cmd)
		for _, r := range q {
			start := time.Now()
			_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			syncRun(m, cmd)
			_ = m.Render()
			lat = append(lat, time.Since(start))
		}
		_, cmd = m.Update(keyMsg("esc"))
		syncRun(m, cmd)
	}
	i := 0
	for b.Loop() {
		typeQuery(filterQueries[i%len(filterQueries)])
		i++
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms/key")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms/key")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms/key")
	}
}
