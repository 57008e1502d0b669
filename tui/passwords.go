package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/accounts"
	"latchkey/printout"
	"latchkey/tui/common"
	"latchkey/tui/components"
	"latchkey/tui/forms"
)

// pwFlow is the state of the password flows (issue 5): the reset email for
// a user without a verified login email (R17), and the patient-portal reset
// that ends on the credentials document (R28). At most one thing is open.
type pwFlow struct {
	docsDir string // where credentials documents go ("" = the default)

	userForm   *forms.UserReset
	portalForm *forms.PortalReset
	confirm    *components.Confirm
	user       *pendingUserReset
	portal     *pendingPortalReset
	doc        *credentialsDoc
}

// pendingUserReset is a reset email the form collected, awaiting confirmation.
type pendingUserReset struct {
	UserID      uint64
	Login, Name string // sanitised
	Req         accounts.Request
}

// pendingPortalReset is a portal reset awaiting confirmation. designated is
// the operator's password ("" to generate one); it lives only until the
// command that sends it to the service is made.
type pendingPortalReset struct {
	PatientID             uint64
	Login, Name, Practice string // sanitised
	designated            string
	Req                   accounts.Request
}

// credentialsDoc is the preview of a credentials document after a portal
// reset: the only place the temporary password is ever drawn (R28).
type credentialsDoc struct {
	Creds  printout.Credentials
	Path   string // the PDF written, "" if it could not be
	Shown  string // the path as drawn: ~ for the home directory
	PDFErr error
	Login  string // sanitised
}

// Messages of the password flows' commands.
type (
	userResetMsg struct {
		P   pendingUserReset
		To  string // where the reset email went
		Err error
	}
	portalResetMsg struct {
		P     pendingPortalReset // with no password in it
		Creds printout.Credentials
		Path  string
		Shown string
		PDF   error
		Err   error
	}
)

// open reports whether a password form, confirm or preview is showing.
func (f *pwFlow) open() bool {
	return f.userForm != nil || f.portalForm != nil || f.confirm != nil || f.doc != nil
}

// body reports whether the flow draws the body (a form or the preview).
func (f *pwFlow) body() bool { return f.userForm != nil || f.portalForm != nil || f.doc != nil }

// pwForm is what the flows need of their forms.
type pwForm interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	Done() bool
	Aborted() bool
}

// form is the open password form, if any.
func (f *pwFlow) form() pwForm {
	switch {
	case f.userForm != nil:
		return f.userForm
	case f.portalForm != nil:
		return f.portalForm
	}
	return nil
}

// state names what is open, for tests: "user form", "portal form",
// "confirm", "preview" or "".
func (f *pwFlow) state() string {
	switch {
	case f.userForm != nil:
		return "user form"
	case f.portalForm != nil:
		return "portal form"
	case f.confirm != nil:
		return "confirm"
	case f.doc != nil:
		return "preview"
	}
	return ""
}

func (f *pwFlow) setSize(w, h int) {
	if fm := f.form(); fm != nil {
		fm.SetSize(w, h)
	}
}

// PasswordFlow names what the password flows have open (tests read it).
func (m *App) PasswordFlow() string { return m.pw.state() }

// pwUpdate handles the messages of the password flows; ok reports whether
// msg was one of them.
func (m *App) pwUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case common.StartUserResetMsg:
		return m.startUserReset(msg), true
	case common.StartPortalResetMsg:
		m.pw.doc = nil
		m.pw.portalForm = forms.NewPortalReset(m.c, msg.PatientID, msg.Login, msg.Name, msg.Practice)
		return m.pw.portalForm.Init(), true
	case userResetMsg:
		return m.onUserReset(msg), true
	case portalResetMsg:
		return m.onPortalReset(msg), true
	}
	return nil, false
}

