package accounts

import (
	"strings"
	"time"

	"latchkey/store"
)

const (
	bOutbox    store.Bucket = "outbox"    // seq -> Message
	ixOutboxTo store.Bucket = "ix_outbox" // normalized address|seq
)

// MessageKind is how a message travels.
type MessageKind string

const (
	MessageEmail MessageKind = "email"
	MessageSMS   MessageKind = "sms"
)

// Message is one email or text message in the outbox (R30). A link or code
// appears in plain text only in the body its recipient needs; the link
// itself is stored elsewhere only as a hash.
type Message struct {
	ID      uint64      `json:"id"`
	Kind    MessageKind `json:"kind"`
	To      string      `json:"to"`
	Subject string      `json:"subject,omitempty"`
	Body    string      `json:"body"`
	Time    time.Time   `json:"time"`
	Cause   string      `json:"cause"`             // the audit action that sent it
	UserID  uint64      `json:"user_id,omitempty"` // whom it is about
	LinkID  uint64      `json:"link_id,omitempty"` // the link it carries, if any
	// Masks are where Body holds a secret (a code, a link's token, a
	// temporary password), recorded when it is sent so that the desk's copy
	// can be masked outside a demo (R30).
	Masks []Span `json:"masks,omitempty"`
	// Masked is set on the desk's copy when secrets were masked in Body.
	Masked bool `json:"masked,omitempty"`
	// Secrets are named by the sender and become Masks; never stored.
	Secrets []string `json:"-"`
}

// send appends a message to the outbox in the action's transaction.
func (t *txn) send(m Message) (Message, error) {
	id, err := t.tx.NextSeq(bOutbox)
	if err != nil {
		return m, err
	}
	m.ID, m.Time = id, t.now
	m.Masks, m.Masked, m.Secrets = secretSpans(m.Body, m.Secrets), false, nil
	if err := store.Put(t.tx, bOutbox, store.U64(id), m); err != nil {
		return m, err
	}
	return m, t.tx.PutRaw(ixOutboxTo, store.Key([]byte(normalizeLogin(m.To)), []byte{0}, store.U64(id)), nil)
}

// OutboxQuery selects messages, newest first.
type OutboxQuery struct {
	To     string // only messages to this address or number
	Before uint64 // paging: only ids below this
	Limit  int    // 0 = 100
}

// Outbox lists messages newest first, as the desk may see them: outside a
// demo, links and codes masked (R30).
func (s *Service) Outbox(q OutboxQuery) ([]Message, error) {
	ms, err := s.outbox(q)
	return s.forDesk(ms), err
}

// outbox lists messages newest first as stored, secrets and all.
func (s *Service) outbox(q OutboxQuery) ([]Message, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	var out []Message
	err := s.db.View(func(tx *store.Tx) error {
		if to := normalizeLogin(q.To); to != "" {
			prefix := store.Key([]byte(to), []byte{0})
			var start []byte
			if q.Before > 0 {
				start = store.Key(prefix, store.U64(q.Before-1))
			}
			return tx.Scan(ixOutboxTo, prefix, start, true, func(k, _ []byte) (bool, error) {
				m, err := store.Get[Message](tx, bOutbox, k[len(k)-8:])
				out = append(out, m)
				return len(out) < q.Limit, err
			})
		}
		var start []byte
		if q.Before > 1 {
			start = store.U64(q.Before - 1)
		} else if q.Before == 1 {
			return nil
		}
		return tx.Scan(bOutbox, nil, start, true, func(_, v []byte) (bool, error) {
			m, err := decode[Message](v)
			out = append(out, m)
			return len(out) < q.Limit, err
		})
	})
	return out, err
}

// MessageView is a message with, when it carries a link, that link's state now.
type MessageView struct {
	Message
	Link *Link `json:"link,omitempty"`
}

// Message reads one message and the state of its link, as the desk may see
// it: outside a demo, links and codes masked (R30).
func (s *Service) Message(id uint64) (MessageView, error) {
	mv, err := s.message(id)
	if err == nil {
		mv.Message = s.forDesk([]Message{mv.Message})[0]
	}
	return mv, err
}

func (s *Service) message(id uint64) (MessageView, error) {
	var mv MessageView
	err := s.db.View(func(tx *store.Tx) error {
		m, err := store.Get[Message](tx, bOutbox, store.U64(id))
		if err != nil {
			return &NotFoundError{What: "message", Key: itoa(int(id))}
		}
		mv.Message = m
		if m.LinkID != 0 {
			l, err := getLink(tx, m.LinkID)
			if err != nil {
				return err
			}
			l = l.stateAt(s.Now())
			l.Hash = nil
			mv.Link = &l
		}
		return nil
	})
	return mv, err
}

// firstName is the greeting of a message: the first word of the name that is
// not a title, so "Dr Ana Ruiz" is greeted "Hello Ana", not "Hello Dr". A
// title with only a surname after it stays whole: "Hello Dr Ruiz".
func firstName(name string) string {
	all := strings.Fields(name)
	f := all
	for len(f) > 1 && honorifics[strings.ToLower(strings.TrimSuffix(f[0], "."))] {
		f = f[1:]
	}
	switch {
	case len(f) == 0:
		return "there"
	case len(f) == 1 && len(all) > 1:
		return strings.Join(all, " ")
	}
	return f[0]
}

// honorifics are the titles people put before their names in a practice.
var honorifics = map[string]bool{
	"dr": true, "doctor": true, "prof": true, "professor": true,
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true,
	"rev": true, "sr": true, "sra": true, "nurse": true,
}
