package common

// StartUserResetMsg asks the root to start the right password reset for a
// user (R16, R17): the self-service guidance for a verified user, the reset
// email to the email on file for the others.
type StartUserResetMsg struct {
	UserID        uint64
	Login         string // sanitised, for the prompts
	Name          string // sanitised
	Status        string
	EmailVerified bool
	Legacy        bool
}

// StartPortalResetMsg asks the root to open the portal password reset form
// for a patient (R28).
type StartPortalResetMsg struct {
	PatientID uint64
	Login     string // sanitised, for the prompts
	Name      string // sanitised
	Practice  string // sanitised
}
