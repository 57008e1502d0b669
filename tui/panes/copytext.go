package panes

// CopyText is what y copies where the row names no record an action acts
// on (R31): an audit event's target, a message's recipient (the message
// open, else the row's). Both are sanitised already (R38).
func (p *Audit) CopyText() (string, bool) {
	r, ok := p.Selected()
	return r.Target, ok && r.Target != ""
}

// CopyText is the recipient of the message open, else of the row.
func (p *Outbox) CopyText() (string, bool) {
	if p.open != nil {
		return p.open.To, p.open.To != ""
	}
	r, ok := p.Selected()
	return r.To, ok && r.To != ""
}
