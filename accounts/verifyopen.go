package accounts

// OpenVerification is operator's newest check of userID that still waits —
// for the code read back, or for an approver's answer — so a face can bring
// it back instead of sending the caller a second code (R41); ok is false
// when there is none. Read-only.
func (s *Service) OpenVerification(operator string, userID uint64) (VerificationView, bool, error) {
	vs, err := s.Verifications(userID, 20)
	for _, v := range vs {
		if v.State == VerifyStarted && sameOperator(v.Operator, operator) {
			return v, true, err
		}
	}
	return VerificationView{}, false, err
}
