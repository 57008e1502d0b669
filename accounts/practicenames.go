package accounts

import (
	"fmt"
	"strings"

	"latchkey/store"
)

// Practice names are how the desk finds a practice on the phone, so two
// practices are never named alike: names are compared folded (case, Unicode
// form and runs of spaces do not count), and a command given a name that
// still matches several (older databases, or two names that fold alike)
// refuses and lists them rather than pick one.

// practiceNameKey is a practice's name as names are compared.
func practiceNameKey(s string) string { return strings.Join(strings.Fields(foldText(s)), " ") }

// practicesNamed returns the practices whose name compares equal to name:
// candidates from the name index (every word of name starts a word of
// theirs), or every practice when name has no searchable word.
func practicesNamed(tx *store.Tx, name string) ([]Practice, error) {
	key := practiceNameKey(name)
	var out []Practice
	keep := func(p Practice) {
		if practiceNameKey(p.Name) == key {
			out = append(out, p)
		}
	}
	terms := searchTerms(name, false)
	if len(terms) == 0 {
		err := tx.Scan(bPractices, nil, nil, false, func(_, v []byte) (bool, error) {
			p, err := decode[Practice](v)
			keep(p)
			return err == nil, err
		})
		return out, err
	}
	ids, err := practicesMatchingAll(tx, terms)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		p, err := getPractice(tx, id)
		if err != nil {
			return nil, err
		}
		keep(p)
	}
	return out, nil
}

// checkNewPracticeName refuses a name another practice already has.
func (t *txn) checkNewPracticeName(name string) error {
	same, err := practicesNamed(t.tx, name)
	if err != nil {
		return err
	}
	if len(same) > 0 {
		return badField("name", fmt.Sprintf("practice #%d is already named %s: practice names are unique (case and spaces do not count)",
			same[0].ID, excerpt(same[0].Name)))
	}
	return nil
}

// ambiguousPractice is the refusal of a name that matches several practices.
func ambiguousPractice(ref string, ps []Practice) error {
	var list []string
	for i, p := range ps {
		if i == 10 {
			list = append(list, fmt.Sprintf("and %d more", len(ps)-10))
			break
		}
		list = append(list, fmt.Sprintf("#%d %s", p.ID, excerpt(p.Name)))
	}
	return badField("practice", fmt.Sprintf("%s names %d practices: %s. Give the practice's number (#ID)",
		excerpt(ref), len(ps), strings.Join(list, ", ")))
}
