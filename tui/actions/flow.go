package actions

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"latchkey/accounts"
	"latchkey/tui/common"
	"latchkey/tui/dialog"
)

// How an action runs: Start reads the record, asks accounts whether the
// action applies and who may ask (LoadedMsg); Open turns that into the
// first dialog — the refusal with its rule, the form, or the confirm; the
// form's submit confirms (No focused) or calls the service; DoneMsg brings
// the answer back: the refusal goes over the form (enter: back to it as
// typed), success closes the form and flashes the result.

// LoadedMsg is what Start read.
type LoadedMsg struct {
	Action *Action
	Data   *Data
	Err    error
}

// RunningMsg says an action's service call has started: the root shows it
// on the task line ("working: Unlock Ana Ruiz…", with a spinner) once it
// has run 200 ms, until the DoneMsg with the same N comes back.
type RunningMsg struct {
	N    uint64
	What string // "Unlock Ana Ruiz (ana@example.com)", sanitised
}

// calls numbers the service calls of actions, so a RunningMsg that arrives
// after its own DoneMsg (the two race) is known for late.
var calls atomic.Uint64

// DoneMsg is an action's answer.
type DoneMsg struct {
	N      uint64 // the call's number, as in its RunningMsg
	Action *Action
	Form   string // the form that asked, "" if none
	Title  string // what was tried, for a refusal's title
	Result Result
	Err    error
}

// Start reads what action a needs about the selection, in a command.
func Start(c *common.Common, a *Action, sel accounts.Target) tea.Cmd {
	svc, actor, dir := c.Svc, c.Actor(), c.DocsDir
	return common.Cmd(func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil { // logged by the root; the action says it failed
				msg = LoadedMsg{Action: a, Data: &Data{}, Err: common.Recovered(r)}
			}
		}()
		d, err := load(svc, actor, a, sel)
		d.DocsDir = dir
		return LoadedMsg{Action: a, Data: d, Err: err}
	})
}

func load(svc common.Service, actor accounts.Actor, a *Action, sel accounts.Target) (*Data, error) {
	d := &Data{}
	if a.On == accounts.SubjectPractice && sel.PracticeID == 0 && sel.UserID != 0 {
		u, err := svc.User(sel.UserID)
		if err != nil {
			return d, err
		}
		sel.PracticeID = u.PracticeID
	}
	tg := narrow(sel, a.On)
	d.Target = tg
	practiceID := tg.PracticeID
	var err error
	switch {
	case tg.UserID != 0:
		u, err := svc.User(tg.UserID)
		if err != nil {
			return d, err
		}
		d.User, practiceID = &u, u.PracticeID
		if d.Version, err = svc.UserVersion(u.ID); err != nil {
			return d, err
		}
	case tg.PatientID != 0:
		p, err := svc.Patient(tg.PatientID)
		if err != nil {
			return d, err
		}
		d.Patient, practiceID = &p, p.PracticeID
	}
	if tg.RequestID != 0 {
		practiceID = sel.PracticeID
	}
	if d.Practice, err = svc.PracticeDetail(practiceID); err != nil {
		return d, err
	}
	for i, r := range d.Practice.Requests {
		if r.ID == tg.RequestID {
			d.Request = &d.Practice.Requests[i]
		}
	}
	if tg.RequestID != 0 && d.Request == nil {
		return d, &accounts.NotFoundError{What: "license request", Key: fmt.Sprint(tg.RequestID)}
	}
	if d.Eligibility, err = svc.EligibleFor(actor, a.ID, tg); err != nil || !d.Eligibility.OK {
		return d, err
	}
	if tg.UserID != 0 && takesCheck[a.ID] {
		if pv, ok, err := svc.PassedVerification(actor.Name, tg.UserID); err != nil {
			return d, err
		} else if ok {
			d.Passed = &pv
		} else if d.CheckOffer, err = svc.EligibleFor(actor, accounts.ActionVerify, tg); err != nil {
			return d, err
		}
	}
	if a.ID == accounts.ActionApproveClear {
		if pa, ok, err := svc.PendingFor(tg.UserID); err != nil {
			return d, err
		} else if ok {
			d.Pending = &pa
		}
	}
	if a.ID == accounts.ActionReviewWatch {
		if w, ok, err := svc.WatchOf(tg.UserID); err != nil {
			return d, err
		} else if ok {
			d.Watch = &w
		}
	}
	if a == verifyCaller {
		if ov, ok, err := svc.OpenVerification(actor.Name, tg.UserID); err != nil {
			return d, err
		} else if ok {
			d.Open = &ov
		}
	}
	if a.ID == accounts.ActionVerify {
		if d.VerifyOptions, err = svc.VerifyOptions(tg.UserID); err != nil {
			return d, err
		}
	}
	d.Requesters, err = svc.Requesters(a.ID, tg)
	return d, err
}

