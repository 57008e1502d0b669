package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// Four eyes (R42) and the watch list (R43).

func (a *app) approvalsCmd() *cobra.Command {
	cmd := groupCmd("approvals", "Four eyes: MFA clears and new owners' setup redirects waiting for a second operator (R42)")
	cmd.Long = `Clearing the MFA of a privileged or flagged user (R42) waits for a second
operator: "latchkey mfa clear" makes a pending request; another operator —
never the one who asked — approves it within 30 minutes, and only then is the
clear carried out, with both names in the audit.

So does sending the setup email of a new practice's only user, its pending
owner, to a new address ("latchkey users send-verification --email"):
nobody at the practice can ask for it and nothing on file can verify the
caller, so a second operator checks the onboarding records and approves.`
	cmd.AddCommand(a.approvalsListCmd(), a.approvalsShowCmd(), a.approvalsDecideCmd(true), a.approvalsDecideCmd(false))
	return cmd
}

func (a *app) approvalsListCmd() *cobra.Command {
	return reviewListCmd(a, "List pending requests (--all: every request)", "every request, not only the pending ones",
		`  latchkey approvals list --db demo.db`, (*accounts.Service).Approvals,
		[]string{"ID", "USER", "ACTION", "ASKED BY", "STATE", "WHY FOUR EYES", "STATUS"},
		func(v accounts.ApprovalView) []string {
			why := make([]string, 0, len(v.Signals))
			for _, s := range v.Signals {
				why = append(why, s.Signal)
			}
			return []string{"#" + uitoa(v.ID), v.Login, v.Action, v.RequestedBy, string(v.State), strings.Join(why, ","), v.Status}
		})
}

// reviewListCmd is a "list" of things waiting for an operator (requests for
// four eyes, watched enrolments): the open ones, or every one with --all.
func reviewListCmd[T any](a *app, short, allUsage, example string,
	fetch func(svc *accounts.Service, all bool, limit int) ([]T, error),
	header []string, row func(T) []string) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   short,
		Example: example,
		Args:    args(),
		RunE: a.run(func(_ *cobra.Command, _ []string) error {
			return a.withOperator(func(svc *accounts.Service, _ accounts.Actor) error {
				items, err := fetch(svc, all, 0)
				if err != nil {
					return err
				}
				if a.json {
					if items == nil {
						items = []T{}
					}
					return writeJSON(a.io.Out, items)
				}
				t := newTable(a.io.Out, header...)
				for _, it := range items {
					t.row(row(it)...)
				}
				return t.flush()
			})
		}),
	}
	cmd.Flags().BoolVar(&all, "all", false, allUsage)
	a.addJSON(cmd)
	return cmd
}

