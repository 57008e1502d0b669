package accounts

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// excerptLen is the most of an input an error message repeats: enough to
// recognise it, too little to carry a pasted document (or a secret typed
// into the wrong field) into logs and screens.
const excerptLen = 40

// excerpt is a short, quoted, printable excerpt of untrusted input for an
// error message: invalid UTF-8, controls and format characters become
// U+FFFD, and anything past excerptLen characters is cut with an ellipsis.
func excerpt(s string) string { return excerptN(s, excerptLen) }

// excerptN is excerpt with a limit of n characters.
func excerptN(s string, n int) string {
	var b strings.Builder
	limit := n
	n = 0
	for i, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				b.WriteRune(utf8.RuneError)
				n++
				continue
			}
		}
		if invisible(r) && r != ' ' || !unicode.IsPrint(r) && r != ' ' {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return fmt.Sprintf("%q", b.String())
}

// runeName names a character by its code point (U+00AD).
func runeName(r rune) string { return fmt.Sprintf("U+%04X", r) }

// Limits of free text (names, reasons, notes): enough for any honest
// entry, small enough that no one pastes a document into the audit trail.
const (
	MaxName   = 200  // characters of a person's or a practice's name
	MaxReason = 1000 // characters of a reason, a verification note, a note
)

// checkText validates one free-text field: valid UTF-8 (refused, never
// rewritten: the trail records what was typed or nothing), at most max
// characters once trimmed. It returns the trimmed text.
func checkText(field, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", badField(field, "is not valid text (UTF-8): retype it; "+excerpt(s))
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > max {
		return "", badField(field, fmt.Sprintf("is %d characters long; at most %d are allowed: shorten it (%s)", n, max, excerpt(s)))
	}
	return s, nil
}

// checkName validates a required name (of a person, a patient or a
// practice).
func checkName(field, s string) (string, error) {
	s, err := checkText(field, s, MaxName)
	if err == nil && s == "" {
		err = badField(field, "a name is required")
	}
	return s, err
}

// reasonRequired lists the operator actions whose reason is required: the
// desk's console and commands ask for one, and a blank one (--reason "" or
// spaces) is refused here, once for every face.
var reasonRequired = map[string]bool{
	ActAccountUnlocked: true, ActUserInactivated: true, ActUserReactivated: true, ActRolesChanged: true,
	ActUserReplaced: true, ActUserEdited: true, ActLicensesSet: true, ActMFACleared: true, ActResetSent: true,
	ActPatientPasswordReset: true,
}

// checkRequest validates the free text of a request (reason, verification
// note, requester) and, for an operator's action that needs one, that the
// reason is not blank. It trims the fields in place.
func checkRequest(actor Actor, action string, req *Request) error {
	var err error
	if req.Reason, err = checkText("reason", req.Reason, MaxReason); err != nil {
		return err
	}
	if req.VerifiedBy, err = checkText("verified_by", req.VerifiedBy, MaxReason); err != nil {
		return err
	}
	if req.Requester, err = checkText("requester", req.Requester, maxAddress); err != nil {
		return err
	}
	return nil
}

// checkReasonGiven refuses an operator's action that needs a reason when
// the reason is blank. It runs once the action's rules have passed, so a
// refusal by a rule still says which rule.
func checkReasonGiven(actor Actor, action string, req Request) error {
	if actor.Kind == ActorOperator && reasonRequired[action] && strings.TrimSpace(req.Reason) == "" {
		return badField("reason", "say why: a reason is required and a blank one is refused")
	}
	return nil
}

// checkEventText is the backstop in appendEvent: whatever path a change
// took, the trail never takes text that is not valid UTF-8 or too long. A
// refusal's record keeps a sanitised excerpt instead, so the attempt stays
// on record.
func checkEventText(e *Event) error {
	fields := []struct {
		name string
		v    *string
		max  int
	}{{"reason", &e.Reason, MaxReason}, {"verified_by", &e.VerifiedBy, MaxReason}, {"requester", &e.Requester, maxAddress}}
	for _, f := range fields {
		if utf8.ValidString(*f.v) && utf8.RuneCountInString(*f.v) <= f.max {
			continue
		}
		if strings.HasPrefix(e.Outcome, "refused ") {
			*f.v = "(not recorded: " + excerpt(*f.v) + ")"
			continue
		}
		if _, err := checkText(f.name, *f.v, f.max); err != nil {
			return err
		}
	}
	return nil
}
