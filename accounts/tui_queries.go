package accounts

import (
	"strings"

	"latchkey/store"
)

// Read-only queries the console needs beyond the ones the subcommands use.

// outboxScan bounds how many messages one filtered page reads looking for
// matches, so a filter that matches nothing stays quick on a long outbox.
const outboxScan = 20000

// OutboxSearch lists messages newest first whose recipient, subject, kind or
// cause contains term (any case). An empty term lists every message; q.To
// and q.Before work as in Outbox.
func (s *Service) OutboxSearch(q OutboxQuery, term string) ([]Message, error) {
	term = strings.ToLower(strings.TrimSpace(term))
	if term == "" || q.To != "" {
		return s.Outbox(q)
	}
	ms, err := s.outboxSearch(q, term)
	return s.forDesk(ms), err
}

func (s *Service) outboxSearch(q OutboxQuery, term string) ([]Message, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	var out []Message
	err := s.db.View(func(tx *store.Tx) error {
		var start []byte
		if q.Before > 1 {
			start = store.U64(q.Before - 1)
		} else if q.Before == 1 {
			return nil
		}
		seen := 0
		return tx.Scan(bOutbox, nil, start, true, func(_, v []byte) (bool, error) {
			m, err := decode[Message](v)
			if err != nil {
				return false, err
			}
			seen++
			if messageMatches(m, term) {
				out = append(out, m)
			}
			return len(out) < q.Limit && seen < outboxScan, nil
		})
	})
	return out, err
}

func messageMatches(m Message, term string) bool {
	for _, f := range []string{m.To, m.Subject, string(m.Kind), m.Cause} {
		if strings.Contains(strings.ToLower(f), term) {
			return true
		}
	}
	return false
}
