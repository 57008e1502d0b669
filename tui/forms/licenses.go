package forms

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
)

// RequestLicenses records an owner's request for more licenses (R2).
type RequestLicenses struct {
	base
	requesterHolder
	PracticeID uint64
	Practice   string // sanitised
	count      *string
	reason     *string
}

// NewRequestLicenses returns the form for a practice.
func NewRequestLicenses(c *common.Common, v accounts.PracticeView) *RequestLicenses {
	f := &RequestLicenses{base: base{c: c}, PracticeID: v.ID, Practice: common.Sanitize(v.Name), count: new(string), reason: new(string)}
	f.people, f.requester = Allowed(AskLicenses, v, nil), new(string)
	f.heading, f.sub = "Request licenses for "+f.Practice, "#"+itoa(v.ID)
	f.note = "R2: only a financial decision maker (an owner) may request more licenses. " +
		itoa(uint64(v.InUse)) + " of " + itoa(uint64(v.Purchased)) + " in use now; fulfilling the request raises the purchased count."
	f.setup(func() []*huh.Group {
		return []*huh.Group{huh.NewGroup(
			huh.NewInput().Key("count").Title("How many more licenses").Placeholder("e.g. 2").
				CharLimit(5).Value(f.count).Validate(func(s string) error {
				_, err := parseCount(s)
				return err
			}),
			requesterSelect(AskLicenses, f.people, f.requester),
			reasonInput(f.reason, "e.g. two new hygienists in May"),
		)}
	})
	return f
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > accounts.MaxLicenseRequest {
		return 0, errors.New("a whole number from 1 to " + strconv.Itoa(accounts.MaxLicenseRequest))
	}
	return n, nil
}

// Count is the number of licenses asked for.
func (f *RequestLicenses) Count() int {
	n, _ := parseCount(*f.count)
	return n
}

// Request is who asked and why.
func (f *RequestLicenses) Request() accounts.Request {
	return accounts.Request{Requester: f.Requester(), Reason: strings.TrimSpace(*f.reason)}
}