// formID names an action's form: one per action at a time.
func formID(a *Action) string { return "form:" + string(a.ID) }

// Open is the first dialog of a loaded action.
func Open(c *common.Common, msg LoadedMsg) dialog.Dialog {
	a, d := msg.Action, msg.Data
	if msg.Err != nil {
		return Refusal(c, "Cannot "+a.Title, msg.Err)
	}
	if !d.Eligibility.OK {
		r := Refusal(c, title(a)+": not for "+d.What(), d.Eligibility.Err())
		r.Body += "\n\nNothing was done."
		return r
	}
	if d.Open != nil {
		return NewCheckDialog(c, *d.Open) // the check waiting, not a second code (R41)
	}
	v := dialog.NewValues()
	if a.Defaults != nil {
		a.Defaults(d, v)
	}
	if a.Form == nil {
		if cs := confirmOf(c, a, d, v, ""); cs != nil {
			return cs
		}
		return nil
	}
	id := formID(a)
	f := dialog.NewForm(c, id, a.Form(c, d, v), v, func(v *dialog.Values) tea.Cmd { return submit(c, a, d, v, id) })
	f.Info = d
	return f
}

// Immediate is the call of an action with neither form nor confirm (the
// enrolment QR), run at once.
func Immediate(c *common.Common, msg LoadedMsg) tea.Cmd {
	if msg.Err != nil || !msg.Data.Eligibility.OK || msg.Action.Form != nil || msg.Action.Confirm != nil {
		return nil
	}
	return run(c, msg.Action, msg.Data, dialog.NewValues(), "")
}

// submit confirms a submitted form, or runs it.
func submit(c *common.Common, a *Action, d *Data, v *dialog.Values, form string) tea.Cmd {
	if cf := confirmOf(c, a, d, v, form); cf != nil {
		return dialog.Open(cf)
	}
	return run(c, a, d, v, form)
}

func confirmOf(c *common.Common, a *Action, d *Data, v *dialog.Values, form string) *dialog.Confirm {
	if a.Confirm == nil {
		return nil
	}
	cs := a.Confirm(c, d, v)
	if cs == nil {
		return nil
	}
	body := cs.Body + "\nRecorded as operator " + common.Sanitize(c.Operator) + "."
	cf := dialog.NewConfirm(c, "confirm:"+string(a.ID), cs.Title, body, cs.Yes, run(c, a, d, v, form))
	cf.Loud = cs.Loud
	if form != "" {
		cf.OnNo = common.Flash("Not done: back to the form, as you typed it", false)
	} else {
		cf.OnNo = common.Flash(title(a)+" cancelled: nothing was changed", false)
	}
	return cf
}

// run calls the service in a command, saying so first (RunningMsg), so a
// slow call shows on the task line however it was reached (a form, a
// confirm, a key).
func run(c *common.Common, a *Action, d *Data, v *dialog.Values, form string) tea.Cmd {
	svc, actor := c.Svc, c.Actor()
	what := title(a) + ": " + d.What() // "Send the setup email: Ada (ada@…)"
	return common.Cmd(func() tea.Msg {
		n := calls.Add(1)
		call := common.Cmd(func() (msg tea.Msg) {
			// A panic in the call is its answer: the form waiting for it
			// comes back as typed, under "internal error, logged".
			defer func() {
				if r := recover(); r != nil {
					msg = DoneMsg{N: n, Action: a, Form: form, Title: what, Err: common.Recovered(r)}
				}
			}()
			res, err := a.Run(svc, actor, d, v)
			return DoneMsg{N: n, Action: a, Form: form, Title: what, Result: res, Err: err}
		})
		return tea.BatchMsg{call, func() tea.Msg { return RunningMsg{N: n, What: what} }}
	})
}

// Refusal is the alert for an error: a refusal names its rule, with its
// guidance; bad input names its field (R31).
func Refusal(c *common.Common, what string, err error) *dialog.Alert {
	t, body := Explain(what, err)
	return dialog.NewAlert(c, "refusal", t, body, true)
}

// Explain is an error's title and body for the operator.
func Explain(what string, err error) (string, string) {
	var re *accounts.RuleError
	var fe *accounts.FieldError
	body := common.Sanitize(err.Error())
	switch {
	case errors.As(err, &re):
		what += " — refused by " + re.Rule
		body = common.Sanitize(re.Msg)
		if re.Guidance != "" {
			body += "\n\n" + common.Sanitize(re.Guidance)
		}
	case errors.As(err, &fe):
		body = common.Sanitize(fe.Field + ": " + fe.Msg)
	}
	return what, body
}

// FlashLine is the one-line form of an explanation.
func FlashLine(t, body string) string {
	return "✗ " + t + ": " + strings.ReplaceAll(body, "\n\n", " ")
}
