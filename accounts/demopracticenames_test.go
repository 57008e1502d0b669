package accounts

import (
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// Practice names are unique, case and spaces aside (CreatePractice refuses a
// taken one), and the demo keeps to that: at 10,000 practices its forms,
// places and specialties give out every name about three times, so a name
// drawn again becomes a branch of a town. Without it a name typed at the
// desk (`--practice "Summit Cardiology"`) named several practices.
func TestDemoPracticeNamesAreUnique(t *testing.T) {
	// Two towns only, so that names come round to the towns again ("of
	// Dayton 2"), as they would past 24 repeats of one name.
	towns := demoBranchTowns
	demoBranchTowns = []string{"Dayton", "Fresno"}
	t.Cleanup(func() { demoBranchTowns = towns })

	const practices = 20000
	g := &demoGen{rng: mrand.New(mrand.NewPCG(7, 0x1a7c4)), given: newGivenTable(practices)}
	seen := make(map[string]string, practices)
	branches, rounds := 0, 0
	for range practices {
		name := g.practiceName()
		key := practiceNameKey(name)
		if first, ok := seen[key]; ok {
			t.Fatalf("%q drawn again (first %q)", name, first)
		}
		seen[key] = name
		if strings.Contains(name, " of ") {
			branches++
		}
		if strings.HasSuffix(name, " 2") || strings.HasSuffix(name, " 3") {
			rounds++
		}
	}
	// The test must meet the repeats it is about.
	if branches < practices/2 || rounds == 0 {
		t.Fatalf("%d repeats, %d in later rounds, of %d names: the test no longer draws enough", branches, rounds, practices)
	}
}
