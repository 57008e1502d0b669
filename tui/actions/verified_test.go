package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// R41: the forms that ask how a caller was verified do not suggest a
// knowledge question (date of birth), which never counts as verification:
// the unlock, reset and portal reset forms offered "confirmed date of
// birth" as their example.
func TestVerifiedFieldSuggestsNoKnowledge(t *testing.T) {
	c := common.New(&unlockOnly{}, "alice")
	c.Width, c.Height = 100, 36
	d := &Data{User: &accounts.User{ID: 1, Name: "Ana Ruiz", Email: "ana@elm.example", Status: accounts.StatusActive}}
	v := dialog.NewValues()
	f := dialog.NewForm(c, "form:unlock", unlock.Form(c, d, v), v, nil)
	view := ansi.Strip(f.View(c.Width, c.Height))
	if !strings.Contains(view, "How was the caller verified?") {
		t.Fatalf("no verified field:\n%s", view)
	}
	if strings.Contains(strings.ToLower(view), "date of birth") {
		t.Fatalf("the form suggests a knowledge question as verification:\n%s", view)
	}
}
