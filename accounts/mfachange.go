package accounts

import (
	"fmt"

	"latchkey/internal/plural"
	"latchkey/mfa"
)

// ActMFAEnrolDead is a method being set up that died of wrong codes (R22).
const ActMFAEnrolDead = "mfa.enrolment_ended"

// failEnrolment records a wrong confirmation code for the method being set
// up. After MaxEnrolAttempts wrong codes the enrolment dies, whatever the
// method: an app has no code to kill, so without this its 1-in-a-million
// guesses would be unlimited (R22, R23). The old method, if any, stays.
func (t *txn) failEnrolment(actor Actor, old User, p MFAEnrolment, cerr error, refusal *error) error {
	n := old
	p.Attempts++
	left := MaxEnrolAttempts - p.Attempts
	*refusal = codeRefusal(cerr)
	if left > 0 {
		n.MFA.Pending = &p
		if re, ok := (*refusal).(*RuleError); ok && p.Method == MFAApp {
			re.Msg += " (" + plural.Count(left, "attempt") + " left)"
		}
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		return t.audit(actor, ActMFAEnrolFail, &n, Request{}, refusedOutcome("R23"), "wrong confirmation code for "+string(p.Method))
	}
	n.MFA.Pending = nil
	*refusal = refuseWith("R22", fmt.Sprintf("%d wrong codes: setting up %s has ended", MaxEnrolAttempts, MethodLabel(p.Method)),
		"Start again from the security settings.")
	if err := t.putUser(&old, n); err != nil {
		return err
	}
	return t.audit(actor, ActMFAEnrolDead, &n, Request{}, refusedOutcome("R22"),
		fmt.Sprintf("%d wrong confirmation codes for %s: the enrolment ended", MaxEnrolAttempts, p.Method))
}

// methodRank orders methods by strength: an app above SMS and email (NIST
// SP 800-63B-4 restricts SMS and does not count email), nothing below all.
func methodRank(m MFAMethod) int {
	switch m {
	case MFAApp:
		return 2
	case MFASMS, MFAEmail:
		return 1
	}
	return 0
}

// Weaker reports whether moving from one method to another weakens the second factor.
func Weaker(from, to MFAMethod) bool { return methodRank(to) < methodRank(from) }

// methodWords names a method in a message to its user.
func methodWords(m MFA) string {
	switch m.Method {
	case MFAApp:
		return "an authenticator app"
	case MFASMS:
		return "text messages to " + mfa.MaskPhone(m.Phone)
	case MFAEmail:
		return "email to your login email"
	}
	return "no second factor"
}

// tellMethodChanged emails the user at their login email (a legacy user at
// the email on file) that their sign-in method changed, naming the new one,
// and saying so when it is weaker than the old (R22).
func (t *txn) tellMethodChanged(old, n User) error {
	to := n.Email
	if to == "" {
		to = n.ContactEmail
	}
	if to == "" {
		return nil
	}
	body := fmt.Sprintf("Hello %s,\n\nYour Latchkey account (%s) now asks for a code from %s when you log in.",
		firstName(n.Name), n.Login(), methodWords(n.MFA))
	if old.MFA.Method != MFANone {
		body += fmt.Sprintf(" It replaces %s.", methodWords(old.MFA))
	}
	subject := "Your Latchkey sign-in method changed to " + MethodLabel(n.MFA.Method)
	if Weaker(old.MFA.Method, n.MFA.Method) {
		subject += " (weaker)"
		body += "\n\nThis method is weaker than the one it replaces: " + WeakMethodNotice
	}
	body += "\n\nIf you did not make this change, call your practice admin and Latchkey support at once."
	_, err := t.send(Message{Kind: MessageEmail, To: to, Subject: subject, Body: body, Cause: ActMFAEnrolled, UserID: n.ID})
	return err
}

// tellPasswordChanged emails the user (login email, or a legacy user's email
// on file) that their password was changed, and how: someone holding a
// stolen password who changes it must not lock the owner out in silence.
func (t *txn) tellPasswordChanged(u User, how string) error {
	to := u.Email
	if to == "" {
		to = u.ContactEmail
	}
	if to == "" {
		return nil
	}
	_, err := t.send(Message{Kind: MessageEmail, To: to, Subject: "Your Latchkey password was changed",
		Body: fmt.Sprintf("Hello %s,\n\nThe password of your Latchkey account (%s) was changed %s.\nIf this was not you, use \"Forgot your password?\" at once and call your practice admin.",
			firstName(u.Name), u.Login(), how),
		Cause: ActPasswordChanged, UserID: u.ID})
	return err
}
