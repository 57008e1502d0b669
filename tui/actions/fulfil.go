package actions

import (
	"fmt"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// fulfilLicenses fulfils an open license request: the purchased count
// rises by what an owner asked for (R2).
var fulfilLicenses = &Action{
	ID: accounts.ActionFulfilLicenses, On: accounts.SubjectRequest, Key: bind("F", "fulfil request"), Title: "fulfil the license request",
	Confirm: func(c *common.Common, d *Data, _ *dialog.Values) *ConfirmSpec {
		r, p := d.Request, d.Practice
		return &ConfirmSpec{Title: fmt.Sprintf("Fulfil license request #%d?", r.ID), Yes: "Fulfil",
			Body: fmt.Sprintf("%s: purchased %d → %d (+%d).\nRequested by %s on %s.\nReason: %s",
				common.Sanitize(p.Name), p.Purchased, p.Purchased+r.Count, r.Count, common.Sanitize(r.Requester),
				common.Stamp(r.CreatedAt, c.Loc), common.Sanitize(r.Reason))}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, _ *dialog.Values) (Result, error) {
		lr, p, err := svc.FulfilLicenses(actor, d.Request.ID, accounts.Request{Reason: "fulfilled from the console"})
		return Result{OK: fmt.Sprintf("Fulfilled request #%d: %s now has %s (+%d)",
			lr.ID, common.Sanitize(p.Name), plural.Count(p.Purchased, "license"), lr.Count)}, err
	},
}
