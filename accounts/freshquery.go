package accounts

import "latchkey/store"

// ChangedSince reports whether userID changed after version (a UserVersion
// read when a form opened) in a way that makes the form stale: the same
// events the service refuses a stale form for, so a face warns of exactly
// what the service would refuse (R35). Read-only.
func (s *Service) ChangedSince(userID, version uint64) (bool, error) {
	changed := false
	err := s.db.View(func(tx *store.Tx) error {
		changes, err := changesSince(tx, s.legacyEvents, userID, version, true)
		changed = len(changes) > 0
		return err
	})
	return changed, err
}
