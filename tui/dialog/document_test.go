package dialog

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"latchkey/printout"
)

// R28, R35: in a console served over SSH the credentials PDF is written on
// the desk server, not on the operator's machine: the document says where
// it is, and whose account can read it — not "readable by you only".
func TestDocumentSaysThePDFIsOnTheServer(t *testing.T) {
	creds := printout.Credentials{Practice: "Elm Clinic", Patient: "Kim Walker", Login: "kwalker1950", TemporaryPassword: "abcd-efgh"}
	c := testCommon()
	local := ansi.Strip(NewDocument(c, creds, "/home/desk/x.pdf", "~/x.pdf", nil, "kwalker1950").View(100, 30))
	if !strings.Contains(local, "PDF ~/x.pdf") || strings.Contains(local, "desk server") {
		t.Fatalf("a local console:\n%s", local)
	}
	c.Remote = true
	remote := ansi.Strip(NewDocument(c, creds, "/home/desk/x.pdf", "~/x.pdf", nil, "kwalker1950").View(100, 30))
	if !strings.Contains(remote, "PDF on the desk server: ~/x.pdf") || strings.Contains(remote, "readable by you only") {
		t.Fatalf("a console over SSH:\n%s", remote)
	}
}
