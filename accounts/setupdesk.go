package accounts

// Whoever holds an account-setup link owns the account: its holder chooses
// the password (R4). So the setup of a user who has not verified — the
// setup email, the login email it goes to (R6), the name — is tended only
// by the desk or by the user's own practice: an admin of it, or (acting for
// themselves) an owner, champion or admin of it (R3). Nobody from another
// practice, and no other practice user, can send a stranger's new account
// to their own address.
func (t *txn) mayTendSetup(actor Actor, u User, rule string) error {
	switch actor.Kind {
	case ActorOperator, ActorSystem:
		return nil
	case ActorAdmin:
		return t.isAdminOf(actor, u.PracticeID, rule)
	case ActorUser:
		me, err := getUser(t.tx, actor.UserID)
		if err != nil && !IsNotFound(err) {
			return err
		}
		if err == nil && me.PracticeID == u.PracticeID && me.Status == StatusActive && askAdd.May(me, &u) {
			if me.LockedNow(t.now) {
				return refuse("R11", me.Login()+" is locked")
			}
			return nil
		}
	}
	return refuseWith(rule, actor.Name+" cannot tend the account setup of "+u.Login()+": only the desk or an owner, champion or admin of their own practice can",
		"Ask the support desk, or an admin of "+u.Login()+"'s practice.")
}
