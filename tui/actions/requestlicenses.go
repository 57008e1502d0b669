package actions

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// requestLicenses records an owner's request for more licenses (R2).
var requestLicenses = &Action{
	ID: accounts.ActionRequestLicenses, On: accounts.SubjectPractice, Key: bind("L", "request licenses"), Title: "request licenses",
	Form: func(_ *common.Common, d *Data, v *dialog.Values) dialog.FormSpec {
		p := d.Practice
		return dialog.FormSpec{Heading: "Request licenses for " + d.What(), Sub: fmt.Sprintf("#%d", p.ID),
			Note: "R2: only a financial decision maker (an owner) may request more licenses, proven by a passed caller check of that owner (V on them first, R41). " +
				itoa(p.InUse) + " of " + itoa(p.Purchased) + " in use now; fulfilling the request raises the purchased count.",
			Groups: func(v *dialog.Values) []*huh.Group {
				return []*huh.Group{huh.NewGroup(
					huh.NewInput().Key("count").Title("How many more licenses").Placeholder("e.g. 2").
						Description("1 to "+itoa(accounts.MaxLicenseRequest)).CharLimit(5).Value(v.S("count")).
						Validate(func(s string) error { _, err := parseCount(s); return err }),
					requester(d, v),
					dialog.Reason(v, "e.g. two new hygienists in May", "R2"),
				)}
			}}
	},
	Run: func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error) {
		n, _ := parseCount(v.Str("count"))
		// R2, R41: the practice pays: the asking owner's passed check goes with it.
		lr, err := svc.RequestLicenses(actor, d.Practice.ID, n, askerCheck(svc, actor, d, request(d, v), true))
		return Result{OK: fmt.Sprintf("Recorded license request #%d: %d more for %s, requested by %s · F fulfils it",
			lr.ID, n, d.What(), asked(d, v))}, err
	},
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > accounts.MaxLicenseRequest {
		return 0, errors.New("a whole number from 1 to " + strconv.Itoa(accounts.MaxLicenseRequest))
	}
	return n, nil
}
