package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// R41, R26: a knowledge record never makes an MFA clear pass, and one is
// recorded where a caller is verified (V, "knowledge: recorded, never
// counts"), not in the clear. m is offered only after a passed check; if
// that check is spent elsewhere between the offer and the form (another
// window of the same operator), the form does not bring back a picker of
// knowledge records that could only end in a refusal: it asks why, and
// says that V verifies the caller.
func TestClearMFAFormTakesNoKnowledgeRecord(t *testing.T) {
	c := common.New(&unlockOnly{}, "alice")
	c.Width, c.Height = 100, 36
	u := &accounts.User{ID: 1, Name: "Ana Ruiz", Email: "ana@elm.example", Status: accounts.StatusActive,
		MFA: accounts.MFA{Method: accounts.MFASMS}}
	for _, d := range []*Data{
		{User: u},
		{User: u, Passed: &accounts.VerificationView{ID: 4, Method: accounts.VerifyCode, State: accounts.VerifyPassed}},
	} {
		v := dialog.NewValues()
		f := dialog.NewForm(c, "form:clear-mfa", clearMFA.Form(c, d, v), v, nil)
		view := ansi.Strip(f.View(c.Width, c.Height))
		for _, gone := range []string{"How was the caller's identity verified?", "What was checked", accounts.IdentityChecks[0]} {
			if strings.Contains(view, gone) {
				t.Errorf("passed %v: the clear form asks %q:\n%s", d.Passed != nil, gone, view)
			}
		}
		if !strings.Contains(view, "Reason") {
			t.Errorf("passed %v: no reason asked:\n%s", d.Passed != nil, view)
		}
	}
}
