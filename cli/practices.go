package cli

import (
	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// practiceJSON is one practice and its licenses (R1).
type practiceJSON struct {
	ID          uint64 `json:"id"`
	Name        string `json:"name"`
	Purchased   int    `json:"purchased"`
	InUse       int    `json:"in_use"`
	Free        int    `json:"free"`
	AtCapacity  bool   `json:"at_capacity"`
	MFARequired bool   `json:"mfa_required"` // all its users must have MFA (R24)
}

func toPracticeJSON(p accounts.Practice) practiceJSON {
	return practiceJSON{ID: p.ID, Name: p.Name, Purchased: p.Purchased, InUse: p.InUse,
		Free: p.Free(), AtCapacity: p.AtCapacity(), MFARequired: p.MFARequired}
}

func (a *app) practicesCmd() *cobra.Command {
	cmd := groupCmd("practices", "Practices, their licenses and their MFA requirement")
	var search string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List practices with purchased, in-use and free licenses",
		Example: `  latchkey practices list --db demo.db
  latchkey practices list --db demo.db --search "river fam" --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit < 0 {
				return usagef("--limit must be 0 or more, not %d", limit)
			}
			svc := a.svc
			ps, err := listPractices(svc, accounts.PracticeQuery{Search: search, Limit: limit})
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
			t := newTable(a.io.Out, "ID", "NAME", "PURCHASED", "IN USE", "FREE", "AT CAPACITY")
			for _, p := range ps {
				full := ""
				if p.AtCapacity() {
					full = "AT CAPACITY"
				}
				t.row(uitoa(p.ID), p.Name, itoa(p.Purchased), itoa(p.InUse), itoa(p.Free()), full)
			}
			return t.flush()
		}),
	}
	list.Flags().StringVar(&search, "search", "", "only practices with a word starting with each word of `Q`, in any order")
	list.Flags().IntVar(&limit, "limit", 200, "show at most `N` (0: all)")
	a.addJSON(list)
	cmd.AddCommand(list, a.practicesShowCmd(), createsFile(a.practicesAddCmd()), a.practicesRequireMFACmd())
	return cmd
}

// practiceDetailJSON is one practice with its people by role (active ones)
// and its license requests, newest first.
type practiceDetailJSON struct {
	practiceJSON
	Owners          []userJSON           `json:"owners"`
	Champions       []userJSON           `json:"champions"`
	Admins          []userJSON           `json:"admins"`
	LicenseRequests []licenseRequestJSON `json:"license_requests"`
}

func (a *app) practicesShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show PRACTICE",
		Short: "Show a practice: licenses, its owners, champions and admins, license requests",
		Example: `  latchkey practices show 3 --db demo.db
  latchkey practices show "Maple Clinic" --db demo.db --json`,
		Args: args("PRACTICE"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			p, err := svc.FindPractice(args[0])
			if err != nil {
				return err
			}
			v, err := svc.PracticeDetail(p.ID)
			if err != nil {
				return err
			}
			now := svc.Now()
			people := func(us []accounts.User) []userJSON {
				out := make([]userJSON, 0, len(us))
				for _, u := range us {
					out = append(out, toUserJSON(u, p.Name, now))
				}
				return out
			}
			d := practiceDetailJSON{practiceJSON: toPracticeJSON(v.Practice), Owners: people(v.Owners),
				Champions: people(v.Champions), Admins: people(v.Admins),
				LicenseRequests: toLicenseRequestsJSON(v.Requests, p.Name)}
			if a.json {
				return writeJSON(a.io.Out, d)
			}
			return a.printPractice(d)
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func (a *app) printPractice(d practiceDetailJSON) error {
	t := newTable(a.io.Out)
	t.row("Practice", d.Name+" (#"+uitoa(d.ID)+")")
	full := ""
	if d.AtCapacity {
		full = ", AT CAPACITY"
	}
	t.row("Licenses", itoa(d.InUse)+" of "+itoa(d.Purchased)+" in use, "+itoa(d.Free)+" free"+full)
	mfaReq := "not required"
	if d.MFARequired {
		mfaReq = "required for all its users (R24)"
	}
	t.row("MFA", mfaReq)
	if err := t.flush(); err != nil {
		return err
	}
	for _, group := range []struct {
		title string
		users []userJSON
	}{{"Owners", d.Owners}, {"Champions", d.Champions}, {"Admins", d.Admins}} {
		printf(a.io.Out, "\n%s:\n", group.title)
		if len(group.users) == 0 {
			printf(a.io.Out, "  none\n")
			continue
		}
		t := newTable(a.io.Out)
		for _, u := range group.users {
			t.row("  "+u.Login, u.Name, u.Kind, u.Status)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	printf(a.io.Out, "\nLicense requests:\n")
	return a.printLicenseRequests(d.LicenseRequests)
}
