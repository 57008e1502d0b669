package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/mfa"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/forms"
	"latchkey/tui/panes"
)

// The actions of issues 4 and 6 — users come and go, licenses, MFA — as the
// root runs them: a pane asks (StartActionMsg), a command loads what the
// form needs (the user, the practice's people), the form collects the
// request, destructive actions confirm with No focused, a command runs the
// service, and the result or the refusal shows where the operator looks.

// actFlow is the action in progress, if any.
type actFlow struct {
	form    forms.Form
	confirm *components.Confirm
	run     tea.Cmd // what the confirm runs
	what    string  // "Inactivate ana@…", for the cancel line
	qr      *qrData
	retry   forms.Form // a refused form the alert offers to reopen
}

// open reports whether the flow has the keys.
func (f *actFlow) open() bool { return f.form != nil || f.confirm != nil || f.qr != nil }

// body reports whether the flow draws the body (a form).
func (f *actFlow) body() bool { return f.form != nil }

// qrData is the user's side of an app enrolment (demo only, R40).
type qrData struct {
	Login, Name string // sanitised
	QR          string
	Key         string
}

// Messages of the action flow.
type (
	actionDataMsg struct {
		Start     common.StartActionMsg
		User      *accounts.User
		View      accounts.PracticeView
		Practices []accounts.Practice
		Request   *accounts.LicenseRequest
		QR        *accounts.Enrolment
		Err       error
	}
	actionDoneMsg struct {
		Title string // what was tried, for a refusal's title
		OK    string // the flash line on success
		Err   error
		Form  forms.Form // the form that asked, to go back to after a refusal
	}
)

// actUpdate handles the flow's messages; ok reports whether msg was one.
func (m *App) actUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case common.StartActionMsg:
		if m.act.open() {
			return nil, true
		}
		return m.loadAction(msg), true
	case actionDataMsg:
		return m.onActionData(msg), true
	case actionDoneMsg:
		return m.onActionDone(msg), true
	case common.OpenPracticeMsg:
		m.inDetail, m.inPractice = false, true
		m.active = int(common.PanePractices)
		return m.practice.Show(msg.PracticeID), true
	case common.ShowPracticeUsersMsg:
		m.inPractice = false // and the root shows the users (app.go)
	}
	return nil, false
}

// loadAction reads what the action's form needs, in a command.
func (m *App) loadAction(s common.StartActionMsg) tea.Cmd {
	svc := m.c.Svc
	return common.Cmd(func() tea.Msg {
		out := actionDataMsg{Start: s}
		if s.UserID != 0 {
			u, err := svc.User(s.UserID)
			if err != nil {
				out.Err = err
				return out
			}
			out.User, out.Start.PracticeID = &u, u.PracticeID
		}
		switch {
		case s.Action == common.ActShowQR:
			e, err := svc.EnrolmentQR(out.User.Login())
			out.QR, out.Err = &e, err
		case out.Start.PracticeID == 0:
			out.Practices, out.Err = svc.Practices(accounts.PracticeQuery{Limit: 5000})
		default:
			out.View, out.Err = svc.PracticeDetail(out.Start.PracticeID)
		}
		if s.Action == common.ActFulfilLicense && out.Err == nil {
			for _, r := range out.View.Requests {
				if r.ID == s.RequestID {
					out.Request = &r
				}
			}
			if out.Request == nil {
				out.Err = &accounts.NotFoundError{What: "license request", Key: fmt.Sprint(s.RequestID)}
			}
		}
		return out
	})
}

// notNow refuses an action the user's state rules out, before any form.
func (m *App) notNow(rule, text string) tea.Cmd {
	m.refuse("Not possible", &accounts.RuleError{Rule: rule, Msg: text})
	return nil
}

