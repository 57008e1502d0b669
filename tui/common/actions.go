package common

// Action names a console action a pane asks the root to start: the root
// loads what its form needs, shows the form, confirms when the action is
// destructive, and runs it through the service.
type Action string

// The actions of users, practices and MFA (issues 4 and 6).
const (
	ActAddUser        Action = "add user"          // a (R1, R3, R4, R9)
	ActSendVerify     Action = "send verification" // v (R4-R6)
	ActInactivate     Action = "inactivate"        // x (R20)
	ActReactivate     Action = "reactivate"        // r (R1, R3, R20)
	ActPermissions    Action = "permissions"       // p (R19)
	ActReplace        Action = "replace"           // R (R10, R20, R3)
	ActRequestLicense Action = "request licenses"  // L (R2)
	ActFulfilLicense  Action = "fulfil licenses"   // F (R2)
	ActClearMFA       Action = "clear MFA"         // m (R25, R26)
	ActRequireMFA     Action = "require MFA"       // M (R24)
	ActShowQR         Action = "show QR"           // Q (R21, R40: the user's side, demo only)
)

// StartActionMsg asks the root to start an action on a user (UserID) or a
// practice (PracticeID; 0 with no user: the operator picks one). RequestID
// is the license request F fulfils.
type StartActionMsg struct {
	Action     Action
	UserID     uint64
	PracticeID uint64
	RequestID  uint64
}

// OpenPracticeMsg asks the root to show a practice's detail.
type OpenPracticeMsg struct{ PracticeID uint64 }
