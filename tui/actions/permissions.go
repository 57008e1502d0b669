package actions

import (
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// permissions sets a user's roles (R19) at an owner's request.
var permissions = &Action{
	ID: accounts.ActionPermissions, On: accounts.SubjectUser, Key: bind("p", "permissions"), Title: "change permissions",
	Defaults: func(d *Data, v *dialog.Values) { *v.L("roles") = d.User.Roles.List() },
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		return dialog.FormSpec{Heading: "Permissions of " + d.Name(), Sub: d.Login() + " · now " + d.User.Roles.String(),
			Note: "R19: a permission change needs the request of an owner of the practice, recorded; giving or taking the owner or admin role, or giving the champion role, a passed caller check of that owner (V on them first, R41)." + rolesCheckNote(d),
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(rolesSelect(v), requester(d, v), dialog.Reason(v, "e.g. new office manager", "R19"))}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		roles := rolesOf(v.List("roles"))
		req := request(d, v)
		if strings.EqualFold(req.Requester, d.Login()) {
			// R41, R19: a change of roles is vouched for by a check of the
			// owner who asks; this user's own check only when they ask.
			req = withCheck(svc, actor, d, req)
		} else {
			// Another owner asks: their passed check goes with it (giving
			// or taking the owner or admin role needs one, R19, R41).
			for _, o := range d.Requesters.People {
				if strings.EqualFold(o.Login(), req.Requester) {
					if pv, ok, _ := svc.PassedVerification(actor.Name, o.ID); ok {
						req.Verification = pv.ID
					}
				}
			}
		}
		_, err := svc.SetRoles(actor, d.User.ID, roles, req)
		return Result{OK: "Permissions of " + d.Name() + ": " + d.User.Roles.String() + " → " + roles.String()}, err
	},
}

// rolesCheckNote: the caller of a change of roles is the owner who asks
// (R19), so this user's passed check goes with it only when they ask (R41).
func rolesCheckNote(d *Data) string {
	if d.Passed == nil {
		return ""
	}
	return fmt.Sprintf("\nR41: caller check #%d is of %s: it goes with this change only if they are the owner who asks.", d.Passed.ID, d.Name())
}