func (m *App) onActionData(d actionDataMsg) tea.Cmd {
	if d.Err != nil {
		m.refuse("Cannot "+string(d.Start.Action), d.Err)
		return nil
	}
	c, u, v := m.c, d.User, d.View
	var login string
	if u != nil {
		login = common.Sanitize(u.Login())
	}
	var f forms.Form
	switch d.Start.Action {
	case common.ActAddUser:
		if d.Start.PracticeID == 0 {
			f = forms.NewPickPractice(c, common.ActAddUser, d.Practices)
		} else {
			f = forms.NewAddUser(c, v)
		}
	case common.ActSendVerify:
		if u.EmailVerified || u.Status == accounts.StatusInactive {
			// The rules say why not (R6 with its guidance, R20): ask the
			// service, which refuses and records the attempt.
			return m.runSendVerify(u.ID, login, "", "", accounts.Request{})
		}
		f = forms.NewSendVerification(c, *u)
	case common.ActInactivate:
		if u.Status == accounts.StatusInactive {
			return m.notNow("R20", login+" is already inactive")
		}
		f = forms.NewInactivate(c, *u, v)
	case common.ActReactivate:
		if u.Status != accounts.StatusInactive {
			return m.notNow("R20", login+" is "+string(u.Status)+", not inactive: nothing to reactivate")
		}
		f = forms.NewReactivate(c, *u, v)
	case common.ActPermissions:
		if u.Status == accounts.StatusInactive {
			return m.notNow("R20", login+" is inactive: reactivate the account first (r)")
		}
		f = forms.NewPermissions(c, *u, v)
	case common.ActReplace:
		if u.Status == accounts.StatusInactive {
			return m.notNow("R10", login+" is already inactive: add the newcomer with a instead")
		}
		f = forms.NewReplace(c, *u, v)
	case common.ActClearMFA:
		if u.MFA.State() == accounts.MFAStateNone {
			return m.notNow("R26", login+" has no MFA to clear")
		}
		f = forms.NewClearMFA(c, *u)
	case common.ActRequireMFA:
		f = forms.NewRequireMFA(c, v)
	case common.ActRequestLicense:
		f = forms.NewRequestLicenses(c, v)
	case common.ActFulfilLicense:
		r := d.Request
		if r.State != accounts.RequestOpen {
			return m.notNow("R2", fmt.Sprintf("license request #%d is already %s", r.ID, r.State))
		}
		name := common.Sanitize(v.Name)
		m.confirmThen(fmt.Sprintf("Fulfil license request #%d?", r.ID),
			fmt.Sprintf("%s: purchased %d → %d (+%d).\nRequested by %s on %s.\nReason: %s\nRecorded as operator %s.",
				name, v.Purchased, v.Purchased+r.Count, r.Count, common.Sanitize(r.Requester),
				common.Stamp(r.CreatedAt, c.Loc), common.Sanitize(r.Reason), common.Sanitize(c.Operator)),
			"Fulfil", false, fmt.Sprintf("Fulfilling request #%d", r.ID), m.runFulfil(r.ID, name))
		return nil
	case common.ActShowQR:
		m.act.qr = &qrData{Login: login, Name: common.Sanitize(u.Name), QR: d.QR.QR, Key: d.QR.ManualKey}
		if !c.Styles.IsDark {
			if light, err := mfa.QRTextLight(d.QR.URI); err == nil {
				m.act.qr.QR = light
			}
		}
		return nil
	default:
		return nil
	}
	m.act.form = f
	f.SetSize(c.Width, c.Height)
	return f.Init()
}

// actFormUpdate feeds the form and, once it is submitted, confirms or runs
// the action; a cancelled form changes nothing.
func (m *App) actFormUpdate(msg tea.Msg) tea.Cmd {
	f := m.act.form
	cmd := f.Update(msg)
	switch {
	case f.Aborted():
		m.act.form = nil
		m.setFlash("Cancelled: nothing was changed", false)
		return nil
	case f.Done():
		m.act.form = nil
		return m.submitted(f)
	}
	return cmd
}

// submitted turns a completed form into the service call, behind a confirm
// with No focused for the destructive ones. The answer carries the form, so
// a refusal can take the operator back to it with what they typed.
func (m *App) submitted(f forms.Form) tea.Cmd {
	if _, pick := f.(*forms.PickPractice); pick {
		return m.submit(f)
	}
	cmd := m.submit(f)
	if m.act.run != nil {
		m.act.run = withForm(m.act.run, f)
	}
	return withForm(cmd, f)
}

// withForm tags an action's answer with the form that asked for it.
func withForm(cmd tea.Cmd, f forms.Form) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if d, ok := msg.(actionDoneMsg); ok {
			d.Form = f
			return d
		}
		return msg
	}
}

