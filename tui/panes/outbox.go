package panes

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/components"
)

// messageRow is a message as the list draws it (strings sanitised, R38).
type messageRow struct {
	ID      uint64
	Time    time.Time
	Kind    string
	To      string
	Subject string
	Cause   string
	Link    bool
}

func toMessageRow(m accounts.Message) messageRow {
	subject := m.Subject
	if subject == "" {
		// A text message has no subject, and its body carries a code: the
		// list does not repeat it (R30); enter shows the whole message.
		subject = "(text message · enter to read)"
	}
	return messageRow{ID: m.ID, Time: m.Time, Kind: string(m.Kind), To: common.Sanitize(m.To),
		Subject: common.Sanitize(subject), Cause: common.Sanitize(m.Cause), Link: m.LinkID != 0}
}

// messageData is one whole message as the detail draws it: the body split
// into lines, each sanitised (R38), and its link's state now.
type messageData struct {
	ID                      uint64
	Kind, To, Subject, Body string
	Cause                   string
	UserID                  uint64
	Time                    time.Time
	Link                    *accounts.Link
	Masked                  bool // the service masked its secrets (not a demo, R30)
}

// Outbox lists every email and text message, newest first (R30); the
// filter matches recipient, subject, kind or cause; enter shows the whole
// message and, for a message with a link, the link's state now.
type Outbox struct {
	*list[messageRow]
	open    *messageData // the message shown, nil for the list
	openID  uint64
	openReq int // request number of the message query (the list has its own)
	openErr error
}

// NewOutbox returns the outbox pane.
func NewOutbox(c *common.Common) *Outbox {
	p := &Outbox{}
	fetch := func(_ any, q string, _ int, last *messageRow, limit int) ([]messageRow, error) {
		oq := accounts.OutboxQuery{Limit: limit}
		if last != nil {
			oq.Before = last.ID
		}
		ms, err := c.Svc.OutboxSearch(oq, q)
		out := make([]messageRow, len(ms))
		for i, m := range ms {
			out[i] = toMessageRow(m)
		}
		return out, err
	}
	p.list = newList(c, common.PaneOutbox, "messages", 200, fetch, p.row,
		components.Column{Title: "#", Width: 5, Right: true},
		components.Column{Title: "Sent", Width: 14},
		components.Column{Title: "Kind", Width: 5},
		components.Column{Title: "To", Width: 20, Flex: true, Max: 40},
		components.Column{Title: "Subject", Width: 22, Flex: true, Max: 60},
		components.Column{Title: "Cause", Width: 20, Drop: 1},
		components.Column{Title: "Link", Width: 4, Drop: 2},
	)
	p.follow = true // newest first, following new messages
	return p
}

func (p *Outbox) row(_ int, m messageRow) components.Row {
	link := ""
	if m.Link {
		link = "yes"
	}
	return components.Row{Cells: []string{strconv.FormatUint(m.ID, 10), m.Time.In(p.c.Loc).Format("01-02 15:04:05"),
		m.Kind, m.To, m.Subject, m.Cause, link}}
}

// Title is the tab's name.
func (p *Outbox) Title() string { return "Outbox" }

// Showing is the id of the message open, 0 for the list.
func (p *Outbox) Showing() uint64 {
	if p.open == nil && p.openErr == nil {
		return 0
	}
	return p.openID
}

// Message is the message open (tests read its link state).
func (p *Outbox) Message() (link accounts.LinkState, ok bool) {
	if p.open == nil || p.open.Link == nil {
		return "", false
	}
	return p.open.Link.State, true
}

// show asks for one message and its link's state now.
func (p *Outbox) show(id uint64) tea.Cmd {
	p.openReq++
	p.openID, p.openErr = id, nil
	if p.open != nil && p.open.ID != id {
		p.open = nil
	}
	req, svc := p.openReq, p.c.Svc
	return common.Query(p.id, req, func() (any, error) {
		mv, err := svc.Message(id)
		if err != nil {
			return (*messageData)(nil), err // typed, so the answer is known for the message's
		}
		return &messageData{ID: mv.ID, Kind: string(mv.Kind), To: common.Sanitize(mv.To), Subject: common.Sanitize(mv.Subject),
			Body: sanitizeLines(mv.Body), Cause: common.Sanitize(mv.Cause), UserID: mv.UserID, Time: mv.Time, Link: mv.Link, Masked: mv.Masked}, nil
	})
}

// sanitizeLines keeps a body's line breaks and makes each line safe (R38).
func sanitizeLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = common.Sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// Reload refreshes the list and the message open.
func (p *Outbox) Reload() tea.Cmd {
	cmd := p.list.Reload()
	if p.openID != 0 && (p.open != nil || p.openErr != nil) {
		cmd = tea.Batch(cmd, p.show(p.openID))
	}
	return cmd
}

// Back closes the message, then clears the filter.
func (p *Outbox) Back() (bool, tea.Cmd) {
	if p.open != nil || p.openErr != nil {
		p.open, p.openErr, p.openID = nil, nil, 0
		p.openReq++ // an answer on its way is stale now
		return true, nil
	}
	return p.list.Back()
}

