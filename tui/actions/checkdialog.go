package actions

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/internal/plural"
	"latchkey/tui/common"
)

// CheckDialog follows one caller verification (R41) live: the code the
// caller reads back is typed here; an approval shows whom it waits for and
// updates when they answer; the countdown to its expiry runs every second.
type CheckDialog struct {
	c     *common.Common
	v     accounts.VerificationView
	input textinput.Model
	msg   string // the last answer: a refusal or what happened
	bad   bool
	busy  bool
	// checking: a code read back is with the service; the dialog says so
	// until the answer comes.
	checking bool
	closed   bool
}

// checkedMsg is the answer to a check or a refresh of the verification.
type checkedMsg struct {
	ID  uint64
	V   accounts.VerificationView
	Err error
}

// NewCheckDialog follows verification v.
func NewCheckDialog(c *common.Common, v accounts.VerificationView) *CheckDialog {
	in := textinput.New()
	in.Placeholder = "6 digits"
	in.CharLimit = 12
	in.SetWidth(12)
	d := &CheckDialog{c: c, v: v, input: in}
	return d
}

// ID names the dialog by its verification.
func (d *CheckDialog) ID() string { return fmt.Sprintf("check:%d", d.v.ID) }

// Verification is the check as last seen (tests read it).
func (d *CheckDialog) Verification() accounts.VerificationView { return d.v }

// Init focuses the code field.
func (d *CheckDialog) Init() tea.Cmd { return d.input.Focus() }

func (d *CheckDialog) takesCode() bool {
	return d.v.State == accounts.VerifyStarted && (d.v.Method == accounts.VerifyCode || d.v.Method == accounts.VerifyApp)
}

// Update: enter checks the code typed (or closes once the check is over),
// esc closes (the check stays on record); every tick a pending approval is
// read again.
func (d *CheckDialog) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case checkedMsg:
		if msg.ID != d.v.ID {
			return nil
		}
		d.busy, d.checking = false, false
		if msg.V.ID != 0 {
			d.v = msg.V
		}
		if msg.Err != nil {
			t, body := Explain("Check", msg.Err)
			d.msg, d.bad = t+": "+body, true
			d.input.SetValue("")
		} else if d.v.State == accounts.VerifyPassed {
			d.msg, d.bad = "", false
		}
		return nil
	case common.TickMsg:
		if d.v.State == accounts.VerifyStarted && d.v.Method == accounts.VerifyApproval && !d.busy {
			return d.refresh()
		}
		return nil
	case tea.KeyPressMsg:
		switch msg.String() {
		case "esc", "ctrl+c":
			d.closed = true
			return common.Flash(fmt.Sprintf("Verification #%d stays on record: %s", d.v.ID, d.v.State), false)
		case "n":
			if d.v.State == accounts.VerifyStarted {
				// Another method instead (the text never came, the owner is
				// away): this check stays on record and dies by itself.
				d.closed = true
				return Start(d.c, verifyAnew, accounts.Target{UserID: d.v.UserID})
			}
		case "enter":
			if !d.takesCode() {
				d.closed = true
				return nil
			}
			if d.busy || strings.TrimSpace(d.input.Value()) == "" {
				return nil
			}
			if !common.SixDigits(d.input.Value()) {
				// A slip of the keys (a pane's number, a digit short) is
				// not the caller's wrong code: it spends none of their
				// tries and records nothing.
				d.msg, d.bad = "R23: a code is 6 digits — nothing was checked, no try was spent", true
				d.input.SetValue("")
				return nil
			}
			d.busy, d.checking = true, true
			svc, actor, id, code := d.c.Svc, d.c.Actor(), d.v.ID, d.input.Value()
			return common.Cmd(func() tea.Msg {
				v, err := svc.CheckVerification(actor, id, code)
				return checkedMsg{ID: id, V: v, Err: err}
			})
		}
		if d.takesCode() {
			var cmd tea.Cmd
			d.input, cmd = d.input.Update(msg)
			return cmd
		}
	}
	return nil
}

