package accounts

import "latchkey/store"

// ChangedSince reports whether userID changed after version (a UserVersion
// read when a form opened) in a way that makes the form stale: the same
// events the service refuses a stale form for, so a face warns of exactly
// what the service would refuse (R35). Read-only.
func (s *Service) ChangedSince(userID, version uint64) (bool, error) {
	changed := false
	err := s.db.View(func(tx *store.Tx) error {
		seqs, err := userEventsSince(tx, s.legacyEvents, userID, version)
		if err != nil {
			return err
		}
		for _, seq := range seqs {
			en, err := auditChain.Get(tx, seq)
			if err != nil {
				return err
			}
			e, err := decodeEvent(en)
			if err != nil {
				return err
			}
			if countsAsChange(e) {
				changed = true
				return nil
			}
		}
		return nil
	})
	return changed, err
}
