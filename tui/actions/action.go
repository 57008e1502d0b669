// Package actions is the console's action registry: one file per action,
// each saying its key, its title, what it acts on, its form, its confirm,
// the service call and the result line. Whether an action applies to a
// record, and who may ask for it, is asked of accounts (Eligible,
// Requesters); nothing here decides a rule. Adding an action is a copy of
// its sibling plus one line in All.
package actions

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// Action is one desk action as the console offers it.
type Action struct {
	ID    accounts.Action
	On    accounts.Subject
	Key   key.Binding
	Title string // "unlock": help, the palette, refusal titles
	// Load reads what the form needs beyond the record (optional).
	// Defaults fills the form's first values (optional).
	Defaults func(d *Data, v *dialog.Values)
	// Form is the form; nil goes straight to the confirm or the call.
	Form func(c *common.Common, d *Data, v *dialog.Values) dialog.FormSpec
	// Confirm asks before the call, with No focused; nil does not ask.
	Confirm func(c *common.Common, d *Data, v *dialog.Values) *ConfirmSpec
	// Run calls the service, in a command: it reads d and v, changes nothing else.
	Run func(svc common.Service, actor accounts.Actor, d *Data, v *dialog.Values) (Result, error)
}

// ConfirmSpec is what a confirm says.
type ConfirmSpec struct {
	Title, Body, Yes string
	Loud             bool
}

// Result is what a successful action reports: the flash line, and a dialog
// to show (the credentials document, the enrolment QR), if any.
type Result struct {
	OK   string
	Show func(c *common.Common) dialog.Dialog
}

// Data is what was read before the form opened: the record, its practice,
// whether the action applies (from accounts), and who may ask.
type Data struct {
	Target      accounts.Target
	User        *accounts.User
	Patient     *accounts.Patient
	Request     *accounts.LicenseRequest
	Practice    accounts.PracticeView
	Eligibility accounts.Eligibility
	Requesters  accounts.Requesters
	DocsDir     string // where credentials documents go ("" = the default)
	// VerifyOptions are the ways this user's caller can be verified (R41),
	// read for the verify action only.
	VerifyOptions []accounts.VerifyOption
	// Passed is this operator's passed caller check of the user, offered to
	// the actions a check precedes (unlock, reset, permissions, MFA clear).
	Passed *accounts.VerificationView
	// CheckOffer is whether V applies to the user (accounts), read with
	// the actions a check precedes when none has passed, so their form
	// sends the operator to V only where it can run (R41).
	CheckOffer accounts.Eligibility
	// Open is this operator's check of the user still waiting for its code
	// or approver: V brings it back (R41).
	Open *accounts.VerificationView
	// Pending is the request about the user (an MFA clear, a pending only
	// owner's setup email to a new address) waiting for a second operator (R42).
	Pending *accounts.ApprovalView
	// Watch is the user\'s factor on the watch list (R43).
	Watch   *accounts.WatchEntry
	Version uint64 // the user's version when the form opened (R35)
}

// What names the record acted on, sanitised: "Ana Ruiz (ana@example.com)".
func (d *Data) What() string {
	switch {
	case d.User != nil:
		return common.Sanitize(d.User.Name) + " (" + common.Sanitize(d.User.Login()) + ")"
	case d.Patient != nil:
		return common.Sanitize(d.Patient.Name) + " (" + common.Sanitize(d.Patient.Login) + ")"
	case d.Request != nil:
		return fmt.Sprintf("license request #%d", d.Request.ID)
	}
	return common.Sanitize(d.Practice.Name)
}

// Name and Login of the user acted on, sanitised.
func (d *Data) Name() string  { return common.Sanitize(d.User.Name) }
func (d *Data) Login() string { return common.Sanitize(d.User.Login()) }

// All is every action, in the order help and the palette list them.
var All = []*Action{
	verifyCaller, approveClear, reviewWatch, unlock, sendSetup, resetPassword, clearMFA, inactivate, reactivate, permissions, replace, showQR,
	addUser, requestLicenses, requireMFA, fulfilLicenses, portalReset,
}

// For lists the actions on a kind of record.
func For(sub accounts.Subject) []*Action {
	var out []*Action
	for _, a := range All {
		if a.On == sub {
			out = append(out, a)
		}
	}
	return out
}

// Match finds the action a key starts on a selection: the first whose key
// it is and whose kind of record the selection has.
func Match(msg tea.KeyPressMsg, tg accounts.Target) (*Action, bool) {
	for _, a := range All {
		if key.Matches(msg, a.Key) && has(tg, a.On) {
			return a, true
		}
	}
	return nil, false
}

// ByID finds an action.
func ByID(id accounts.Action) *Action {
	for _, a := range All {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// Keys are the keys of the actions a selection offers, for help.
func Keys(tg accounts.Target) []key.Binding {
	var out []key.Binding
	for _, a := range All {
		if has(tg, a.On) {
			out = append(out, a.Key)
		}
	}
	return out
}

// has reports whether a selection names a record of kind sub. A user's
// practice counts as a practice (a in the users pane adds to it).
func has(tg accounts.Target, sub accounts.Subject) bool {
	switch sub {
	case accounts.SubjectUser:
		return tg.UserID != 0
	case accounts.SubjectPatient:
		return tg.PatientID != 0
	case accounts.SubjectRequest:
		return tg.RequestID != 0
	case accounts.SubjectPractice:
		return tg.PracticeID != 0 || tg.UserID != 0
	}
	return false
}

// narrow keeps the target's record of kind sub, so accounts is asked about it.
func narrow(tg accounts.Target, sub accounts.Subject) accounts.Target {
	switch sub {
	case accounts.SubjectUser:
		return accounts.Target{UserID: tg.UserID}
	case accounts.SubjectPatient:
		return accounts.Target{PatientID: tg.PatientID}
	case accounts.SubjectRequest:
		return accounts.Target{RequestID: tg.RequestID}
	}
	return accounts.Target{PracticeID: tg.PracticeID}
}

// title capitalises an action's title for headings: "Unlock".
func title(a *Action) string {
	if a.Title == "" {
		return ""
	}
	return strings.ToUpper(a.Title[:1]) + a.Title[1:]
}

func bind(k, help string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, help))
}

// EligibleKeys are the keys of the actions a selection offers less those
// accounts said do not apply now (el: the answer of Eligible for the record).
func EligibleKeys(tg accounts.Target, el []accounts.Eligibility) []key.Binding {
	var out []key.Binding
	for _, a := range EligibleActions(tg, el) {
		out = append(out, a.Key)
	}
	return out
}

// EligibleActions are the actions a selection offers less those accounts
// said do not apply now, in order (the footer's keys, the palette's
// actions).
func EligibleActions(tg accounts.Target, el []accounts.Eligibility) []*Action {
	no := map[accounts.Action]bool{}
	for _, e := range el {
		no[e.Action] = !e.OK
	}
	var out []*Action
	for _, a := range All {
		if has(tg, a.On) && !no[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

// Offered are the actions on a selection, in order.
func Offered(tg accounts.Target) []*Action {
	var out []*Action
	for _, a := range All {
		if has(tg, a.On) {
			out = append(out, a)
		}
	}
	return out
}
