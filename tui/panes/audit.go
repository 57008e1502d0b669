package panes

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/dialog"
)

// auditScan bounds how many events one filtered page reads looking for
// matches, so a filter that matches nothing stays quick on a long trail.
const auditScan = 20000

// eventRow is an audit event as the pane draws it (strings sanitised, R38).
type eventRow struct {
	Seq     uint64
	Time    string // short, for the table
	Stamp   string // with the year, for the detail
	Actor   string
	Action  string
	Target  string
	Outcome string
	Note    string // reason, verification and detail
	Refused bool
	Event   accounts.Event // the whole event, for enter
}

func toEventRow(c *common.Common, e accounts.Event) eventRow {
	var note []string
	if e.Requester != "" {
		note = append(note, "requested by "+e.Requester)
	}
	if e.Reason != "" {
		note = append(note, "reason: "+e.Reason)
	}
	if e.VerifiedBy != "" {
		note = append(note, "verified: "+e.VerifiedBy)
	}
	if e.Detail != "" {
		note = append(note, e.Detail)
	}
	return eventRow{
		Seq: e.Seq, Time: e.Time.In(c.Loc).Format("01-02 15:04:05"), Stamp: common.Stamp(e.Time, c.Loc),
		Actor:   common.Sanitize(string(e.ActorKind) + ":" + e.Actor),
		Action:  common.Sanitize(e.Action),
		Target:  common.Sanitize(e.Target),
		Outcome: common.Sanitize(e.Outcome),
		Note:    common.Sanitize(strings.Join(note, " · ")),
		Refused: strings.HasPrefix(e.Outcome, "refused"),
		Event:   e,
	}
}

// Audit is the audit trail, newest first (R29).
type Audit struct {
	*list[eventRow]
}

// NewAudit returns the audit pane.
func NewAudit(c *common.Common) *Audit {
	p := &Audit{}
	fetch := func(_ any, q string, _ int, last *eventRow, limit int) ([]eventRow, error) {
		before := uint64(0)
		if last != nil {
			before = last.Seq
			if before <= 1 {
				return nil, nil
			}
		}
		terms := strings.Fields(accounts.Fold(q))
		var out []eventRow
		for scanned := 0; len(out) < limit && scanned < auditScan; {
			es, err := c.Svc.Audit(accounts.AuditQuery{Before: before, Limit: limit})
			if err != nil || len(es) == 0 {
				return out, err
			}
			for _, e := range es {
				r := toEventRow(c, e)
				if matchAll(terms, r.Actor, r.Action, r.Target, r.Outcome, r.Note) {
					out = append(out, r)
				}
			}
			scanned += len(es)
			before = es[len(es)-1].Seq
			if len(terms) == 0 || before <= 1 {
				break
			}
		}
		return out, nil
	}
	p.list = newList(c, common.PaneAudit, "events", 200, fetch, p.row,
		components.Column{Title: "Time", Width: 14},
		components.Column{Title: "Actor", Width: 14, Drop: 2, Flex: true, Max: 24},
		components.Column{Title: "Action", Width: 19},
		components.Column{Title: "Target", Width: 14, Flex: true, Max: 36},
		components.Column{Title: "Outcome", Width: 11},
		components.Column{Title: "Reason / detail", Width: 16, Flex: true, Drop: 1},
	)
	p.follow = true // newest first, following new events
	return p
}

func (p *Audit) row(_ int, r eventRow) components.Row {
	row := components.Row{Cells: []string{r.Time, r.Actor, r.Action, r.Target, r.Outcome, r.Note}}
	if r.Refused {
		s := p.c.Styles.Warn
		row.Style = &s
	}
	return row
}

// Title is the tab's name.
func (p *Audit) Title() string { return "Audit" }

// Update handles the pane's messages and keys.
func (p *Audit) Update(msg tea.Msg) tea.Cmd {
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if r, ok := p.Selected(); ok {
			return p.openEvent(r.Event)
		}
	}
	return cmd
}

// openEvent opens the event whole, its practice named: the name is read
// from the service in a command, not in Update.
func (p *Audit) openEvent(e accounts.Event) tea.Cmd {
	c := p.c
	return common.Cmd(func() tea.Msg {
		practice := ""
		if e.PracticeID != 0 {
			if pr, err := c.Svc.Practice(e.PracticeID); err == nil {
				practice = pr.Name
			}
		}
		return dialog.OpenMsg{Dialog: EventDetails(c, e, practice)}
	})
}

// EventDetails is an audit event shown whole (R29): who, what, on whom, at
// whose request, why, how the caller was verified, who approved, the
// outcome and its link in the chain. practice is the name of the event's
// practice ("" when unknown: its number is shown alone).
func EventDetails(c *common.Common, e accounts.Event, practice string) *dialog.Details {
	s := common.Sanitize
	num := func(n uint64) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprintf("#%d", n)
	}
	verify := ""
	if e.Verification != 0 {
		verify = fmt.Sprintf("#%d %s, %s", e.Verification, s(e.VerifyMethod), s(e.VerifyResult))
	}
	approval := ""
	if e.ApprovedBy != "" {
		approval = s(e.ApprovedBy) + " " + num(e.Approval)
	}
	return dialog.NewDetails(c, "event", fmt.Sprintf("Audit event #%d", e.Seq), []dialog.Field{
		{Label: "Time", Value: common.Stamp(e.Time, c.Loc)},
		{Label: "Actor", Value: s(string(e.ActorKind) + ": " + e.Actor)},
		{Label: "Action", Value: s(e.Action)},
		{Label: "Target", Value: strings.TrimSpace(s(e.Target) + " " + num(e.TargetID))},
		{Label: "Practice", Value: strings.TrimSpace(s(practice) + " " + num(e.PracticeID))},
		{Label: "Requested by", Value: s(e.Requester)},
		{Label: "Reason", Value: s(e.Reason)},
		{Label: "Verified", Value: s(e.VerifiedBy)},
		{Label: "Verification", Value: verify},
		{Label: "Approved by", Value: approval},
		{Label: "Outcome", Value: s(e.Outcome)},
		{Label: "Detail", Value: s(e.Detail)},
		{Label: "Hash", Value: s(e.Hash)},
	})
}

// ShortHelp is the footer's list.
func (p *Audit) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	return []key.Binding{k.Move, k.Filter, eventOpen, k.Help, k.Quit, k.NextTab}
}

// FullHelp is every key that works here.
func (p *Audit) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// Selection is the record actions act on here.
func (p *Audit) Selection() accounts.Target {
	return accounts.Target{}
}

var eventOpen = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "whole event"))
