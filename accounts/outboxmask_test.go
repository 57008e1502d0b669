package accounts

import (
	"strings"
	"testing"
)

// R30: outside a demo, the outbox as the service shows it to the desk —
// list, search and one message — masks link tokens and codes and says so;
// the simulator's path to them is refused.
func TestOutboxMasksSecretsOutsideDemo(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, pw := practiceWith(t, s, "Mask Clinic", 5)
	u := newHire(t, s, p, owner, "nora.mask@example.org")
	if _, _, err := s.SendVerification(Operator("op"), u.ID, "", "", Request{Reason: "new hire"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartEnrolment(owner.Email, pw, "", MFASMS, "(503) 253-0123"); err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, s, "nora.mask@example.org")
	token := TokenFromLink(link)
	code := codeIn(t, s, "+15032530123")

	check := func(where string, m Message) {
		t.Helper()
		if strings.Contains(m.Body, token) || strings.Contains(m.Body, code) {
			t.Errorf("%s: a live secret shows: %q", where, m.Body)
		}
		if !m.Masked || !strings.Contains(m.Body, MaskText) {
			t.Errorf("%s: not marked masked: %+v", where, m)
		}
	}
	list, err := s.Outbox(OutboxQuery{Limit: 10})
	if err != nil || len(list) < 2 {
		t.Fatalf("%v %v", list, err)
	}
	for _, m := range list {
		if m.LinkID != 0 || m.Kind == MessageSMS {
			check("list", m)
		}
	}
	to, _ := s.Outbox(OutboxQuery{To: "+15032530123", Limit: 1})
	check("list --to", to[0])
	found, _ := s.OutboxSearch(OutboxQuery{Limit: 10}, "set up")
	check("search", found[0])
	var mv MessageView
	for _, m := range list {
		if m.LinkID != 0 {
			if mv, err = s.Message(m.ID); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	check("show", mv.Message)
	if mv.Link == nil || mv.Link.Hash != nil {
		t.Errorf("show: the link's state, never its hash: %+v", mv.Link)
	}
	_, err = s.DemoOutbox(OutboxQuery{Limit: 1})
	wantRule(t, err, "R30")
	// The recipient's copy still carries the secret: the link works.
	if _, err := s.UseLink(link, "a long enough new passphrase 1"); err != nil {
		t.Fatal(err)
	}
}

// R30: a demo database shows links and codes, for demos and the simulator.
func TestOutboxShowsSecretsInDemo(t *testing.T) {
	s, _ := newTestDemo(t, 2)
	ms, err := s.Outbox(OutboxQuery{Limit: 50})
	if err != nil || len(ms) == 0 {
		t.Fatalf("%v %v", ms, err)
	}
	shown := false
	for _, m := range ms {
		if m.Masked || strings.Contains(m.Body, MaskText) {
			t.Fatalf("a demo masked message #%d", m.ID)
		}
		shown = shown || linkRE.MatchString(m.Body)
	}
	if !shown {
		t.Fatal("no link shows in the demo's outbox")
	}
	if _, err := s.DemoOutbox(OutboxQuery{Limit: 1}); err != nil {
		t.Fatal(err)
	}
}

// R30: a message stored without recorded spans (older data, or a sender
// that named no secret) is masked all the same: tokens and 6-digit codes.
func TestMaskWithoutSpans(t *testing.T) {
	m := Message{Body: "Latchkey code: 123456. Or " + LinkBase + "abc_DEF-123 now; order 42."}.masked()
	if strings.Contains(m.Body, "123456") || strings.Contains(m.Body, "abc_DEF") || !strings.Contains(m.Body, "order 42") || !m.Masked {
		t.Fatalf("%q", m.Body)
	}
	// Overlapping and adjacent spans, and a secret at the very start.
	m = Message{Body: "secretpw and 654321", Masks: []Span{{0, 8}, {2, 6}}}.masked()
	if m.Body != MaskText+" and "+MaskText {
		t.Fatalf("%q", m.Body)
	}
}