func (m *App) submit(f forms.Form) tea.Cmd {
	c, op := m.c, common.Sanitize(m.c.Operator)
	svc, actor := c.Svc, c.Actor()
	switch f := f.(type) {
	case *forms.PickPractice:
		return m.loadAction(common.StartActionMsg{Action: f.Then, PracticeID: f.PracticeID()})
	case *forms.AddUser:
		nu, req, send := f.NewUser(f.PracticeID), f.Request(), f.SendNow()
		title := "Adding " + common.Sanitize(nu.Email)
		return common.Cmd(func() tea.Msg {
			// The user and their setup email land in one transaction (R4).
			var u accounts.User
			var msg accounts.Message
			var err error
			if send {
				u, msg, err = svc.AddUser(actor, nu, req)
			} else {
				u, err = svc.CreateUser(actor, nu, req)
			}
			if err != nil {
				return actionDoneMsg{Title: title, Err: err}
			}
			ok := fmt.Sprintf("Added %s (%s) to %s: pending", common.Sanitize(u.Name), common.Sanitize(u.Login()), f.Practice)
			if msg.ID != 0 {
				ok += fmt.Sprintf("; setup email sent (outbox #%d)", msg.ID)
			} else {
				ok += " · v sends the setup email"
			}
			return actionDoneMsg{OK: ok}
		})
	case *forms.SendVerification:
		email, confirm := f.NewEmail()
		return m.runSendVerify(f.UserID, f.Login, email, confirm, f.Request())
	case *forms.Inactivate:
		req, id := f.Request(), f.UserID
		m.confirmThen("Inactivate "+f.Name+"?",
			fmt.Sprintf("%s will not be able to log in. The license is freed, any live link dies, all history stays (R20).\nRequested by: %s\nReason: %s\nRecorded as operator %s.",
				f.Login, common.Sanitize(req.Requester), common.Sanitize(req.Reason), op),
			"Inactivate", false, "Inactivating "+f.Login, common.Cmd(func() tea.Msg {
				_, err := svc.Inactivate(actor, id, req)
				return done("Inactivation of "+f.Login, err, "Inactivated "+f.Name+" ("+f.Login+"): license freed, live links voided")
			}))
		return nil
	case *forms.Reactivate:
		req, id := f.Request(), f.UserID
		return common.Cmd(func() tea.Msg {
			u, err := svc.Reactivate(actor, id, req)
			return done("Reactivation of "+f.Login, err, "Reactivated "+f.Name+" ("+f.Login+"): back as "+string(u.Status)+", one license taken")
		})
	case *forms.Permissions:
		req, id, roles := f.Request(), f.UserID, f.Roles()
		return common.Cmd(func() tea.Msg {
			_, err := svc.SetRoles(actor, id, roles, req)
			return done("Permission change of "+f.Login, err, "Permissions of "+f.Name+": "+f.Current.String()+" → "+roles.String())
		})
	case *forms.Replace:
		nu, req, id := f.NewUser(f.PracticeID), f.Request(), f.LeaverID
		m.confirmThen("Replace "+f.Leaver+"?",
			fmt.Sprintf("%s (%s) is inactivated and %s <%s> is added in their place, the license passing to them (R10).\nRequested by: %s\nReason: %s\nRecorded as operator %s.",
				f.Leaver, f.LeaverLog, common.Sanitize(nu.Name), common.Sanitize(nu.Email),
				common.Sanitize(req.Requester), common.Sanitize(req.Reason), op),
			"Replace", false, "Replacing "+f.LeaverLog, common.Cmd(func() tea.Msg {
				_, n, err := svc.Replace(actor, id, nu, req)
				return done("Replacement of "+f.LeaverLog, err, "Replaced "+f.Leaver+" by "+common.Sanitize(n.Name)+
					" ("+common.Sanitize(n.Login())+", pending): v sends their setup email")
			}))
		return nil
	case *forms.ClearMFA:
		check, note, reason := f.Record()
		id := f.UserID
		m.confirmThen("CLEAR the MFA of "+f.Name+"?",
			fmt.Sprintf("%s (%s) will log in with the password alone until they set up a new method.\nIdentity verified by: %s — %s\nReason: %s\nThe user is told on their login email. Recorded as operator %s (R26).",
				f.Login, f.Method, check, common.Sanitize(note), common.Sanitize(reason), op),
			"Clear MFA", true, "Clearing the MFA of "+f.Login, common.Cmd(func() tea.Msg {
				// R41: the operator's passed check of this caller, if any, goes with the clear.
				pv, _, _ := svc.PassedVerification(actor.Name, id)
				r, err := svc.ClearMFAVerified(actor, id, accounts.ClearMFARequest{Verification: pv.ID, Check: check, Note: note, Reason: reason})
				if err == nil && r.Pending != nil {
					return done("MFA clear of "+f.Login, nil, fmt.Sprintf("Not cleared yet: request #%d waits for a second operator (four eyes, R42)", r.Pending.ID))
				}
				return done("MFA clear of "+f.Login, err, "Cleared the MFA of "+f.Name+" ("+f.Login+"); the notice is in the outbox")
			}))
		return nil
	case *forms.RequireMFA:
		req, id, on := f.Request(), f.PracticeID, f.On
		state := "OFF: MFA becomes optional"
		if on {
			state = "ON: every user must use MFA"
		}
		title := "Stop requiring MFA at " + f.Practice + "?"
		if on {
			title = "Require MFA at " + f.Practice + "?"
		}
		m.confirmThen(title,
			fmt.Sprintf("%s — the requirement turns %s (R24).\nRequested by: %s\nReason: %s\nRecorded as operator %s.",
				f.Practice, state, common.Sanitize(req.Requester), common.Sanitize(req.Reason), op),
			"Yes, turn it "+onOff(on), false, "The MFA requirement of "+f.Practice, common.Cmd(func() tea.Msg {
				_, err := svc.RequireMFA(actor, id, on, req)
				return done("MFA requirement of "+f.Practice, err, "MFA requirement of "+f.Practice+" is now "+onOff(on))
			}))
		return nil
	case *forms.RequestLicenses:
		req, id, n := f.Request(), f.PracticeID, f.Count()
		return common.Cmd(func() tea.Msg {
			lr, err := svc.RequestLicenses(actor, id, n, req)
			return done("License request for "+f.Practice, err,
				fmt.Sprintf("Recorded license request #%d: %d more for %s, requested by %s · F fulfils it", lr.ID, n, f.Practice, common.Sanitize(req.Requester)))
		})
	}
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// done is an action's answer: the refusal, or the flash line.
func done(title string, err error, ok string) tea.Msg {
	if err != nil {
		return actionDoneMsg{Title: title, Err: err}
	}
	return actionDoneMsg{OK: ok}
}

func (m *App) runSendVerify(id uint64, login, email, confirm string, req accounts.Request) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		u, msg, err := svc.SendVerification(actor, id, email, confirm, req)
		return done("Verification email for "+login, err,
			fmt.Sprintf("Setup email sent to %s (outbox #%d); any earlier link is superseded", common.Sanitize(u.Email), msg.ID))
	})
}

