package cli

import (
	"strings"
	"testing"
)

// R3, R6, R41: send-verification to a new address needs --requested-by,
// checked as for adding the user: refused naming R3 without one, with the
// user themselves, or with the owner's word typed; with the owner's passed
// check (--verification) it is sent, and the old address is told.
func TestSendVerificationToANewAddressNeedsARequester(t *testing.T) {
	d := newDemoDB(t)
	ref, owner, _ := firstPractice(d)
	u := d.add(ref, owner, "pia.pending@example.org")
	const to = "pia.home@example.net"
	d.refused("R3", "users", "send-verification", u.Login, "--email", to, "--email-confirm", to)
	d.refused("R3", "users", "send-verification", u.Login, "--email", to, "--email-confirm", to, "--requested-by", u.Login)
	// The owner's word typed is anyone's: proven by a passed check (R41).
	e := d.refused("R3", "users", "send-verification", u.Login, "--email", to, "--email-confirm", to, "--requested-by", owner, "--reason", "typo")
	if !strings.Contains(e.Error, "R41") || !strings.Contains(e.Guidance, "verify start "+owner) || !strings.Contains(e.Guidance, "--verification") {
		t.Errorf("a typed request: %+v", e)
	}
	var sent userActionJSON
	d.json(&sent, "users", "send-verification", u.Login, "--email", to, "--email-confirm", to,
		"--requested-by", owner, "--verification", d.proven(owner), "--reason", "typo")
	if sent.Login != to || sent.MessageID == 0 {
		t.Fatalf("redirect at the owner's request: %+v", sent)
	}
	var msgs []messageJSON
	d.json(&msgs, "outbox", "list", "--to", u.Login, "--limit", "1")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "another address") {
		t.Fatalf("the old address was not told: %+v", msgs)
	}
	// The address on file needs nobody (R6).
	d.must("users", "send-verification", to)
}
