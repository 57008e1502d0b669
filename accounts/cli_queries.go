package accounts

import "latchkey/store"

// VerifyAudit recomputes the audit trail's hash chain alone (R29) and returns
// how many events it holds, or a *store.ChainError naming the first event
// that does not match. Check does this too, after checking every page.
func (s *Service) VerifyAudit() (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *store.Tx) error {
		var err error
		n, err = auditChain.Verify(tx)
		return err
	})
	return n, err
}
