package accounts

import "latchkey/store"

// VerifyAudit recomputes the audit trail's hash chain alone (R29) and returns
// how many events it holds, or an *AuditBreak naming the first event that
// does not match, with its time, action and target. Check does this too, after checking every page.
func (s *Service) VerifyAudit() (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		n, err = auditChain.Verify(tx)
		return describeBreak(tx, err)
	})
	return n, err
}