func (m *App) runFulfil(id uint64, practice string) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		lr, p, err := svc.FulfilLicenses(actor, id, accounts.Request{Reason: "fulfilled from the console"})
		return done(fmt.Sprintf("Fulfilling request #%d", id), err,
			fmt.Sprintf("Fulfilled request #%d: %s now has %d licenses (+%d)", lr.ID, practice, p.Purchased, lr.Count))
	})
}

// confirmThen asks before a destructive action, with No focused.
func (m *App) confirmThen(title, body, yes string, loud bool, what string, run tea.Cmd) {
	d := components.NewConfirm(m.c, title, body, yes)
	d.Loud = loud
	m.act.confirm, m.act.run, m.act.what = &d, run, what
}

// alertKey handles a key while an alert is open: enter, esc, space or q
// close it; after a refused form, enter goes back to the form.
func (m *App) alertKey(msg tea.KeyPressMsg) tea.Cmd {
	retry := m.act.retry
	if !m.alert.Retry {
		retry = nil // another alert took its place
	}
	switch msg.String() {
	case "enter":
		m.alert, m.act.retry = nil, nil
		if retry != nil {
			m.act.form = retry
			retry.SetSize(m.c.Width, m.c.Height)
			m.setFlash("Back to the form: correct what was refused and submit again", false)
			return retry.Reopen()
		}
	case "esc", "space", "q":
		m.alert, m.act.retry = nil, nil
		if retry != nil {
			m.setFlash("Dropped: nothing was changed", false)
		}
	}
	return nil
}

// actKey handles keys while the flow is open.
func (m *App) actKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.act.qr != nil:
		switch msg.String() {
		case "esc", "enter", "q", "Q", "space":
			m.act.qr = nil
		}
		return nil
	case m.act.confirm != nil:
		done, yes := m.act.confirm.Update(msg)
		if !done {
			return nil
		}
		run, what := m.act.run, m.act.what
		m.act.confirm, m.act.run = nil, nil
		if !yes {
			m.setFlash(what+" cancelled: nothing was changed", false)
			return nil
		}
		return run
	}
	return m.actFormUpdate(msg)
}

