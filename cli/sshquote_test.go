package cli

import (
	"strings"
	"testing"

	"latchkey/accounts"
)

// R35, R33: ssh joins a command's words with spaces and the desk splits
// them again, so `ssh desk users unlock ana --reason "lost phone"` arrives
// as an extra argument "phone". Over SSH that usage error says how to
// quote; a local caller (whose shell kept the quotes) is not told.
func TestSSHUnexpectedArgumentSaysHowToQuote(t *testing.T) {
	d := newDesk(t)
	svc, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h := Host{Service: svc, Operator: accounts.Operator("alice"), Remote: true, Via: "over SSH"}
	r := runHosted(t, h, "users", "unlock", "ana@example.com", "--reason", "lost", "phone", "--verified-by", "callback")
	if r.code != ExitUsage || !strings.Contains(r.err, `unexpected argument "phone"`) || !strings.Contains(r.err, `"'`) {
		t.Fatalf("over SSH: exit %d\n%s", r.code, r.err)
	}
	local := Host{Service: svc, Operator: accounts.Operator("alice"), Via: "the open desk"}
	if r := runHosted(t, local, "users", "unlock", "ana@example.com", "--reason", "lost", "phone"); r.code != ExitUsage || strings.Contains(r.err, `"'`) {
		t.Fatalf("locally: exit %d\n%s", r.code, r.err)
	}
}
