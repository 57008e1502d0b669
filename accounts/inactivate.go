package accounts

// Audit actions of status changes.
const (
	ActUserInactivated = "user.inactivated"
)

// inactivate makes u inactive and frees its license (R20). Rules about who
// may ask are checked by the caller.
func (t *txn) inactivate(actor Actor, u User, req Request) error {
	old := u
	u.Status = StatusInactive
	if err := t.putUser(&old, u); err != nil {
		return err
	}
	p, err := getPractice(t.tx, u.PracticeID)
	if err != nil {
		return err
	}
	oldP := p
	p.InUse--
	if err := t.putPractice(&oldP, p); err != nil {
		return err
	}
	return t.audit(actor, ActUserInactivated, &u, req, OutcomeOK, "license freed")
}