// startUserReset starts the right reset for a user (R16, R17): the desk
// never resets a verified user's password, so they get the self-service
// guidance and no form; the others get the reset-email form.
func (m *App) startUserReset(msg common.StartUserResetMsg) tea.Cmd {
	var title, body string
	switch {
	case msg.EmailVerified && !msg.Legacy:
		ttl := m.c.Svc.Config().ResetLinkTTL
		title = "R16: " + msg.Name + " resets their own password"
		body = fmt.Sprintf("%s has a verified login email, so the desk does not reset this password.\n\n"+
			"Ask them to use \"Forgot your password?\" on the login page: a single-use link goes to their own "+
			"email and works for %s. Nothing was sent.", msg.Login, minutes(ttl))
		m.setFlash("No reset sent: "+msg.Login+" uses \"Forgot your password?\" on the login page (R16)", false)
	case msg.Status == string(accounts.StatusInactive):
		title = "R20: " + msg.Name + " is inactive"
		body = msg.Login + " cannot log in, so no reset is sent.\n\nReactivate the account first."
		m.setFlash("No reset sent: "+msg.Login+" is inactive (R20)", true)
	case msg.Status == string(accounts.StatusPending) && !msg.Legacy:
		title = "R4: " + msg.Name + " has not set up the account yet"
		body = msg.Login + " has no password to reset yet.\n\nSend the account-setup email again (Send Verification) instead."
		m.setFlash("No reset sent: "+msg.Login+" has not set up the account (R4)", true)
	default:
		m.pw.userForm = forms.NewUserReset(m.c, msg.UserID, msg.Login, msg.Name, msg.Legacy)
		return m.pw.userForm.Init()
	}
	a := components.NewAlert(m.c, title, body, false)
	m.alert = &a
	return nil
}

// minutes says a link's lifetime as a caller would hear it: "60 minutes".
func minutes(d time.Duration) string {
	if d%time.Minute == 0 && d <= 3*time.Hour {
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return shortDur(d)
}

// pwKey handles a key while a password form, confirm or preview is open.
func (m *App) pwKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.pw.confirm != nil:
		done, yes := m.pw.confirm.Update(msg)
		if !done {
			return nil
		}
		m.pw.confirm = nil
		u, p := m.pw.user, m.pw.portal
		m.pw.user, m.pw.portal = nil, nil
		switch {
		case !yes:
			m.setFlash("Reset cancelled: nothing was changed", false)
			return nil
		case u != nil:
			return m.userResetCmd(*u)
		case p != nil:
			return m.portalResetCmd(*p)
		}
		return nil
	case m.pw.form() != nil:
		return m.pwFormUpdate(msg)
	case m.pw.doc != nil:
		if key.Matches(msg, docClose) {
			m.pw.doc = nil
		}
		return nil
	}
	return nil
}

var docClose = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close the document"))

// pwFormUpdate feeds the open form and, once it is submitted, asks for
// confirmation with No focused; a cancelled form changes nothing.
func (m *App) pwFormUpdate(msg tea.Msg) tea.Cmd {
	f := m.pw.form()
	cmd := f.Update(msg)
	switch {
	case f.Aborted():
		m.pw.userForm, m.pw.portalForm = nil, nil
		m.setFlash("Reset cancelled: nothing was changed", false)
		return nil
	case !f.Done():
		return cmd
	}
	op := common.Sanitize(m.c.Operator)
	var d components.Confirm
	if uf := m.pw.userForm; uf != nil {
		m.pw.userForm = nil
		req := uf.Request()
		m.pw.user = &pendingUserReset{UserID: uf.UserID, Login: uf.Login, Name: uf.Name, Req: req}
		d = components.NewConfirm(m.c, "Send a password reset email to "+uf.Name+"?",
			fmt.Sprintf("A single-use reset link goes to the email on file for %s; they choose the new password themselves (R17).\nReason: %s\nVerified: %s\nRecorded as operator %s.",
				uf.Login, common.Sanitize(req.Reason), common.Sanitize(req.VerifiedBy), op),
			"Send reset")
	} else {
		pf := m.pw.portalForm
		m.pw.portalForm = nil
		req := pf.Request()
		m.pw.portal = &pendingPortalReset{PatientID: pf.PatientID, Login: pf.Login, Name: pf.Name,
			Practice: pf.Practice, designated: pf.Designated(), Req: req}
		how := "a generated temporary password"
		if !pf.Generate() {
			how = "the temporary password you designated"
		}
		d = components.NewConfirm(m.c, "Reset the portal password of "+pf.Name+"?",
			fmt.Sprintf("%s at %s gets %s and must change it at the next login (R28). It is emailed to the contact email on file, if any, and a credentials document is written.\nReason: %s\nVerified: %s\nRecorded as operator %s.",
				pf.Login, pf.Practice, how, common.Sanitize(req.Reason), common.Sanitize(req.VerifiedBy), op),
			"Reset")
	}
	m.pw.confirm = &d
	return nil
}

