package cli

import (
	"strings"
	"testing"

	"latchkey/accounts"
)

// R42, R35: on a desk that is not a demo, a local operator is a name typed:
// the same OS account on the same machine asks as dana and cannot approve as
// eli; the refusal names the seat and says where a second operator can
// approve from, and the request shows the seat it was asked from. (On a
// demo one person plays every operator: TestMFAClearNeedsVerification.)
func TestLocalFourEyesAreTwoSeats(t *testing.T) {
	d := newDesk(t)
	svc, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreatePractice(accounts.Operator("setup"), "Seat Onboarding", 3)
	if err != nil {
		t.Fatal(err)
	}
	const login = "ona.only@seatclinic.test"
	if _, err := svc.CreateUser(accounts.Operator("setup"), accounts.NewUser{PracticeID: p.ID, Name: "Ona Only",
		Kind: accounts.KindProvider, Roles: accounts.Roles{Owner: true}, Email: login, EmailConfirm: login},
		accounts.Request{Reason: "onboarding"}); err != nil {
		t.Fatal(err)
	}
	_ = svc.Close()

	const fixed = "ona.real@seatclinic.test"
	refusal(t, "R42", "users", "send-verification", login, "--email", fixed, "--email-confirm", fixed,
		"--reason", "typo at onboarding", "--db", d.path, "--operator", "dana")
	var list []accounts.ApprovalView
	decodeJSON(t, mustRun(t, "approvals", "list", "--db", d.path, "--json"), &list)
	if len(list) != 1 || list[0].RequestedSeat != localSeat() {
		t.Fatalf("the request does not keep the seat it was asked from (%q): %+v", localSeat(), list)
	}
	n := uitoa(list[0].ID)
	e := refusal(t, "R42", "approvals", "approve", n, "--db", d.path, "--operator", "eli")
	if !strings.Contains(e.Error, "same seat") || !strings.Contains(e.Error, localSeat()) || !strings.Contains(e.Guidance, "latchkey serve") {
		t.Fatalf("the refusal does not say why or where from: %+v", e)
	}
	if show := mustRun(t, "approvals", "show", n, "--db", d.path).out; !strings.Contains(show, localSeat()) {
		t.Errorf("approvals show does not name the seat that asked:\n%s", show)
	}
}
