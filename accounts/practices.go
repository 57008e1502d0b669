package accounts

import (
	"slices"
	"strconv"
	"strings"

	"latchkey/internal/plural"
	"latchkey/store"
)

// CreatePractice adds a practice with its purchased license count.
func (s *Service) CreatePractice(actor Actor, name string, purchased int) (Practice, error) {
	name, err := checkName("name", name)
	if err != nil {
		return Practice{}, err
	}
	if purchased < 0 {
		return Practice{}, badField("purchased", "cannot be negative")
	}
	var p Practice
	err = s.update(func(t *txn) error {
		if err := t.checkNewPracticeName(name); err != nil {
			return err
		}
		var err error
		p, err = t.createPractice(actor, name, purchased)
		return err
	})
	return p, err
}

func (t *txn) createPractice(actor Actor, name string, purchased int) (Practice, error) {
	id, err := t.tx.NextSeq(bPractices)
	if err != nil {
		return Practice{}, err
	}
	p := Practice{ID: id, Name: name, Purchased: purchased, CreatedAt: t.now}
	if err := t.putPractice(nil, p); err != nil {
		return p, err
	}
	if t.fresh == nil {
		t.fresh = map[uint64]bool{}
	}
	t.fresh[id] = false
	return p, t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActPracticeCreated,
		Target: name, PracticeID: id, Outcome: OutcomeOK, Detail: plural.Count(purchased, "license") + " purchased"})
}

// Practice reads one practice.
func (s *Service) Practice(id uint64) (Practice, error) {
	var p Practice
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		p, err = getPractice(tx, id)
		return err
	})
	return p, err
}

// FindPractice finds a practice by its number or its name (case and runs of
// spaces do not count). A name that matches several practices is refused,
// listing them, rather than one of them picked.
func (s *Service) FindPractice(ref string) (Practice, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseUint(strings.TrimPrefix(ref, "#"), 10, 64); err == nil {
		return s.Practice(id)
	}
	var ps []Practice
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		ps, err = practicesNamed(tx, ref)
		return err
	})
	switch {
	case err != nil:
		return Practice{}, err
	case len(ps) == 0:
		return Practice{}, &NotFoundError{What: "practice", Key: ref}
	case len(ps) > 1:
		return Practice{}, ambiguousPractice(ref, ps)
	}
	return ps[0], nil
}

// PracticeQuery selects practices in id order.
type PracticeQuery struct {
	Search string // words that each start a word of the name (any order, folding case and accents)
	After  uint64 // paging: only ids above this
	Limit  int    // 0 = 200
}

// Practices lists practices by id, optionally only those whose name has a
// word starting with each search word.
func (s *Service) Practices(q PracticeQuery) ([]Practice, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	var out []Practice
	err := s.db.View(func(tx *store.Tx) error {
		terms := searchTerms(q.Search, false)
		if len(terms) == 0 {
			return tx.Scan(bPractices, nil, store.U64(q.After+1), false, func(_, v []byte) (bool, error) {
				p, err := decode[Practice](v)
				out = append(out, p)
				return len(out) < q.Limit, err
			})
		}
		ids, err := practicesMatchingAll(tx, terms)
		if err != nil {
			return err
		}
		i, _ := slices.BinarySearch(ids, q.After+1)
		for _, id := range ids[i:] {
			p, err := getPractice(tx, id)
			if err != nil {
				return err
			}
			out = append(out, p)
			if len(out) >= q.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// practicesMatchingAll lists, sorted, the practices whose name has a word
// starting with each of terms.
func practicesMatchingAll(tx *store.Tx, terms []string) ([]uint64, error) {
	ids, err := practicesMatching(tx, terms[0])
	if err != nil {
		return nil, err
	}
	for _, t := range terms[1:] {
		more, err := practicesMatching(tx, t)
		if err != nil {
			return nil, err
		}
		ids = intersect(ids, more)
	}
	return ids, nil
}

// LicenseQuery pages through practices fullest first.
type LicenseQuery struct {
	// Search: only practices whose name has a word starting with each
	// word of it (as PracticeQuery.Search), still fullest first.
	Search string
	Offset int
	Limit  int // 0 = 200
}

// Licenses lists practices fullest first (share of licenses in use), from the
// fullness index kept with every change.
func (s *Service) Licenses(q LicenseQuery) ([]Practice, error) {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	var out []Practice
	skip := q.Offset
	err := s.db.View(func(tx *store.Tx) error {
		var only []bool // with a search: the practices it finds, by id
		if terms := searchTerms(q.Search, false); len(terms) > 0 {
			ids, err := practicesMatchingAll(tx, terms)
			if err != nil || len(ids) == 0 {
				return err
			}
			only = make([]bool, ids[len(ids)-1]+1)
			for _, id := range ids {
				only[id] = true
			}
		}
		return tx.Scan(ixFullness, nil, nil, false, func(k, _ []byte) (bool, error) {
			id := store.ParseU64(k[8:])
			if only != nil && (id >= uint64(len(only)) || !only[id]) {
				return true, nil
			}
			if skip > 0 {
				skip--
				return true, nil
			}
			p, err := getPractice(tx, id)
			out = append(out, p)
			return len(out) < q.Limit, err
		})
	})
	return out, err
}
