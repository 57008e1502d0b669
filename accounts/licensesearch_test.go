package accounts

import (
	"cmp"
	"slices"
	"strings"
	"testing"
)

// R32, R31 (issue 14 item 1): the Licenses pane's filter is the practices
// search, fullest first, paged: every practice whose name has a word
// starting with each query word, whatever how many match (it once stopped
// at the first 1,000 by number and sorted only those).
func TestLicensesSearch(t *testing.T) {
	s, _ := newTestDemo(t, 40)
	all, err := s.Practices(PracticeQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	share := func(p Practice) uint64 { // as fullnessKey orders them
		if p.Purchased == 0 {
			return 1_000_000
		}
		return uint64(p.InUse) * 1_000_000 / uint64(p.Purchased)
	}
	for _, q := range []string{"c", "S", "health", "cen me", "MEDI fam", "women's", "zzz", "  ", "É"} {
		var want []uint64
		terms := refRuns(q)
		for _, p := range all {
			words := refNameWords(p.Name)
			if !slices.ContainsFunc(terms, func(t string) bool {
				return !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, t) })
			}) {
				want = append(want, p.ID)
			}
		}
		byID := map[uint64]Practice{}
		for _, p := range all {
			byID[p.ID] = p
		}
		slices.SortStableFunc(want, func(a, b uint64) int {
			return cmp.Or(cmp.Compare(share(byID[b]), share(byID[a])), cmp.Compare(a, b))
		})
		var got []uint64
		for limit := 3; ; limit++ { // pages of growing size, after what was loaded
			ps, err := s.Licenses(LicenseQuery{Search: q, Offset: len(got), Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if len(ps) < limit {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: %v, scan %v", q, got, want)
		}
	}
}
