package cli

import (
	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// practiceJSON is one practice and its licenses (R1).
type practiceJSON struct {
	ID         uint64 `json:"id"`
	Name       string `json:"name"`
	Purchased  int    `json:"purchased"`
	InUse      int    `json:"in_use"`
	Free       int    `json:"free"`
	AtCapacity bool   `json:"at_capacity"`
}

func toPracticeJSON(p accounts.Practice) practiceJSON {
	return practiceJSON{ID: p.ID, Name: p.Name, Purchased: p.Purchased, InUse: p.InUse,
		Free: p.Free(), AtCapacity: p.AtCapacity()}
}

func (a *app) practicesCmd() *cobra.Command {
	cmd := groupCmd("practices", "Practices and their licenses")
	var search string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List practices with purchased, in-use and free licenses",
		Example: `  latchkey practices list --db demo.db
  latchkey practices list --db demo.db --search "river fam" --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			svc, err := a.openExisting()
			if err != nil {
				return err
			}
			defer svc.Close()
			ps, err := svc.Practices(accounts.PracticeQuery{Search: search, Limit: limit})
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
	list.Flags().StringVar(&search, "search", "", "only practices with a word starting with each word of `Q`")
	list.Flags().IntVar(&limit, "limit", 200, "show at most `N`")
	a.addJSON(list)
	cmd.AddCommand(list)
	return cmd
}
