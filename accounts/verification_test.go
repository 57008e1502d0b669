package accounts

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"latchkey/store/storetest"
)

var linkRE = regexp.MustCompile(regexp.QuoteMeta(LinkBase) + `[A-Za-z0-9_-]+`)

// linkIn returns the link carried by the newest message to addr.
func linkIn(t testing.TB, s *Service, addr string) string {
	t.Helper()
	msgs, err := s.outbox(OutboxQuery{To: addr, Limit: 1})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no message to %s: %v", addr, err)
	}
	l := linkRE.FindString(msgs[0].Body)
	if l == "" {
		t.Fatalf("message to %s carries no link: %q", addr, msgs[0].Body)
	}
	return l
}

const goodPassword = "violet-harbor-lantern-92"

func newHire(t testing.TB, s *Service, p Practice, owner User, email string) User {
	t.Helper()
	u, err := s.CreateUser(Operator("op"), NewUser{PracticeID: p.ID, Name: "Nora Newhire", Kind: KindStaff,
		Email: email, EmailConfirm: email}, Request{Requester: owner.Email, Reason: "new hire", Verification: ownerCheck(t, s, "op", owner)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// R4, R5, R30: send verification puts a single-use link in the outbox; using
// it verifies the email, sets the password, makes the account active; the
// link works once; the link is stored only as a hash.
func TestVerificationFlow(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Fairview Family Medicine", 5)
	u := newHire(t, s, p, owner, "nora.n@example.org")
	if u.Status != StatusPending {
		t.Fatal("new user not pending")
	}
	_, msg, err := s.SendVerification(Operator("op"), u.ID, "", "", Request{Reason: "first send"})
	if err != nil {
		t.Fatal(err)
	}
	if msg.To != "nora.n@example.org" || msg.Kind != MessageEmail || msg.Cause != ActVerificationSent || msg.LinkID == 0 {
		t.Fatalf("message = %+v", msg)
	}
	link := linkIn(t, s, u.Email)
	token := TokenFromLink(link)
	if len(token) < 22 { // 128 bits in base64 is 22 characters
		t.Fatalf("token %q too short", token)
	}
	// The token is nowhere in the file but the message body.
	for _, e := range events(t, s) {
		if strings.Contains(e.Detail, token) {
			t.Fatal("token in the audit trail")
		}
	}
	mv, _ := s.Message(msg.ID)
	if mv.Link == nil || mv.Link.State != LinkLive || strings.Contains(string(mv.Link.Hash), token) {
		t.Fatalf("link view = %+v", mv.Link)
	}

	// A weak password is refused and uses nothing.
	_, err = s.UseLink(link, "short")
	wantRule(t, err, "R18")
	got, err := s.UseLink(link, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusActive || !got.EmailVerified || got.SetupLink != 0 {
		t.Fatalf("after verify: %+v", got)
	}
	if _, err := s.Login(u.Email, goodPassword); err != nil {
		t.Fatalf("login with the chosen password: %v", err)
	}
	_, err = s.UseLink(link, goodPassword)
	wantRule(t, err, "R5")
	if mv, _ := s.Message(msg.ID); mv.Link.State != LinkUsed {
		t.Fatalf("link state %s", mv.Link.State)
	}
	if _, err := s.UseLink(LinkBase+"not-a-real-token", goodPassword); RuleOf(err) != "R5" {
		t.Fatalf("a made-up link: %v", err)
	}
}

// R5, R6: for an unverified user a second send supersedes the first link; a
// different email, typed twice, replaces the one on file and kills the old link.
func TestResendSupersedes(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Northgate Pediatrics", 5)
	u := newHire(t, s, p, owner, "typo@exmaple.org")
	_, first, _ := s.SendVerification(Operator("op"), u.ID, "", "", Request{})
	firstLink := linkIn(t, s, "typo@exmaple.org")

	if _, _, err := s.SendVerification(Operator("op"), u.ID, "nora@example.org", "nora@example.com", Request{}); err == nil {
		t.Fatal("mismatched emails accepted")
	}
	// A new address is asked for by whoever could add the user (R3), proven.
	u2, second, err := s.SendVerification(Operator("op"), u.ID, "nora@example.org", "NORA@example.org", Request{Requester: owner.Email, Reason: "typo in email",
		Verification: ownerCheck(t, s, "op", owner)}) // proven (R41)
	if err != nil {
		t.Fatal(err)
	}
	if u2.Email != "nora@example.org" || second.To != "nora@example.org" {
		t.Fatalf("user %+v message %+v", u2, second)
	}
	_, err = s.UseLink(firstLink, goodPassword)
	wantRule(t, err, "R5")
	if mv, _ := s.Message(first.ID); mv.Link.State != LinkSuperseded {
		t.Fatalf("first link %s", mv.Link.State)
	}
	if _, err := s.UserByLogin("typo@exmaple.org"); !IsNotFound(err) {
		t.Fatal("the old email still logs in")
	}
	if _, err := s.UseLink(linkIn(t, s, "nora@example.org"), goodPassword); err != nil {
		t.Fatal(err)
	}
}

// R5: an optional maximum age; off by default.
func TestSetupLinkMaxAge(t *testing.T) {
	s, clock := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Ageless Clinic", 5)
	u := newHire(t, s, p, owner, "old.link@example.org")
	_, _, _ = s.SendVerification(Operator("op"), u.ID, "", "", Request{})
	clock.Advance(90 * 24 * time.Hour)
	if _, err := s.UseLink(linkIn(t, s, u.Email), goodPassword); err != nil {
		t.Fatalf("a 90-day-old link with no max age: %v", err)
	}

	clock2 := NewFakeClock(testEpoch)
	cfg := cheapConfig()
	cfg.SetupLinkMaxAge = 72 * time.Hour
	s2, err := Open(storetest.Target(t, "m.db"), clock2, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	p2, owner2, _ := practiceWith(t, s2, "Aging Clinic", 5)
	u2 := newHire(t, s2, p2, owner2, "aging@example.org")
	_, msg, _ := s2.SendVerification(Operator("op"), u2.ID, "", "", Request{})
	clock2.Advance(72 * time.Hour)
	_, err = s2.UseLink(linkIn(t, s2, u2.Email), goodPassword)
	wantRule(t, err, "R5")
	if mv, _ := s2.Message(msg.ID); mv.Link.State != LinkExpired {
		t.Fatalf("state %s", mv.Link.State)
	}
}

// R6: a verified user cannot be sent another setup email; the guidance names
// "Forgot your password?" and the self-service email change.
func TestResendRefusedForVerified(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, _ := practiceWith(t, s, "Verified Clinic", 5)
	_, _, err := s.SendVerification(Operator("op"), owner.ID, "", "", Request{})
	wantRule(t, err, "R6")
	if !strings.Contains(err.Error(), "Forgot your password?") || !strings.Contains(err.Error(), "change their login email themselves") {
		t.Fatalf("guidance missing: %v", err)
	}
	if msgs, _ := s.outbox(OutboxQuery{}); len(msgs) != 0 {
		t.Fatal("a message was sent")
	}
}

// R7: the user changes their own login email after logging in; the old
// address is told and stays the login until the new one is verified; an
// operator cannot change a verified user's email.
func TestSelfServiceEmailChange(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Mission Counseling", 5)
	old := owner.Email

	_, _, err := s.ChangeEmailByOperator(Operator("op"), owner.ID, "new@example.org", "new@example.org", Request{})
	wantRule(t, err, "R7")
	if _, err := s.ChangeOwnEmail(old, "wrong password", "", "new@example.org"); err != ErrBadCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = s.ChangeOwnEmail(old, pw, "", "billing@example.org")
	wantRule(t, err, "R9")

	if _, err := s.ChangeOwnEmail(old, pw, "", "olive.new@example.org"); err != nil {
		t.Fatal(err)
	}
	notice, _ := s.outbox(OutboxQuery{To: old, Limit: 1})
	if len(notice) != 1 || !strings.Contains(notice[0].Body, "olive.new@example.org") || linkRE.MatchString(notice[0].Body) {
		t.Fatalf("notice to old address = %+v", notice)
	}
	if _, err := s.Login(old, pw); err != nil {
		t.Fatalf("old email should still log in until verified: %v", err)
	}
	link := linkIn(t, s, "olive.new@example.org")
	if _, err := s.UseLink(link, "not my password"); err != ErrBadCredentials {
		t.Fatalf("email-change link without the password: %v", err)
	}
	u, err := s.UseLink(link, pw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "olive.new@example.org" || u.PendingEmail != "" {
		t.Fatalf("after change: %+v", u)
	}
	if _, err := s.Login("olive.new@example.org", pw); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(old, pw); err != ErrBadCredentials {
		t.Fatalf("old email still logs in: %v", err)
	}
}

// R10: a verified account cannot become another person's.
func TestRenameVerifiedRefused(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Kingsley Clinic", 5)
	_, err := s.Rename(Operator("op"), owner.ID, "Someone Else", Request{Reason: "new person"})
	wantRule(t, err, "R10")
	pending := newHire(t, s, p, owner, "pending.name@example.org")
	if u, err := s.Rename(Operator("op"), pending.ID, "Nora Newhyre", Request{Reason: "typo"}); err != nil || u.Name != "Nora Newhyre" {
		t.Fatalf("rename pending: %+v %v", u, err)
	}
}

// The link state machine allows only its table.
func TestLinkStateMachine(t *testing.T) {
	states := []LinkState{"", LinkLive, LinkUsed, LinkSuperseded, LinkVoided, LinkExpired, LinkRevoked}
	for _, from := range states {
		for _, to := range states {
			ok := (from == "" && to == LinkLive) || (from == LinkLive && to != "" && to != LinkLive)
			if (linkTransition(from, to) == nil) != ok {
				t.Errorf("link %q -> %q", from, to)
			}
		}
	}
}