func (a *app) approvalsShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "show N",
		Short:   "Show one request: the user, why four eyes, the verification, who asked",
		Example: `  latchkey approvals show 3 --db demo.db`,
		Args:    args("N"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("N", args[0])
			if err != nil {
				return err
			}
			return a.withOperator(func(svc *accounts.Service, _ accounts.Actor) error {
				v, err := svc.ApprovalRequest(id)
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, v)
				}
				return printApproval(a, v)
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func printApproval(a *app, v accounts.ApprovalView) error {
	t := newTable(a.io.Out)
	t.row("Request", "#"+uitoa(v.ID)+": "+v.Action)
	t.row("User", v.Name+" ("+v.Login+")")
	t.row("Asked by", v.RequestedBy+" at "+humanTime(v.RequestedAt))
	if v.RequestedSeat != "" {
		// A local operator's name is typed: approving needs another seat (R42).
		t.row("Asked from", v.RequestedSeat+" (approved only from another)")
	}
	t.row("Reason", v.Request.Reason)
	t.row("Verified by", v.Request.VerifiedBy)
	if v.NewEmail != "" {
		// What approving sends: the setup email to the new address (R42).
		t.row("Setup email", "to "+v.NewEmail+" (on file: "+v.OldEmail+")")
	}
	if v.Clears != accounts.MFANone {
		// What approving clears: a factor changed since is refused (R42).
		t.row("Clears", string(v.Clears)+", enrolled "+humanTime(v.FactorSince))
	}
	for i, s := range v.Signals {
		label := ""
		if i == 0 {
			label = "Why four eyes"
		}
		t.row(label, s.Label()+": "+s.Detail)
	}
	t.row("State", string(v.State))
	t.row("Status", v.Status)
	if v.Note != "" {
		t.row("Note", v.Note)
	}
	return t.flush()
}

func (a *app) approvalsDecideCmd(approve bool) *cobra.Command {
	var note string
	use, short := "approve N", "Approve another operator's request: it is carried out now (R42)"
	if !approve {
		use, short = "deny N", "Deny (or withdraw) a request: nothing is done"
	}
	long := short + "."
	if approve {
		long += `

Four eyes are two people: never the operator who asked, under any spelling
of their name. Locally an operator's name is typed (--operator), so outside a
demo the approval must also come from another seat than the request's (the
OS account and machine it was asked from: "Asked from" in approvals show);
over ` + "`latchkey serve`" + ` every operator is their own SSH key. Within 30 minutes.`
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		Example: `  latchkey approvals ` + strings.Fields(use)[0] + ` 3 --db demo.db --operator eli --note "checked the call notes"`,
		Args:    args("N"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("N", args[0])
			if err != nil {
				return err
			}
			return a.withOperator(func(svc *accounts.Service, actor accounts.Actor) error {
				var v accounts.ApprovalView
				var res accounts.ClearMFAResult
				if approve {
					v, res, err = svc.ApproveRequest(actor, id, note)
				} else {
					v, err = svc.DenyRequest(actor, id, note)
				}
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, struct {
						accounts.ApprovalView
						Result *accounts.ClearMFAResult `json:"result,omitempty"`
					}{v, map[bool]*accounts.ClearMFAResult{true: &res, false: nil}[approve]})
				}
				printf(a.io.Out, "Request #%d (%s of %s): %s.\n", v.ID, v.Action, v.Login, v.Status)
				switch {
				case approve && v.NewEmail != "":
					printf(a.io.Out, "Sent the setup email to %s; %s was told.\n", v.NewEmail, v.OldEmail)
				case approve:
					printf(a.io.Out, "Cleared %s; told %s.\n", string(res.Cleared), orDash(strings.Join(res.Notified, ", ")))
				}
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "what you checked (`TEXT`, recorded)")
	a.addJSON(cmd)
	return cmd
}

func (a *app) watchCmd() *cobra.Command {
	cmd := groupCmd("watch", "The watch list: factors enrolled within 24 hours of an MFA clear (R43)")
	cmd.AddCommand(a.watchListCmd(), a.watchReviewCmd())
	return cmd
}

func (a *app) watchListCmd() *cobra.Command {
	return reviewListCmd(a, "List unreviewed entries (--all: reviewed ones too)", "reviewed entries too",
		`  latchkey watch list --db demo.db`, (*accounts.Service).WatchList,
		[]string{"ID", "USER", "NEW FACTOR", "ENROLLED", "CLEARED", "CLEARED BY", "STATE", "REVIEW"},
		func(w accounts.WatchEntry) []string {
			review := orDash(w.Note)
			if w.ReviewedBy != "" {
				review = w.ReviewedBy + ": " + w.Note
			}
			return []string{"#" + uitoa(w.ID), w.Login, string(w.Method), humanTime(w.EnrolledAt), humanTime(w.ClearedAt), w.ClearedByWords(), string(w.State), review}
		})
}

func (a *app) watchReviewCmd() *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "review N",
		Short: "Record that you reviewed a watched enrolment; it leaves the list",
		Long: `Record that you reviewed a factor enrolled within 24 hours of an MFA clear
(R43); it leaves the watch list. The operators of the clear (who asked, and
who approved under four eyes) do not review it, under another name at their
seat either: locally an operator's name is typed, so the seat (OS account
and machine) the clear came from is refused; over serve each key is its own.`,
		Example: `  latchkey watch review 2 --note "called the user back on file: it was them" --db demo.db`,
		Args:    args("N"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("N", args[0])
			if err != nil {
				return err
			}
			return a.withOperator(func(svc *accounts.Service, actor accounts.Actor) error {
				w, err := svc.ReviewWatch(actor, id, note)
				if err != nil {
					return err
				}
				if a.json {
					return writeJSON(a.io.Out, w)
				}
				printf(a.io.Out, "Watch #%d (%s, new %s) reviewed by %s: %s\n", w.ID, w.Login, string(w.Method), w.ReviewedBy, w.Note)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "what the review found (`TEXT`, required, recorded)")
	_ = cmd.MarkFlagRequired("note")
	a.addJSON(cmd)
	return cmd
}
