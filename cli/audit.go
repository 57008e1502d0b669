package cli

import (
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/internal/plural"
)

// auditJSON is one audit event (R29). Every field is always present, so
// scripts need no special cases.
type auditJSON struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	ActorKind  string    `json:"actor_kind"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Target     string    `json:"target"`
	Requester  string    `json:"requester"`
	Reason     string    `json:"reason"`
	VerifiedBy string    `json:"verified_by"`
	// The caller verification the action used (R41) and the second
	// operator who approved it (R42), when there were.
	Verification uint64 `json:"verification,omitempty"`
	VerifyMethod string `json:"verify_method,omitempty"`
	VerifyResult string `json:"verify_result,omitempty"`
	ApprovedBy   string `json:"approved_by,omitempty"`
	Approval     uint64 `json:"approval,omitempty"`
	Outcome      string `json:"outcome"`
	Detail       string `json:"detail"`
}

func toAuditJSON(evs []accounts.Event) []auditJSON {
	out := make([]auditJSON, 0, len(evs))
	for _, e := range evs {
		out = append(out, auditJSON{Seq: e.Seq, Time: e.Time, ActorKind: string(e.ActorKind), Actor: e.Actor,
			Action: e.Action, Target: e.Target, Requester: e.Requester, Reason: e.Reason,
			VerifiedBy: e.VerifiedBy, Verification: e.Verification, VerifyMethod: e.VerifyMethod, VerifyResult: e.VerifyResult,
			ApprovedBy: e.ApprovedBy, Approval: e.Approval, Outcome: e.Outcome, Detail: e.Detail})
	}
	return out
}

func (a *app) auditCmd() *cobra.Command {
	cmd := groupCmd("audit", "The audit trail: list events, verify the hash chain")
	cmd.AddCommand(a.auditListCmd(), a.auditVerifyCmd(), a.auditCheckpointCmd())
	return cmd
}

func (a *app) auditListCmd() *cobra.Command {
	var limit int
	var login string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List audit events, newest first",
		Example: `  latchkey audit list --db demo.db --limit 20
  latchkey audit list --db demo.db --user maria.lopez@example.com --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit <= 0 {
				return usagef("--limit must be at least 1")
			}
			svc := a.svc
			q := accounts.AuditQuery{Limit: limit}
			if login != "" {
				u, err := svc.UserByLogin(login)
				if err != nil {
					return err
				}
				q.UserID = u.ID
			}
			evs, err := svc.Audit(q)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(a.io.Out, toAuditJSON(evs))
			}
			return a.printAudit(toAuditJSON(evs))
		}),
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "show the `N` newest events")
	cmd.Flags().StringVar(&login, "user", "", "only events about the user with this `LOGIN`")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printAudit(evs []auditJSON) error {
	if len(evs) == 0 {
		printf(a.io.Out, "No audit events.\n")
		return nil
	}
	t := newTable(a.io.Out, "SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME", "REASON / DETAIL")
	for _, e := range evs {
		why := e.Reason
		if e.VerifiedBy != "" {
			why += " (verified by: " + e.VerifiedBy + ")"
		}
		if e.Requester != "" {
			why += " (requested by " + e.Requester + ")"
		}
		if why == "" {
			why = e.Detail
		}
		t.row(uitoa(e.Seq), humanTime(e.Time), e.ActorKind+":"+e.Actor, e.Action, orDash(e.Target), e.Outcome, orDash(why))
	}
	return t.flush()
}

func (a *app) auditVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the audit trail's hash chain; exit 1 naming the first bad event",
		Long: `Recompute the audit trail's hash chain (R29): every event's hash covers the
one before it, so an edited, deleted, reordered or cut-off event breaks the
chain. Exits 0 when the chain holds, else 1 naming the first event that does
not match. "latchkey check" does this too, after checking every page.`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			svc := a.svc
			n, err := svc.VerifyAudit()
			if err != nil {
				return err
			}
			return a.emit(map[string]any{"ok": true, "events": n}, func() {
				printf(a.io.Out, "Audit chain intact: %s.\n", plural.Count(n, "event"))
			})
		}),
	}
	a.addJSON(cmd)
	return cmd
}