// userResetCmd sends the reset email through the service under the
// operator's name (R17).
func (m *App) userResetCmd(p pendingUserReset) tea.Cmd {
	svc, actor := m.c.Svc, m.c.Actor()
	return common.Cmd(func() tea.Msg {
		msg, err := svc.SendPasswordReset(actor, p.UserID, p.Req)
		return userResetMsg{P: p, To: msg.To, Err: err}
	})
}

func (m *App) onUserReset(msg userResetMsg) tea.Cmd {
	if msg.Err != nil {
		m.refuse("Reset for "+msg.P.Login+" refused", msg.Err)
	} else {
		m.setFlash(fmt.Sprintf("Reset email for %s sent to %s, the email on file; the link works once, for %s. Recorded as operator %s",
			msg.P.Login, common.Sanitize(msg.To), minutes(m.c.Svc.Config().ResetLinkTTL), common.Sanitize(m.c.Operator)), false)
	}
	return tea.Batch(m.statsCmd(), m.refreshLive())
}

// portalResetCmd resets the portal password through the service under the
// operator's name (R28) and writes the credentials document as a PDF.
func (m *App) portalResetCmd(p pendingPortalReset) tea.Cmd {
	svc, actor, dir := m.c.Svc, m.c.Actor(), m.pw.docsDir
	designated := p.designated
	p.designated = ""
	return common.Cmd(func() tea.Msg {
		res, err := svc.ResetPatientPassword(actor, p.PatientID, designated, p.Req)
		if err != nil {
			return portalResetMsg{P: p, Err: err}
		}
		creds := printout.Credentials{
			Practice: res.Practice.Name, Patient: res.Patient.Name, Login: res.Patient.Login,
			TemporaryPassword: res.TemporaryPassword, EmailedTo: res.EmailedTo,
			IssuedBy: res.IssuedBy, IssuedAt: res.IssuedAt, MustChange: res.MustChange,
		}
		path, perr := writeCredentials(dir, creds)
		return portalResetMsg{P: p, Creds: creds, Path: path, Shown: homeTilde(path), PDF: perr}
	})
}

func (m *App) onPortalReset(msg portalResetMsg) tea.Cmd {
	if msg.Err != nil {
		m.refuse("Portal reset for "+msg.P.Login+" refused", msg.Err)
		return nil
	}
	m.pw.doc = &credentialsDoc{Creds: msg.Creds, Path: msg.Path, Shown: msg.Shown, PDFErr: msg.PDF, Login: msg.P.Login}
	if msg.PDF != nil {
		m.setFlash("Portal password of "+msg.P.Login+" reset, but the PDF could not be written: "+
			common.Sanitize(msg.PDF.Error())+" · print this screen instead", true)
	} else {
		m.setFlash("Portal password of "+msg.P.Login+" reset · credentials document "+common.Sanitize(msg.Shown), false)
	}
	return tea.Batch(m.statsCmd(), m.patients.Reload())
}

