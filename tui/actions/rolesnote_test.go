package actions

import (
	"strings"
	"testing"

	"latchkey/accounts"
	"latchkey/tui/dialog"
)

// R19, R20, R41: the forms say when the asker's passed check goes with
// them, as the service requires: giving the champion role (who asks for
// any inactivation) too, and inactivating an owner or admin, not staff;
// bringing anyone back (R3).
func TestFormsSayWhenTheAskersCheckGoes(t *testing.T) {
	staff := &Data{User: &accounts.User{ID: 1, Name: "Sam Staff", Email: "sam@elm.example", Status: accounts.StatusActive}}
	admin := &Data{User: &accounts.User{ID: 2, Name: "Ada Admin", Email: "ada@elm.example", Status: accounts.StatusActive,
		Roles: accounts.Roles{Admin: true}}}
	v := dialog.NewValues()
	if note := permissions.Form(nil, staff, v).Note; !strings.Contains(note, "giving the champion role") {
		t.Errorf("the permissions form does not say the champion role needs the owner's check: %q", note)
	}
	if note := inactivate.Form(nil, staff, v).Note; strings.Contains(note, "R41") {
		t.Errorf("the inactivate form asks a check for staff: %q", note)
	}
	if note := inactivate.Form(nil, admin, v).Note; !strings.Contains(note, "R41") {
		t.Errorf("the inactivate form does not ask the requester's check for an admin: %q", note)
	}
	// R3, R41: anyone comes back only at a proven request, staff too.
	gone := &Data{User: &accounts.User{ID: 3, Name: "Fred Fired", Email: "fred@elm.example", Status: accounts.StatusInactive}}
	if note := reactivate.Form(nil, gone, v).Note; !strings.Contains(note, "R41") || !strings.Contains(note, "V on them") {
		t.Errorf("the reactivate form does not ask the requester's check: %q", note)
	}
	// R3, R41: anyone is added only at a proven request, a newcomer too.
	if note := addUser.Form(nil, &Data{}, v).Note; !strings.Contains(note, "R41") || !strings.Contains(note, "V on them") {
		t.Errorf("the add-user form does not ask the requester's check: %q", note)
	}
	if note := replace.Form(nil, staff, v).Note; !strings.Contains(note, "R41") || !strings.Contains(note, "V on them") {
		t.Errorf("the replace form does not ask the requester's check for the newcomer: %q", note)
	}
	// R3, R41: a setup email to a new address too.
	if note := sendSetup.Form(nil, staff, v).Note; !strings.Contains(note, "R41") || !strings.Contains(note, "V on them") {
		t.Errorf("the setup-email form does not ask the requester's check for a new address: %q", note)
	}
}
