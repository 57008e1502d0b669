package accounts

// R28, R36: a portal reset and its printable credentials document are one
// thing. The document is the only way the patient learns the new password
// when no email is on file, so a reset whose document cannot be written
// must not happen at all: no new password, no email.
//
// The design keeps it to one transaction. The face that prints (the console,
// `patients reset-password`) passes a DocumentWriter; the service calls it
// inside the reset's write transaction, last, once the new password, the
// outbox email and the audit event are staged. The writer renders the
// document and writes it atomically (temporary file, fsync, link under its
// name). If it fails, the transaction is rolled back — the password stays,
// the email is never queued — and the failure is audited as the reset's
// refusal. If the document was written but the transaction then does not
// commit, the service calls the writer's discard, which removes the file,
// so no document names a password that was never set. An engine that
// retries the transaction discards the previous attempt's document before
// writing again.
//
// The other order — commit first, then write — cannot keep the promise: a
// full disk after the commit leaves a changed password no one can read.

import "strings"

// DocumentWriter writes the credentials document of a portal reset (R28),
// whole or not at all. It returns discard, which removes what it wrote.
type DocumentWriter func(PortalReset) (discard func(), err error)

// ResetPatientPasswordWithDocument is ResetPatientPassword with the document
// written inside the reset's transaction: if write fails, the password is
// not changed and no email goes out (R28, R36).
func (s *Service) ResetPatientPasswordWithDocument(actor Actor, patientID uint64, designated string, req Request, write DocumentWriter) (PortalReset, error) {
	return s.resetPatientPassword(actor, patientID, designated, req, write)
}

// stagedDocument is the document written by the latest attempt of the
// transaction, until the transaction commits.
type stagedDocument struct{ discardFn func() }

func (d *stagedDocument) deliver(write DocumentWriter, r PortalReset) error {
	if write == nil {
		return nil
	}
	d.discard() // a retried transaction writes afresh
	discard, err := write(r)
	if err != nil {
		return refuseWith("R28", "the credentials document could not be written ("+strings.Trim(excerptN(err.Error(), 300), `"`)+
			"): the password was not changed and no email went out",
			"Make the document's folder writable (or give --out another file) and reset again.")
	}
	d.discardFn = discard
	return nil
}

func (d *stagedDocument) discard() {
	if d.discardFn != nil {
		d.discardFn()
		d.discardFn = nil
	}
}