// credentialsDir is where credentials documents go: dir if set, else
// $XDG_DATA_HOME/latchkey/credentials, else
// ~/.local/share/latchkey/credentials; created readable by its owner only.
func credentialsDir(dir string) (string, error) {
	if dir == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("no directory for credentials documents: %w", err)
			}
			base = filepath.Join(home, ".local", "share")
		}
		dir = filepath.Join(base, "latchkey", "credentials")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// writeCredentials writes the document to a new file named for the practice,
// the patient's login and the time (no spaces), 0600; a name already taken
// gets a counter, never an overwrite.
func writeCredentials(dir string, c printout.Credentials) (string, error) {
	dir, err := credentialsDir(dir)
	if err != nil {
		return "", err
	}
	stem := slug(c.Practice) + "_" + slug(c.Login) + "_" + c.IssuedAt.UTC().Format("20060102-150405")
	for i := 1; i < 100; i++ {
		name := stem + ".pdf"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.pdf", stem, i)
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		if err := printout.WritePDFFile(path, c); err != nil {
			return "", err
		}
		return path, nil
	}
	return "", errors.New("too many credentials documents with the name " + stem)
}

// homeTilde shortens a path under the home directory to ~/…, as drawn.
func homeTilde(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return "~" + string(filepath.Separator) + rel
	}
	return path
}

// slug keeps letters, digits, dots and dashes of s (lower case); every other
// run of characters becomes one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		return "x"
	}
	return out[:min(len(out), 40)]
}

// pwView draws the open form or the credentials document.
func (m *App) pwView() string {
	if f := m.pw.form(); f != nil {
		return f.View()
	}
	if m.pw.doc != nil {
		return m.docView(*m.pw.doc)
	}
	return ""
}

// docView draws the credentials document as it will print (R28), the only
// place the temporary password is ever drawn, with where the PDF went.
func (m *App) docView(d credentialsDoc) string {
	st, w := m.c.Styles, m.c.Width
	head := st.Title.Render("Credentials document for "+d.Login) + st.Muted.Render(" · hand it to the patient · esc closes")
	where := st.Flash.Render("PDF ") + common.Sanitize(d.Shown)
	if note := " (readable by you only)"; lipgloss.Width(where)+len(note) <= w {
		where += st.Muted.Render(note)
	}
	if d.PDFErr != nil {
		where = st.FlashErr.Render("PDF not written: " + common.Sanitize(d.PDFErr.Error()) + " · print this screen instead")
	}
	lines := []string{components.Fit(head, w), components.Fit(where, w)}
	boxed := m.c.Height >= 30 // room for a border around the document
	inner := w
	if boxed {
		inner = w - 4
	}
	pwLines := false
	var doc []string
	for i, l := range strings.Split(printout.Preview(d.Creds, inner), "\n") {
		l = common.Sanitize(l)
		style := st.Value
		switch {
		case i == 0:
			style = st.Title
		case l == "Temporary password":
			style, pwLines = st.Label, true
		case pwLines && strings.HasPrefix(l, "  ") && !strings.Contains(l, "characters"):
			style = st.Brand
		default:
			pwLines = false
		}
		doc = append(doc, components.Fit(style.Render(l), inner))
	}
	body := strings.Join(doc, "\n")
	if boxed {
		body = st.Dialog.Width(w).Render(body)
	} else {
		lines = append(lines, components.Rule(m.c))
	}
	return strings.Join(lines, "\n") + "\n" + body
}

// pwKeyMap is the footer's list while a password form, confirm or preview is open.
func (m *App) pwKeyMap() help.KeyMap {
	switch {
	case m.pw.confirm != nil:
		return m.pw.confirm
	case m.pw.form() != nil:
		return m.pw.form()
	}
	return docKeys{}
}

type docKeys struct{}

func (docKeys) ShortHelp() []key.Binding  { return []key.Binding{docClose} }
func (docKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{docClose}} }
