package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// licenseRequestJSON is one owner's request for more licenses (R2).
type licenseRequestJSON struct {
	ID          uint64     `json:"id"`
	PracticeID  uint64     `json:"practice_id"`
	Practice    string     `json:"practice"`
	Count       int        `json:"count"`
	Requester   string     `json:"requester"`
	Reason      string     `json:"reason"`
	State       string     `json:"state"` // "open" or "fulfilled"
	RecordedBy  string     `json:"recorded_by"`
	CreatedAt   time.Time  `json:"created_at"`
	FulfilledBy string     `json:"fulfilled_by,omitempty"`
	FulfilledAt *time.Time `json:"fulfilled_at,omitempty"`
	// Verification is the owner's caller check that proved it (R2, R41).
	Verification uint64 `json:"verification,omitempty"`
}

func toLicenseRequestJSON(r accounts.LicenseRequest, practice string) licenseRequestJSON {
	return licenseRequestJSON{ID: r.ID, PracticeID: r.PracticeID, Practice: practice, Count: r.Count,
		Requester: r.Requester, Reason: r.Reason, State: string(r.State), RecordedBy: r.RecordedBy,
		CreatedAt: r.CreatedAt, FulfilledBy: r.FulfilledBy, FulfilledAt: timePtr(r.FulfilledAt), Verification: r.Verification}
}

func toLicenseRequestsJSON(rs []accounts.LicenseRequest, practice string) []licenseRequestJSON {
	out := make([]licenseRequestJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, toLicenseRequestJSON(r, practice))
	}
	return out
}

// licenseResultJSON is a license request after it was recorded or
// fulfilled, with its practice's licenses now.
type licenseResultJSON struct {
	Request  licenseRequestJSON `json:"request"`
	Practice practiceJSON       `json:"practice"`
}

func (a *app) printLicenseRequests(rs []licenseRequestJSON) error {
	if len(rs) == 0 {
		printf(a.io.Out, "  none\n")
		return nil
	}
	t := newTable(a.io.Out, "  ID", "COUNT", "STATE", "REQUESTED BY", "RECORDED", "BY", "REASON")
	for _, r := range rs {
		state := r.State
		if r.FulfilledAt != nil {
			state += " " + humanTime(*r.FulfilledAt)
		}
		t.row("  "+uitoa(r.ID), itoa(r.Count), state, r.Requester, humanTime(r.CreatedAt), r.RecordedBy, orDash(r.Reason))
	}
	return t.flush()
}

func (a *app) licensesCmd() *cobra.Command {
	cmd := groupCmd("licenses", "Licenses: usage fullest first, owners' requests for more, fulfilment")
	cmd.AddCommand(a.licensesListCmd(), a.licensesRequestCmd(), a.licensesFulfilCmd(), a.licensesSetCmd())
	return cmd
}

