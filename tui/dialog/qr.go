package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"latchkey/tui/common"
	"latchkey/tui/components"
)

// Screen is a dialog that takes the whole screen, header and footer too.
type Screen interface{ FullScreen() bool }

// QR is the user's side of an app enrolment (R21, R40, demo only): the code
// the user would scan, beside the manual key. It takes the whole screen so
// the code fits 80x24; a smaller terminal gets the manual key alone.
type QR struct {
	c           *common.Common
	Login, Name string // sanitised
	Code        string // the QR as half blocks
	Key         string
	closed      bool
}

// NewQR returns the enrolment screen.
func NewQR(c *common.Common, login, name, code, manualKey string) *QR {
	return &QR{c: c, Login: login, Name: name, Code: code, Key: manualKey}
}

func (q *QR) ID() string       { return "qr" }
func (q *QR) Init() tea.Cmd    { return nil }
func (q *QR) Closed() bool     { return q.closed }
func (q *QR) Whole() bool      { return true }
func (q *QR) FullScreen() bool { return true }
func (q *QR) SetSize(int, int) {}
func (q *QR) Click(int, int) tea.Cmd {
	q.closed = true
	return nil
}

// Update closes the screen on esc, enter, q, Q, space or ctrl+c.
func (q *QR) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "enter", "q", "Q", "space", "ctrl+c":
			q.closed = true
		}
	}
	return nil
}

var qrClose = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/enter", "close"))

func (q *QR) ShortHelp() []key.Binding  { return []key.Binding{qrClose} }
func (q *QR) FullHelp() [][]key.Binding { return [][]key.Binding{{qrClose}} }

// View draws the code and the key side by side within w×h.
func (q *QR) View(w, h int) string {
	st := q.c.Styles
	qrLines := strings.Split(q.Code, "\n")
	qrW, qrH := 0, len(qrLines)
	for _, l := range qrLines {
		qrW = max(qrW, lipgloss.Width(l))
	}
	textW := 30
	text := []string{
		st.Title.Render("Authenticator app set-up"),
		st.Muted.Render("the user's side · demo only (R40)"),
		"", q.Name, st.Muted.Render(q.Login), "",
		"Scan the code with the app,", "or type this key by hand:", "",
	}
	keyLines := lipgloss.NewStyle().Width(textW).Render(st.Title.Render(q.Key))
	text = append(text, strings.Split(keyLines, "\n")...)
	text = append(text, "",
		st.Muted.Render("TOTP · 30 s · 6 digits · SHA-1"),
		st.Muted.Render("The app's first code confirms"),
		st.Muted.Render("the enrolment (R22)."), "",
		st.Muted.Render("esc or enter closes"))
	if w >= qrW+2+textW && h >= qrH {
		right := lipgloss.NewStyle().Width(textW).Render(strings.Join(text, "\n"))
		screen := lipgloss.JoinHorizontal(lipgloss.Top, q.Code, "  ", right)
		return lipgloss.NewStyle().Height(h).MaxHeight(h).Render(screen)
	}
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
