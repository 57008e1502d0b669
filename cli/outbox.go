package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// messageJSON is one email or text message in the outbox (R30). Outside a
// demo database the service masks links, codes and passwords in the body
// (masked is then true): only the recipient's copy carries them.
type messageJSON struct {
	ID      uint64    `json:"id"`
	Kind    string    `json:"kind"` // "email" or "sms"
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Time    time.Time `json:"time"`
	Cause   string    `json:"cause"`   // the audit action that sent it
	UserID  uint64    `json:"user_id"` // whom it is about; 0 for none
	LinkID  uint64    `json:"link_id"` // the link it carries; 0 for none
	Masked  bool      `json:"masked"`  // secrets in the body are masked (not a demo)
}

func toMessageJSON(m accounts.Message) messageJSON {
	return messageJSON{ID: m.ID, Kind: string(m.Kind), To: m.To, Subject: m.Subject, Body: m.Body,
		Time: m.Time, Cause: m.Cause, UserID: m.UserID, LinkID: m.LinkID, Masked: m.Masked}
}

// linkJSON is a link's state now; never its hash (R30).
type linkJSON struct {
	ID        uint64     `json:"id"`
	Purpose   string     `json:"purpose"` // setup, email-change, reset
	State     string     `json:"state"`   // live, used, superseded, voided, expired
	Email     string     `json:"email"`   // the address it was sent to and verifies
	IssuedAt  time.Time  `json:"issued_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// messageViewJSON is one message and, when it carries a link, that link now.
type messageViewJSON struct {
	messageJSON
	Link *linkJSON `json:"link,omitempty"`
}

func (a *app) outboxCmd() *cobra.Command {
	cmd := groupCmd("outbox", "The outbox: every email and text message sent, newest first")
	cmd.AddCommand(a.outboxListCmd(), a.outboxShowCmd())
	return cmd
}

func (a *app) outboxListCmd() *cobra.Command {
	var to string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List messages, newest first",
		Example: `  latchkey outbox list --db demo.db --limit 10
  latchkey outbox list --db demo.db --to jane.doe@example.com --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit <= 0 {
				return usagef("--limit must be at least 1")
			}
			svc := a.svc
			ms, err := svc.Outbox(accounts.OutboxQuery{To: to, Limit: limit})
			if err != nil {
				return err
			}
			if a.json {
				out := make([]messageJSON, 0, len(ms))
				for _, m := range ms {
					out = append(out, toMessageJSON(m))
				}
				return writeJSON(a.io.Out, out)
			}
			if len(ms) == 0 {
				printf(a.io.Out, "No messages.\n")
				return nil
			}
			t := newTable(a.io.Out, "ID", "TIME", "KIND", "TO", "SUBJECT", "CAUSE")
			masked := false
			for _, m := range ms {
				t.row(uitoa(m.ID), humanTime(m.Time), string(m.Kind), m.To, m.Subject, m.Cause)
				masked = masked || m.Masked
			}
			if err := t.flush(); err != nil {
				return err
			}
			if masked {
				printf(a.io.Out, "\n%s\n", accounts.MaskedNotice)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "only messages to `ADDR` (an email address or phone number, any case)")
	cmd.Flags().IntVar(&limit, "limit", 100, "show at most `N`")
	a.addJSON(cmd)
	return cmd
}

func (a *app) outboxShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one message in full and, if it carries a link, the link's state now",
		Long: `Show one message in full. For a message that carries a link, also the link's
state now — live, used, superseded (a newer link replaced it), voided (the
user was made inactive), revoked (the login email changed) or expired — with
when it was issued and ended. On a database that is not a demo, links, codes
and passwords in the body are masked (R30): only the recipient's copy
carries them.`,
		Example: `  latchkey outbox show 12 --db demo.db`,
		Args:    args("ID"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			id, err := parseID("ID", args[0])
			if err != nil {
				return err
			}
			svc := a.svc
			mv, err := svc.Message(id)
			if err != nil {
				return err
			}
			v := messageViewJSON{messageJSON: toMessageJSON(mv.Message)}
			if l := mv.Link; l != nil {
				v.Link = &linkJSON{ID: l.ID, Purpose: string(l.Purpose), State: string(l.State), Email: l.Email,
					IssuedAt: l.IssuedAt, EndedAt: timePtr(l.EndedAt), ExpiresAt: timePtr(l.ExpiresAt)}
			}
			if a.json {
				return writeJSON(a.io.Out, v)
			}
			return a.printMessage(v)
		}),
	}
	a.addJSON(cmd)
	return cmd
}

func (a *app) printMessage(v messageViewJSON) error {
	t := newTable(a.io.Out)
	t.row("Message", "#"+uitoa(v.ID)+" ("+v.Kind+")")
	t.row("To", v.To)
	t.row("Subject", orDash(v.Subject))
	t.row("Sent", humanTime(v.Time))
	t.row("Cause", v.Cause)
	if v.Masked {
		t.row("Secrets", accounts.MaskedNotice)
	}
	if l := v.Link; l != nil {
		state := strings.ToUpper(l.State)
		if l.EndedAt != nil {
			state += " since " + humanTime(*l.EndedAt)
		}
		if l.ExpiresAt != nil && l.State == "live" {
			state += ", expires " + humanTime(*l.ExpiresAt)
		}
		t.row("Link", "#"+uitoa(l.ID)+" "+l.Purpose+" link for "+l.Email+", issued "+humanTime(l.IssuedAt)+": "+state)
	}
	if err := t.flush(); err != nil {
		return err
	}
	printf(a.io.Out, "\n")
	// Each line of the body on its own line, every line made safe to print (R38).
	for _, line := range strings.Split(strings.TrimRight(v.Body, "\n"), "\n") {
		if line == "" {
			printf(a.io.Out, "\n")
			continue
		}
		printf(a.io.Out, "    %s\n", line)
	}
	return nil
}