// refresh reads the verification again (an approver may have answered).
func (d *CheckDialog) refresh() tea.Cmd {
	d.busy = true
	svc, id := d.c.Svc, d.v.ID
	return common.Cmd(func() tea.Msg {
		v, err := svc.Verification(id)
		if err != nil {
			return checkedMsg{ID: id, Err: err}
		}
		return checkedMsg{ID: id, V: v}
	})
}

// Closed reports whether the operator closed it.
func (d *CheckDialog) Closed() bool { return d.closed }

// Whole: the check floats over the detail.
func (d *CheckDialog) Whole() bool { return false }

// SetSize has nothing to fit.
func (d *CheckDialog) SetSize(int, int) {}

// View draws the check: what it is, its state in words, the countdown
// computed now, and the code field while a code is awaited.
func (d *CheckDialog) View(w, _ int) string {
	st, now, v := d.c.Styles, d.c.Now(), d.v
	w = min(w, 70)
	state := v.State
	if (state == accounts.VerifyStarted || state == accounts.VerifyPassed) && !now.Before(v.ExpiresAt) {
		state = accounts.VerifyExpired
	}
	left := common.Countdown(now, v.ExpiresAt)
	var line string
	switch {
	case state == accounts.VerifyStarted && v.Method == accounts.VerifyApproval:
		line = st.Warn.Render("approval pending: waiting for "+common.Sanitize(v.ApproverName)+", "+v.ApproverRole) + " · expires in " + left
	case state == accounts.VerifyStarted && v.Method == accounts.VerifyCode:
		line = st.Warn.Render("code sent by "+v.Channel+" to "+v.SentTo+" (on file)") + " · ask the caller to read it back · expires in " + left
	case state == accounts.VerifyStarted:
		line = st.Warn.Render("ask the caller for the code their authenticator app shows now") + " · expires in " + left
	case state == accounts.VerifyPassed:
		line = st.Operator.Render("PASSED") + fmt.Sprintf(" · good for one action (unlock, reset, permissions, MFA clear) in the next %s", left)
	case state == accounts.VerifyRecorded:
		line = st.Muted.Render("recorded: a knowledge check never counts as verification (R41)")
	default:
		line = st.FlashErr.Render(strings.ToUpper(string(state))) + " · " + common.Sanitize(v.Result) + " · do not act for this caller on it"
	}
	body := []string{
		st.Title.Render(fmt.Sprintf("Caller check #%d · %s", v.ID, common.Sanitize(v.User))), "",
		lipgloss.NewStyle().Width(w - 4).Render(line),
	}
	if d.takesCode() && state == accounts.VerifyStarted {
		field := "Code read back: " + d.input.View()
		if v.AttemptsLeft > 0 {
			field += st.Muted.Render("  (" + plural.Count(v.AttemptsLeft, "attempt") + " left)")
		}
		if d.checking {
			field += st.Muted.Render("  checking…")
		}
		body = append(body, "", field)
	}
	if d.msg != "" {
		style := st.Muted
		if d.bad {
			style = st.FlashErr
		}
		body = append(body, "", style.Width(w-4).Render(d.msg))
	}
	var keys string
	switch {
	case state != accounts.VerifyStarted:
		keys = "enter or esc: close"
	case d.takesCode():
		keys = "enter: check the code · esc: close (the check stays on record, V brings it back) · n: a new check"
	default:
		keys = "enter or esc: close (the check stays on record, V brings it back) · n: a new check"
	}
	body = append(body, "", st.Muted.Width(w-4).Render(keys))
	return st.Dialog.Width(w).Render(strings.Join(body, "\n"))
}

// ShortHelp is the footer's list while the check is open.
func (d *CheckDialog) ShortHelp() []key.Binding { return checkKeys }

// FullHelp is every key of the check.
func (d *CheckDialog) FullHelp() [][]key.Binding { return [][]key.Binding{checkKeys} }

var checkKeys = []key.Binding{
	key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check code / close")),
	key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new check")),
}
