package accounts

import (
	"regexp"
	"sort"
	"strings"
)

// R30: on a database that is not a demo, operators never see a live link or
// code. A message's body holds its secret because the recipient's copy must
// carry it; every way the service shows the outbox to the desk masks it.
// Only a demo database shows them, for the simulator and for demos, and the
// simulator reads them through DemoOutbox, which exists only there.

// MaskText stands where a link's token or a code was.
const MaskText = "[masked]"

// MaskedNotice says why a message shows MaskText.
const MaskedNotice = "Links, codes and passwords are masked: only the recipient's copy carries them (R30)."

// Span is a byte range of a message body that holds a secret.
type Span struct {
	Start int `json:"s"`
	End   int `json:"e"`
}

var (
	// maskLinkRE finds the token of a link (the part after LinkBase).
	maskLinkRE = regexp.MustCompile(regexp.QuoteMeta(LinkBase) + `([A-Za-z0-9_-]+)`)
	// maskCodeRE finds a 6-digit code. Messages written before spans were
	// recorded, or by a sender that named no secret, are still masked.
	maskCodeRE = regexp.MustCompile(`\b\d{6}\b`)
)

// secretSpans records where each secret occurs in body.
func secretSpans(body string, secrets []string) []Span {
	var out []Span
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(body[from:], sec)
			if i < 0 {
				break
			}
			out = append(out, Span{Start: from + i, End: from + i + len(sec)})
			from += i + len(sec)
		}
	}
	return out
}

// masked is m as the desk sees it outside a demo: every recorded secret,
// link token and 6-digit code replaced by MaskText, and Masked set when
// anything was.
func (m Message) masked() Message {
	spans := make([]Span, 0, len(m.Masks)+2)
	for _, sp := range m.Masks {
		if sp.Start >= 0 && sp.Start < sp.End && sp.End <= len(m.Body) {
			spans = append(spans, sp)
		}
	}
	for _, loc := range maskLinkRE.FindAllStringSubmatchIndex(m.Body, -1) {
		spans = append(spans, Span{Start: loc[2], End: loc[3]})
	}
	for _, loc := range maskCodeRE.FindAllStringIndex(m.Body, -1) {
		spans = append(spans, Span{Start: loc[0], End: loc[1]})
	}
	m.Masks = nil
	if len(spans) == 0 {
		return m
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.End <= at {
			continue // inside a span already masked
		}
		if sp.Start >= at {
			b.WriteString(m.Body[at:sp.Start])
			b.WriteString(MaskText)
		} // else it overlaps the mask just written, which grows to cover it
		at = sp.End
	}
	b.WriteString(m.Body[at:])
	m.Body, m.Masked = b.String(), true
	return m
}

// forDesk is what the desk may see of messages: masked unless this is a
// demo database (R30).
func (s *Service) forDesk(ms []Message) []Message {
	if s.IsDemo() {
		for i := range ms {
			ms[i].Masks = nil
		}
		return ms
	}
	for i := range ms {
		ms[i] = ms[i].masked()
	}
	return ms
}

// DemoOutbox lists messages newest first with their links and codes, as
// their recipients read them: for the simulator and demos, on demo databases
// only (R30, R40).
func (s *Service) DemoOutbox(q OutboxQuery) ([]Message, error) {
	if !s.IsDemo() {
		return nil, refuseWith("R30", "this database is not a demo: links and codes in the outbox are shown only to their recipients",
			"The outbox list and show commands show every message with its secrets masked.")
	}
	return s.outbox(q)
}
