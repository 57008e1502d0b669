package common

import (
	"time"

	"latchkey/accounts"
)

// Service is everything the console asks of the account service: the panes
// read through it and the actions call it, so tests can put a fake in its
// place. *accounts.Service is the real one.
type Service interface {
	Reader
	Writer
}

// Reader is the queries of the panes and the header.
type Reader interface {
	Now() time.Time
	IsDemo() bool
	ClockOffset() time.Duration
	Config() accounts.Config
	Stats() (accounts.Stats, error)
	AuditCount() (uint64, error)
	DueLifts() (bool, error)
	SweepDue(now time.Time) bool // from memory: a forgot-password window to drop (R16)

	Practices(q accounts.PracticeQuery) ([]accounts.Practice, error)
	Practice(id uint64) (accounts.Practice, error)
	PracticeDetail(id uint64) (accounts.PracticeView, error)
	Licenses(q accounts.LicenseQuery) ([]accounts.Practice, error)
	Users(q accounts.UserQuery) ([]accounts.UserRow, error)
	UsersPage(q accounts.UserQuery) (accounts.UserPage, error) // where a page cut short goes on
	User(id uint64) (accounts.User, error)
	Lockouts(limit int) ([]accounts.Lockout, error)
	Audit(q accounts.AuditQuery) ([]accounts.Event, error)
	Outbox(q accounts.OutboxQuery) ([]accounts.Message, error)
	OutboxSearch(q accounts.OutboxQuery, term string) ([]accounts.Message, error)
	Message(id uint64) (accounts.MessageView, error)
	Patients(q accounts.PatientQuery) ([]accounts.PatientRow, error)
	Patient(id uint64) (accounts.Patient, error)
	EnrolmentQR(login string) (accounts.Enrolment, error)

	// Two operators on one user (R35): who else has them open, and the
	// user's version, so a form opened on an older one says so.
	UserVersion(userID uint64) (uint64, error)
	ChangedSince(userID, version uint64) (bool, error)
	Look(operator string, userID uint64) (done func())
	AlsoHere(userID uint64, me string) []string
	PresenceSeq() uint64
	// The operator's passed check of a caller (R41), for the action it precedes.
	PassedVerification(operator string, userID uint64) (accounts.VerificationView, bool, error)
	// The operator's check of a caller still waiting for its code or its
	// approver, so V brings it back rather than start another (R41).
	OpenVerification(operator string, userID uint64) (accounts.VerificationView, bool, error)
	// Caller checks, risk and four eyes (R41-R43).
	Verification(id uint64) (accounts.VerificationView, error)
	Verifications(userID uint64, limit int) ([]accounts.VerificationView, error)
	VerifyOptions(userID uint64) ([]accounts.VerifyOption, error)
	Risk(userID uint64) ([]accounts.RiskSignal, error)
	Approvals(all bool, limit int) ([]accounts.ApprovalView, error)
	PendingApprovals(actor accounts.Actor) (int, error)
	PendingFor(userID uint64) (accounts.ApprovalView, bool, error)
	WatchList(all bool, limit int) ([]accounts.WatchEntry, error)
	WatchOf(userID uint64) (accounts.WatchEntry, bool, error)
	OpenWatchCount() (int, error)

	// Which actions apply to a record and who may ask for them: the rules
	// live in accounts, never in the console.
	// ChangeSeq is the change feed: it moves with every committed write.
	ChangeSeq() uint64
	// Changed is closed when ChangeSeq next moves (wait on it, off the loop).
	Changed() <-chan struct{}

	Eligible(actor accounts.Actor, tg accounts.Target) ([]accounts.Eligibility, error)
	EligibleFor(actor accounts.Actor, a accounts.Action, tg accounts.Target) (accounts.Eligibility, error)
	Requesters(a accounts.Action, tg accounts.Target) (accounts.Requesters, error)
}

// Writer is the actions.
type Writer interface {
	Sweep() (int, error)
	AdvanceClock(actor accounts.Actor, d time.Duration) (time.Time, error)
	Unlock(actor accounts.Actor, userID uint64, req accounts.Request) (accounts.User, error)
	SendVerification(actor accounts.Actor, userID uint64, newEmail, confirm string, req accounts.Request) (accounts.User, accounts.Message, error)
	AddUser(actor accounts.Actor, nu accounts.NewUser, req accounts.Request) (accounts.User, accounts.Message, error)
	CreateUser(actor accounts.Actor, nu accounts.NewUser, req accounts.Request) (accounts.User, error)
	Inactivate(actor accounts.Actor, userID uint64, req accounts.Request) (accounts.User, error)
	Reactivate(actor accounts.Actor, userID uint64, req accounts.Request) (accounts.User, error)
	SetRoles(actor accounts.Actor, userID uint64, roles accounts.Roles, req accounts.Request) (accounts.User, error)
	ReplaceAndSend(actor accounts.Actor, leaverID uint64, nu accounts.NewUser, req accounts.Request) (leaver, newcomer accounts.User, msg accounts.Message, err error)
	ClearMFAVerified(actor accounts.Actor, userID uint64, in accounts.ClearMFARequest) (accounts.ClearMFAResult, error)
	StartVerification(actor accounts.Actor, userID uint64, in accounts.VerifyStart) (accounts.VerificationView, error)
	CheckVerification(actor accounts.Actor, id uint64, code string) (accounts.VerificationView, error)
	ApproveRequest(actor accounts.Actor, id uint64, note string) (accounts.ApprovalView, accounts.ClearMFAResult, error)
	DenyRequest(actor accounts.Actor, id uint64, note string) (accounts.ApprovalView, error)
	ReviewWatch(actor accounts.Actor, id uint64, note string) (accounts.WatchEntry, error)
	RequireMFA(actor accounts.Actor, practiceID uint64, on bool, req accounts.Request) (accounts.Practice, error)
	RequestLicenses(actor accounts.Actor, practiceID uint64, count int, req accounts.Request) (accounts.LicenseRequest, error)
	FulfilLicenses(actor accounts.Actor, requestID uint64, req accounts.Request) (accounts.LicenseRequest, accounts.Practice, error)
	SendPasswordReset(actor accounts.Actor, userID uint64, req accounts.Request) (accounts.Message, error)
	ResetPatientPassword(actor accounts.Actor, patientID uint64, designated string, req accounts.Request) (accounts.PortalReset, error)
	ResetPatientPasswordWithDocument(actor accounts.Actor, patientID uint64, designated string, req accounts.Request, write accounts.DocumentWriter) (accounts.PortalReset, error)
}

var _ Service = (*accounts.Service)(nil)
