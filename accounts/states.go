package accounts

import (
	"fmt"
	"time"
)

// The states a record must be in for each desk action. The actions run
// these inside their transactions and Eligible runs them to tell the faces
// what applies: one definition of each rule.

// stateUnlock: only a locked account is unlocked, by someone allowed (R13).
func (t *txn) stateUnlock(actor Actor, u User) error {
	if err := t.mayUnlock(actor, u); err != nil {
		return err
	}
	return stateLocked(u, t.now)
}

// stateLocked: only an account locked now has a lock to open (R13).
func stateLocked(u User, now time.Time) error {
	if !u.LockedNow(now) {
		return refuse("R13", "account "+u.Login()+" is not locked: nothing to unlock")
	}
	return nil
}

// stateSendSetup: the setup email goes only to a user who has not verified
// and is not inactive (R6, R20), and never to a legacy user: they log in with
// a username, so there is no login email to verify, and a setup link would
// let an address into their account by the back door (R8, R17).
func stateSendSetup(u User) error {
	if u.Legacy() {
		return refuseWith("R8", u.Login()+" is a legacy user who logs in with a username: no account-setup link is sent to them",
			"For a password, send a reset to the email on file (R17); a login email means a new account (R10).")
	}
	if u.EmailVerified {
		return refuseWith("R6", u.Login()+" has already verified their login email",
			"They can use \"Forgot your password?\" on the login page, or change their login email themselves after logging in.")
	}
	if u.Status == StatusInactive {
		return refuseWith("R20", u.Login()+" is inactive", "Reactivate the account first.")
	}
	return nil
}

// stateResetPassword: the desk never resets a verified user's password
// (R16); an inactive user (R20) or one who never set up the account (R4)
// gets no reset either.
func stateResetPassword(actor Actor, u User) error {
	if actor.Kind != ActorOperator && actor.Kind != ActorAdmin {
		return refuse("R17", "only a practice admin or an operator can send a reset email")
	}
	if u.EmailVerified {
		return refuseWith("R16", u.Login()+" has a verified login email: they reset their own password",
			"Ask them to use \"Forgot your password?\" on the login page; the link goes to their own email.")
	}
	if u.Status == StatusInactive {
		return refuseWith("R20", u.Login()+" is inactive", "Reactivate the account first.")
	}
	if u.Status == StatusPending && !u.Legacy() {
		return refuseWith("R4", u.Login()+" has not set up the account yet",
			"Send the account-setup email again (Send Verification) instead.")
	}
	return nil
}

// stateClearMFA: only an operator clears MFA, only MFA there is (R26), and
// only of a user who has not left (R20).
func stateClearMFA(actor Actor, u User) error {
	if actor.Kind != ActorOperator {
		return refuse("R26", "only an operator clears MFA")
	}
	if u.MFA.State() == MFAStateNone {
		return refuse("R26", u.Login()+" has no MFA to clear")
	}
	if u.Status == StatusInactive {
		// Nobody who left calls for a clear, and if brought back they
		// would return without their factor.
		return refuseWith("R20", u.Login()+" is inactive: there is no caller to clear the MFA for",
			"If they come back, reactivate them first (at an owner's request), then verify the caller.")
	}
	return nil
}

// stateClearMFANow is stateClearMFA while no clear of u already waits for
// a second operator (R42): a second request is refused before any caller
// check is asked for or spent, offered and refused in the same words.
func (t *txn) stateClearMFANow(actor Actor, u User) error {
	if err := stateClearMFA(actor, u); err != nil {
		return err
	}
	id, err := t.pendingFor(u.ID)
	if err != nil || id == 0 {
		return err
	}
	a, err := getApproval(t.tx, id)
	if err != nil {
		return err
	}
	return refuseWith("R42", fmt.Sprintf("request #%d to clear the MFA of %s (asked by %s at %s) already waits for a second operator",
		id, u.Login(), a.RequestedBy, a.RequestedAt.Format("15:04")),
		"Another operator approves or denies it (A on this user, or latchkey approvals approve|deny "+itoa(int(id))+"); it lapses after 30 minutes.")
}

// stateInactivate: not twice, and never the practice's last owner (R20, R2).
func (t *txn) stateInactivate(u User) error {
	if err := stateNotInactive(u); err != nil {
		return err
	}
	if u.Roles.Owner {
		other, err := t.otherActiveOwner(u)
		if err != nil {
			return err
		}
		if !other {
			return lastOwnerRefusal(u)
		}
	}
	return nil
}

// stateNotInactive: an inactive user is not inactivated twice (R20).
func stateNotInactive(u User) error {
	if u.Status == StatusInactive {
		return refuse("R20", u.Login()+" is already inactive")
	}
	return nil
}

// stateReactivate: only an inactive user, with a free license (R20, R1).
func stateReactivate(u User, p Practice) error {
	if err := stateInactive(u); err != nil {
		return err
	}
	if p.AtCapacity() {
		return noLicense(p)
	}
	return nil
}

// stateInactive: only an inactive user is reactivated (R20).
func stateInactive(u User) error {
	if u.Status != StatusInactive {
		return refuse("R20", u.Login()+" is "+string(u.Status)+", not inactive: nothing to reactivate")
	}
	return nil
}

// statePermissions: an inactive user's roles do not change (R20).
func statePermissions(u User) error {
	if u.Status == StatusInactive {
		return refuseWith("R20", u.Login()+" is inactive", "Reactivate the account first.")
	}
	return nil
}

// stateReplace: only a user still holding their license is replaced (R10).
func stateReplace(u User) error {
	if u.Status == StatusInactive {
		return refuseWith("R10", u.Login()+" is already inactive", "Add the newcomer as a new user instead.")
	}
	return nil
}

// stateShowQR: the user's side of an app enrolment is shown only in a demo
// database, while an app is being set up (R21, R40).
func (t *txn) stateShowQR(u User) error { return stateEnrolmentShown(t.s.IsDemo(), u) }

// stateEnrolmentShown is stateShowQR on a database that is a demo or not.
func stateEnrolmentShown(demo bool, u User) error {
	if !demo {
		return refuse("R40", "the user's side of an enrolment is shown only in a demo database")
	}
	if u.MFA.Pending == nil || u.MFA.Pending.Method != MFAApp {
		return refuse("R21", u.Login()+" is not setting up an authenticator app")
	}
	return nil
}

// stateAddUser: a new user needs a free license (R1).
func stateAddUser(p Practice) error {
	if p.AtCapacity() {
		return noLicense(p)
	}
	return nil
}

// stateRequireMFA: only an operator turns the requirement on or off (R24).
func stateRequireMFA(actor Actor) error {
	if actor.Kind != ActorOperator {
		return refuse("R24", "only an operator turns a practice's MFA requirement on or off")
	}
	return nil
}

// stateFulfil: the desk fulfils an open request, once (R2).
func stateFulfil(actor Actor, lr LicenseRequest) error {
	if actor.Kind != ActorOperator {
		return refuse("R2", "only the desk fulfils a license request, once it is paid for")
	}
	if !allowed(requestTransitions, lr.State, RequestFulfilled) {
		return refuse("R2", fmt.Sprintf("license request #%d is already %s", lr.ID, lr.State))
	}
	return nil
}