// Capturing: the filter takes keys while it is focused (not over a message).
func (p *Outbox) Capturing() bool { return p.open == nil && p.list.Capturing() }

// Update handles the pane's messages and keys.
func (p *Outbox) Update(msg tea.Msg) tea.Cmd {
	if dm, ok := msg.(common.DataMsg); ok {
		if md, isMsg := dm.Data.(*messageData); isMsg {
			if dm.Req != p.openReq {
				return nil // stale: another message was opened, or it was closed
			}
			p.openErr = dm.Err
			if md != nil {
				p.open = md
			}
			return nil
		}
	}
	if p.open != nil || p.openErr != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
			return p.show(p.openID) // enter again: the link's state now
		}
		if _, ok := msg.(tea.KeyPressMsg); ok {
			return nil
		}
	}
	cmd, handled := p.list.Update(msg)
	if handled {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.c.Keys.Open) {
		if r, ok := p.Selected(); ok {
			return p.show(r.ID)
		}
	}
	return cmd
}

// View draws the list, or the message open.
func (p *Outbox) View() string {
	if p.open == nil && p.openErr == nil {
		if p.openID != 0 {
			return p.c.Styles.Muted.Render("loading message #" + strconv.FormatUint(p.openID, 10) + "…")
		}
		return p.list.View()
	}
	st := p.c.Styles
	if p.openErr != nil {
		return st.FlashErr.Render(components.Fit("could not load message #"+strconv.FormatUint(p.openID, 10)+": "+
			common.Sanitize(p.openErr.Error()), p.width)) + "\n" + st.Muted.Render("esc back to the outbox")
	}
	m, w := p.open, max(p.width, 20)
	var lines []string
	field := func(label, value string) {
		lines = append(lines, components.Fit(st.Label.Render(fmt.Sprintf("%-9s", label))+value, w))
	}
	lines = append(lines, components.Fit(st.Title.Render(fmt.Sprintf("Message #%d", m.ID))+st.Muted.Render("  ("+m.Kind+")"), w))
	field("To", m.To)
	field("Sent", common.Stamp(m.Time, p.c.Loc))
	if m.Subject != "" {
		field("Subject", m.Subject)
	}
	cause := m.Cause
	if m.UserID != 0 {
		cause += st.Muted.Render(fmt.Sprintf("  (about user #%d)", m.UserID))
	}
	field("Cause", cause)
	if m.Masked {
		field("Secrets", st.Muted.Render("masked (R30): only the recipient's copy carries links and codes"))
	}
	if l := m.Link; l != nil {
		state, times := linkState(st, *l, p.c.Loc)
		field("Link", state)
		field("", times)
	}
	lines = append(lines, st.Muted.Render(strings.Repeat("─", min(w, 72))))
	body := lipgloss.NewStyle().Width(min(w, 76)).Render(m.Body)
	lines = append(lines, strings.Split(body, "\n")...)
	if len(lines) > p.height {
		lines = append(lines[:max(p.height-1, 1)], st.Muted.Render("… (the rest does not fit: a taller window shows it)"))
	}
	return strings.Join(lines, "\n")
}

// linkState is a link's state now, in words and not colour alone: LIVE,
// USED, SUPERSEDED, VOIDED or EXPIRED, with when it was sent and ended.
func linkState(st *common.Styles, l accounts.Link, loc *time.Location) (state, times string) {
	word := strings.ToUpper(string(l.State))
	state = fmt.Sprintf("#%d %s link — ", l.ID, l.Purpose)
	if l.State == accounts.LinkLive {
		state += st.Flash.Render(word) + " (works once)"
	} else {
		state += st.Warn.Render(word) + " (dead: no longer works)"
	}
	times = "sent " + common.Stamp(l.IssuedAt, loc)
	switch {
	case !l.EndedAt.IsZero():
		times += " · ended " + common.Stamp(l.EndedAt, loc)
	case !l.ExpiresAt.IsZero():
		times += " · expires " + common.Stamp(l.ExpiresAt, loc)
	default:
		times += " · no expiry (R5)"
	}
	return state, times
}

var (
	openMessage  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read message"))
	closeMessage = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the list"))
	refreshMsg   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "refresh link state"))
)

// ShortHelp is the footer's list.
func (p *Outbox) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.open != nil || p.openErr != nil {
		return []key.Binding{closeMessage, refreshMsg, k.Help, k.Quit, k.NextTab}
	}
	if p.Capturing() {
		return []key.Binding{filterDone, k.Back}
	}
	return []key.Binding{k.Move, k.Filter, openMessage, k.Help, k.Quit, k.NextTab}
}

// FullHelp is every key that works here.
func (p *Outbox) FullHelp() [][]key.Binding { return fullHelp(p.c, p.ShortHelp()) }

// SetCursor selects row i of the list.
func (p *Outbox) SetCursor(i int) { p.table.SetCursor(i) }

// Selection is the record actions act on here.
func (p *Outbox) Selection() accounts.Target {
	return accounts.Target{}
}
