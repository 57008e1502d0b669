package tui

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/actions"
	"latchkey/tui/common"
)

// startCheck opens the owner's detail and starts a code check by text to
// the phone on file (R41), leaving its dialog open.
func startCheck(t *testing.T) (*harness, accounts.User, *actions.CheckDialog) {
	t.Helper()
	h, us := mailHarness(t, 120, 36, common.PaneUsers)
	owner := us[0]
	h.openUser(owner.ID)
	h.key("V")
	h.key("enter") // the phone on file
	h.key("enter") // no note
	cd, ok := h.m.Top().(*actions.CheckDialog)
	if !ok {
		t.Fatalf("no check dialog:\n%s", h.view())
	}
	return h, owner, cd
}

// R23, R41: a code read back is 6 digits. Anything else typed into the
// check — letters, a digit short, a pane's number pressed by habit — is
// refused in the dialog naming the rule, and changes nothing: the caller's
// tries are not spent and nothing is recorded.
func TestCheckRefusesMalformedCodeWithoutSpendingATry(t *testing.T) {
	h, owner, cd := startCheck(t)
	events := func() int {
		es, err := h.f.Svc.Audit(accounts.AuditQuery{UserID: owner.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	before := events()
	for _, bad := range []string{"6", "12345", "abcdef", "1234567"} {
		h.typeText(bad)
		h.key("enter")
		v := h.view()
		if !strings.Contains(v, "R23") || !strings.Contains(v, "6 digits") {
			t.Fatalf("%q: no refusal naming R23 and the 6 digits:\n%s", bad, v)
		}
		if !strings.Contains(v, "5 attempts left") {
			t.Fatalf("%q spent one of the caller's tries:\n%s", bad, v)
		}
	}
	if got, err := h.f.Svc.Verification(cd.Verification().ID); err != nil || got.AttemptsLeft != 5 || got.State != accounts.VerifyStarted {
		t.Fatalf("the check changed: %+v %v", got, err)
	}
	if after := events(); after != before {
		t.Fatalf("malformed codes were recorded: %d events, was %d", after, before)
	}
	// A code with a space in it is still 6 digits: it goes to the service.
	h.typeText("000 00")
	h.typeText("0")
	h.key("enter")
	if v := h.view(); !strings.Contains(v, "refused by R41") {
		t.Fatalf("a well-formed code was not checked:\n%s", v)
	}
}

// R41, R31: the caller's last try reads "1 attempt left", in the field and
// in the refusal, never "1 attempts" or "1 tries".
func TestCheckSaysTheLastAttemptInTheSingular(t *testing.T) {
	h, _, _ := startCheck(t)
	for range 4 {
		h.typeText("000000")
		h.key("enter")
	}
	v := h.view()
	if !strings.Contains(v, "(1 attempt left)") || strings.Contains(v, "1 attempts") || strings.Contains(v, "1 tries") {
		t.Fatalf("the last attempt is not said in the singular:\n%s", v)
	}
}

// R41: a check waiting for its code stays on record when its dialog is
// closed, and V brings that dialog back — it does not send the caller a
// second code (which would leave the first one, being read out on the
// phone, useless). n in the dialog starts a new check instead.
func TestVerifyReopensTheCheckWaiting(t *testing.T) {
	h, owner, cd := startCheck(t)
	first := cd.Verification().ID
	h.key("esc")
	if h.m.Top() != nil {
		if _, still := h.m.Top().(*actions.CheckDialog); still {
			t.Fatal("esc did not close the check")
		}
	}
	h.key("V")
	again, ok := h.m.Top().(*actions.CheckDialog)
	if !ok || again.Verification().ID != first {
		t.Fatalf("V did not bring back check #%d:\n%s", first, h.view())
	}
	if vs, err := h.f.Svc.Verifications(owner.ID, 10); err != nil || len(vs) != 1 {
		t.Fatalf("V started another check: %d checks, %v", len(vs), err)
	}
	if v := h.view(); !strings.Contains(v, "n: a new check") {
		t.Fatalf("the reopened check does not say how to start another:\n%s", v)
	}
	code := sixDigits.FindString(lastMessage(t, h.f, owner.MFA.Phone).Body)
	h.typeText(code)
	h.key("enter")
	if again.Verification().State != accounts.VerifyPassed {
		t.Fatalf("the reopened check did not pass with the code sent:\n%s", h.view())
	}
	h.key("esc")
	// Passed: V starts a new check (the passed one waits for its action).
	h.key("V")
	if _, ok := h.form(accounts.ActionVerify); !ok {
		t.Fatalf("V after a passed check did not offer a new one:\n%s", h.view())
	}
	h.key("esc")

	// n in a reopened check: the form for a new one.
	h.key("V")
	h.key("enter")
	h.key("enter")
	h.key("esc")
	h.key("V")
	h.key("n")
	if _, ok := h.form(accounts.ActionVerify); !ok {
		t.Fatalf("n did not open the form for a new check:\n%s", h.view())
	}
}

// R41, R13: the confirmation of an action a passed caller check goes with
// says which check verified the caller — not an empty "Verified:".
func TestConfirmNamesThePassedCheck(t *testing.T) {
	h, owner, _ := startCheck(t)
	h.typeText(sixDigits.FindString(lastMessage(t, h.f, owner.MFA.Phone).Body))
	h.key("enter")
	h.key("esc")
	for range 5 { // the owner locks themselves out (R11)
		_, _ = h.f.Svc.Login(owner.Email, "wrong password")
	}
	h.tick()
	h.key("u")
	h.paste("forgot password")
	h.key("enter")
	h.key("enter") // nothing to add to the check
	if h.m.Dialog() != "confirm" {
		t.Fatalf("no confirm:\n%s", h.view())
	}
	v := strings.Join(strings.Fields(h.view()), " ")
	if !strings.Contains(v, "Verified: caller check #1") || !strings.Contains(v, "passed") {
		t.Fatalf("the confirm does not name the check:\n%s", h.view())
	}
}