// onActionDone shows the result or the refusal and reloads what changed.
func (m *App) onActionDone(msg actionDoneMsg) tea.Cmd {
	if msg.Err != nil {
		m.refuse(msg.Title+" refused", msg.Err)
		// Back to the form with what was typed, unless something else has
		// been opened meanwhile.
		if msg.Form != nil && !m.act.open() && !m.pw.open() && m.form == nil && m.confirm == nil {
			m.alert.Retry, m.act.retry = true, msg.Form
		}
	} else {
		m.setFlash(msg.OK, false)
	}
	return m.reloadAll()
}

// reloadAll refreshes every pane after an action: counts, people, links and
// the audit trail may all have changed.
func (m *App) reloadAll() tea.Cmd {
	cmds := []tea.Cmd{m.statsCmd(), m.detail.Reload(), m.practice.Reload()}
	for _, p := range m.tabs {
		cmds = append(cmds, p.Reload())
	}
	return tea.Batch(cmds...)
}

// actKeyMap is what the footer lists while the flow is open.
func (m *App) actKeyMap() help.KeyMap {
	switch {
	case m.act.qr != nil:
		return qrKeys{}
	case m.act.confirm != nil:
		return m.act.confirm
	}
	return m.act.form
}

type qrKeys struct{}

var qrClose = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/enter", "close"))

func (qrKeys) ShortHelp() []key.Binding  { return []key.Binding{qrClose} }
func (qrKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{qrClose}} }

// qrScreen is the user's side of an app enrolment (R21, R40): the QR code
// the user would scan, beside the manual key. It takes the whole screen so
// the code fits 80x24; a smaller terminal gets the manual key only.
func (m *App) qrScreen() string {
	st, q, w, h := m.c.Styles, m.act.qr, m.c.Width, m.c.Height
	qrLines := strings.Split(q.QR, "\n")
	qrW, qrH := 0, len(qrLines)
	for _, l := range qrLines {
		qrW = max(qrW, lipgloss.Width(l))
	}
	textW := 30
	text := []string{
		st.Title.Render("Authenticator app set-up"),
		st.Muted.Render("the user's side · demo only (R40)"),
		"",
		q.Name,
		st.Muted.Render(q.Login),
		"",
		"Scan the code with the app,",
		"or type this key by hand:",
		"",
	}
	keyLines := lipgloss.NewStyle().Width(textW).Render(st.Title.Render(q.Key))
	text = append(text, strings.Split(keyLines, "\n")...)
	text = append(text, "",
		st.Muted.Render("TOTP · 30 s · 6 digits · SHA-1"),
		st.Muted.Render("The app's first code confirms"),
		st.Muted.Render("the enrolment (R22)."),
		"",
		st.Muted.Render("esc or enter closes"))
	if w >= qrW+2+textW && h >= qrH {
		right := lipgloss.NewStyle().Width(textW).Render(strings.Join(text, "\n"))
		screen := lipgloss.JoinHorizontal(lipgloss.Top, q.QR, "  ", right)
		return lipgloss.NewStyle().Height(h).MaxHeight(h).Render(screen)
	}
	// Too small for the code: say so, and show the key alone.
	small := append([]string{
		st.FlashErr.Render(components.Fit(fmt.Sprintf("The QR code needs %dx%d; this terminal is %dx%d.", qrW+2+textW, qrH, w, h), w)),
		st.Muted.Render(components.Fit("Enlarge the window to see it; the manual key works as well:", w)),
		"",
	}, text...)
	for i, l := range small {
		small[i] = components.Fit(l, w)
	}
	return lipgloss.NewStyle().Height(h).MaxHeight(h).Render(strings.Join(small, "\n"))
}

// InPractice reports whether the practice detail is showing.
func (m *App) InPractice() bool { return m.inPractice }

// Practice is the practice detail pane.
func (m *App) Practice() *panes.Practice { return m.practice }

// Outbox is the outbox pane.
func (m *App) Outbox() *panes.Outbox { return m.outbox }

// ActionForm is the action form open, if any (tests read its fields).
func (m *App) ActionForm() forms.Form { return m.act.form }