func (a *app) licensesListCmd() *cobra.Command {
	var practice string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List practices by license usage, fullest first; or one practice's license requests",
		Example: `  latchkey licenses list --db demo.db --limit 10
  latchkey licenses list --db demo.db --practice 3 --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit <= 0 {
				return usagef("--limit must be at least 1")
			}
			svc := a.svc
			if practice != "" {
				p, err := svc.FindPractice(practice)
				if err != nil {
					return err
				}
				rs, err := svc.LicenseRequests(p.ID)
				if err != nil {
					return err
				}
				if len(rs) > limit {
					rs = rs[:limit]
				}
				out := toLicenseRequestsJSON(rs, p.Name)
				if a.json {
					return writeJSON(a.io.Out, out)
				}
				a.licenseLine(p)
				printf(a.io.Out, "\nLicense requests:\n")
				return a.printLicenseRequests(out)
			}
			ps, err := svc.Licenses(accounts.LicenseQuery{Limit: limit})
			if err != nil {
				return err
			}
			if a.json {
				out := make([]practiceJSON, 0, len(ps))
				for _, p := range ps {
					out = append(out, toPracticeJSON(p))
				}
				return writeJSON(a.io.Out, out)
			}
			if len(ps) == 0 {
				printf(a.io.Out, "No practices.\n")
				return nil
			}
			t := newTable(a.io.Out, "ID", "NAME", "IN USE", "PURCHASED", "FREE", "USED", "AT CAPACITY")
			for _, p := range ps {
				full, used := "", "—"
				if p.AtCapacity() {
					full = "AT CAPACITY"
				}
				if p.Purchased > 0 {
					used = itoa(p.InUse*100/p.Purchased) + "%"
				}
				t.row(uitoa(p.ID), p.Name, itoa(p.InUse), itoa(p.Purchased), itoa(p.Free()), used, full)
			}
			return t.flush()
		}),
	}
	cmd.Flags().StringVar(&practice, "practice", "", "list the license requests of practice `P` (number or exact name)")
	cmd.Flags().IntVar(&limit, "limit", 200, "show at most `N`")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printLicenseResult(r accounts.LicenseRequest, p accounts.Practice, human func()) error {
	return a.emit(licenseResultJSON{Request: toLicenseRequestJSON(r, p.Name), Practice: toPracticeJSON(p)}, func() {
		human()
		a.licenseLine(p)
	})
}

func (a *app) licensesRequestCmd() *cobra.Command {
	var count int
	var requester, reason string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "request PRACTICE",
		Short: "Record an owner's request for more licenses",
		Long: `Record a request for --count more licenses (R2). Only a financial decision
maker, an owner of the practice, may ask (--requested-by, checked and
recorded), and the practice pays: the owner's request is proven, not typed,
by --verification ID of a passed caller check of them (R41). Fulfil it with
"latchkey licenses fulfil ID" once purchased.`,
		Example: `  latchkey verify start owner@example.com --db demo.db --method code --channel email
  latchkey verify check 12 --code 123456 --db demo.db
  latchkey licenses request "Maple Clinic" --db demo.db --count 5 \
      --requested-by owner@example.com --verification 12 --reason "two new providers in May"`,
		Args: args("PRACTICE"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			p, err := svc.FindPractice(args[0])
			if err != nil {
				return err
			}
			r, err := svc.RequestLicenses(actor, p.ID, count, accounts.Request{Requester: requester, Reason: reason, Verification: verification})
			if err != nil {
				return err
			}
			if p, err = svc.Practice(p.ID); err != nil {
				return err
			}
			return a.printLicenseResult(r, p, func() {
				printf(a.io.Out, "Recorded license request #%d: %d more for %s, requested by %s. Fulfil it with `latchkey licenses fulfil %d`.\n",
					r.ID, r.Count, p.Name, r.Requester, r.ID)
			})
		}),
	}
	cmd.Flags().IntVar(&count, "count", 0, "how many more licenses, `N` (required)")
	_ = cmd.MarkFlagRequired("count")
	requesterFlag(cmd, &requester, "an owner of the practice")
	cmd.Flags().StringVar(&reason, "reason", "", "why (`TEXT`)")
	verificationFlag(cmd, &verification) // the owner's check (R2, R41)
	a.addJSON(cmd)
	return cmd
}

// parseID reads a record number such as 12 or #12.
func parseID(name, s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%s must be a number such as 12, not %q", name, s)
	}
	return id, nil
}

func (a *app) licensesFulfilCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "fulfil REQUEST_ID",
		Short:   "Fulfil an open license request: the purchased count rises by its count",
		Example: `  latchkey licenses fulfil 12 --db demo.db --reason "invoice 4411 paid"`,
		Args:    args("REQUEST_ID"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("REQUEST_ID", args[0])
			if err != nil {
				return err
			}
			svc, actor := a.svc, a.actor
			r, p, err := svc.FulfilLicenses(actor, id, accounts.Request{Reason: reason})
			if err != nil {
				return err
			}
			return a.printLicenseResult(r, p, func() {
				printf(a.io.Out, "Fulfilled license request #%d: %d more for %s (requested by %s).\n", r.ID, r.Count, p.Name, r.Requester)
			})
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (`TEXT`)")
	a.addJSON(cmd)
	return cmd
}

func (a *app) licensesSetCmd() *cobra.Command {
	var purchased int
	var requester, reason string
	cmd := &cobra.Command{
		Use:   "set PRACTICE",
		Short: "Set a practice's purchased license count (a contract change)",
		Long: `Set the purchased license count of a practice, as a contract change. It
cannot go below the licenses in use (R1, R2): inactivate leavers first.`,
		Example: `  latchkey licenses set "Maple Clinic" --db demo.db --purchased 40 --reason "contract renewed"`,
		Args:    args("PRACTICE"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc, actor := a.svc, a.actor
			p, err := svc.FindPractice(args[0])
			if err != nil {
				return err
			}
			before := p.Purchased
			p, err = svc.SetPurchased(actor, p.ID, purchased, accounts.Request{Requester: requester, Reason: reason})
			if err != nil {
				return err
			}
			return a.emit(toPracticeJSON(p), func() {
				printf(a.io.Out, "Purchased licenses of %s: %d, was %d.\n", p.Name, p.Purchased, before)
				a.licenseLine(p)
			})
		}),
	}
	cmd.Flags().IntVar(&purchased, "purchased", 0, "the purchased count, `N` (required)")
	_ = cmd.MarkFlagRequired("purchased")
	cmd.Flags().StringVar(&requester, "requested-by", "", "`LOGIN` of the practice person who asked, if any (recorded)")
	reasonFlag(cmd, &reason)
	a.addJSON(cmd)
	return cmd
}
