package accounts

import (
	"strings"
	"testing"
)

// R7, R16: once the login email changes, every live reset link and code
// sent to the old address dies, and the old address is told.
func TestEmailChangeKillsOldAddressSecrets(t *testing.T) {
	s, _ := newTestService(t)
	_, owner, pw := practiceWith(t, s, "Address Clinic", 5)
	old := owner.Email
	if _, err := s.StartEnrolment(old, pw, "", MFAEmail, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmEnrolment(old, codeIn(t, s, old)); err != nil {
		t.Fatal(err)
	}
	// A reset link to the old address, then a login code to it.
	if _, err := s.ForgotPassword(old); err != nil {
		t.Fatal(err)
	}
	reset := linkIn(t, s, old)
	check, err := s.StartVerification(Operator("dana"), owner.ID, VerifyStart{Method: VerifyCode, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Login(old, pw)
	loginCode := codeIn(t, s, old)

	// The email change itself, with a code from the email method (R22).
	_, err = s.ChangeOwnEmail(old, pw, "", "olive.moved@example.org")
	wantRule(t, err, "R22")
	if _, err := s.ChangeOwnEmail(old, pw, codeIn(t, s, old), "olive.moved@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseLink(linkIn(t, s, "olive.moved@example.org"), pw); err != nil {
		t.Fatal(err)
	}

	_, err = s.UseLink(reset, "a-brand-new-passphrase-1")
	wantRule(t, err, "R7")
	if l, _ := s.InspectLink(reset); l.State != LinkRevoked {
		t.Fatalf("the reset link to the old address is %s", l.State)
	}
	_, err = s.Authenticate("olive.moved@example.org", pw, loginCode)
	wantRule(t, err, "R23")
	if v, _ := s.Verification(check.ID); v.State != VerifyFailed {
		t.Fatalf("the caller check by a code to the old address is %s", v.State)
	}
	m := newestTo(t, s, old)
	if !strings.Contains(m.Body, "olive.moved@example.org") || !strings.Contains(m.Subject, "changed") || linkRE.MatchString(m.Body) {
		t.Fatalf("the old address was not told: %+v", m)
	}
	if !strings.Contains(lastEvent(t, s, ActEmailChanged).Detail, "reset link") {
		t.Fatal("the audit does not say what died with the old address")
	}
}

// R8, R6: an active legacy user (a username login) is never sent an
// account-setup link: refused with R8, and nothing changes.
func TestLegacyUserGetsNoSetupLink(t *testing.T) {
	s, _ := newTestService(t)
	p, owner, _ := practiceWith(t, s, "Legacy Link Clinic", 5)
	var legacy User
	err := s.update(func(tx *txn) error {
		var err error
		legacy, err = tx.createUser(Actor{Kind: ActorSystem, Name: "setup"}, NewUser{PracticeID: p.ID, Name: "Lee Legacy", Kind: KindStaff,
			Username: "llegacy9", ContactEmail: "lee.home@example.org"}, Request{Requester: owner.Email}, StatusActive,
			Credential{Hash: hashPassword("legacy password 123", s.cfg.Hash)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.outbox(OutboxQuery{Limit: 1000})
	_, _, err = s.SendVerification(Operator("op"), legacy.ID, "lee.new@example.org", "lee.new@example.org", Request{Reason: "asked"})
	wantRule(t, err, "R8")
	_, _, err = s.ChangeEmailByOperator(Operator("op"), legacy.ID, "lee.new@example.org", "lee.new@example.org", Request{Reason: "asked"})
	wantRule(t, err, "R8")
	after, _ := s.outbox(OutboxQuery{Limit: 1000})
	if len(after) != len(before) {
		t.Fatalf("a message went out: %+v", after[0])
	}
	u := mustUser(t, s, legacy.ID)
	if u.Email != "" || u.SetupLink != 0 || u.Status != StatusActive || u.Login() != "llegacy9" {
		t.Fatalf("the legacy user changed: %+v", u)
	}
	if _, err := s.UserByLogin("lee.new@example.org"); !IsNotFound(err) {
		t.Fatalf("the refused address belongs to someone: %v", err)
	}
}
