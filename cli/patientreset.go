package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
	"latchkey/printout"
)

// The operator's reset of a patient's portal password (R27, R28): a
// temporary password and its printable credentials document.

// portalResetJSON is a portal reset: what the credentials document says and
// where it is (R28).
type portalResetJSON struct {
	OK                bool      `json:"ok"`
	Action            string    `json:"action"`
	Patient           string    `json:"patient"` // the patient's name
	Login             string    `json:"login"`
	Practice          string    `json:"practice"`
	TemporaryPassword string    `json:"temporary_password"`
	Generated         bool      `json:"generated"`
	PDF               string    `json:"pdf"`
	EmailedTo         string    `json:"emailed_to,omitempty"` // "" when no email went out
	MessageID         uint64    `json:"message_id,omitempty"`
	MustChange        bool      `json:"must_change"`
	Operator          string    `json:"operator"`
	Reason            string    `json:"reason"`
	VerifiedBy        string    `json:"verified_by"`
	Time              time.Time `json:"time"`
}

// defaultPDFName is the credentials document's file name in the current
// directory: the login (made safe for a file name) and the time.
func defaultPDFName(login string, at time.Time) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, login)
	return "credentials-" + strings.Trim(safe, ".") + "-" + at.Local().Format("20060102-150405") + ".pdf"
}

// freeName is name, or name with -2, -3... before its extension when a file
// of that name exists already (two resets in the same second).
func freeName(name string) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) || i > 100 {
			return name
		}
		name = base + "-" + itoa(i) + ext
	}
}

// checkOut makes sure the document can be written at path before the
// password is reset: its directory exists and the file does not.
func checkOut(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: the credentials document goes to a new file (pick another --out)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot write %s: the directory %s does not exist", path, dir)
	}
	return nil
}

func (a *app) patientsResetPasswordCmd() *cobra.Command {
	var password, out, reason, verifiedBy string
	var generate bool
	cmd := &cobra.Command{
		Use:   "reset-password PATIENT",
		Short: "Reset a portal password to a temporary one and write the credentials document (PDF)",
		Long: `Reset a patient's portal password (R28), found by number or login: to one the
system generates (the default, or --generate: crypto/rand, four groups of
four, no look-alike characters) or to one you designate (--password, which
must follow R18: at least 15 characters, not common or breached, not the
patient's login, email or name).

The temporary password is printed for you to read to the patient, and the
printable credentials document — practice, patient, login, temporary
password, whether an email went to the contact email on file — is written as
a PDF readable by you only, to --out or to
./credentials-LOGIN-YYYYMMDD-HHMMSS.pdf. The patient must change the password
at their first login. Record why (--reason) and how the caller was verified
(--verified-by); both are audited under your name.`,
		Example: `  latchkey patients reset-password 12 --db demo.db \
      --reason "forgot portal password" --verified-by "date of birth and address on file"
  latchkey patients reset-password mhernandez1971 --db demo.db --out /tmp/creds.pdf \
      --password "a long passphrase she chose" --reason "asked at the desk" --verified-by "photo ID in person"`,
		Args: args("PATIENT"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usagef("--reason must say why the portal password is reset (R28)")
			}
			if strings.TrimSpace(verifiedBy) == "" {
				return usagef("--verified-by must record how the caller was verified (R28)")
			}
			svc, actor := a.svc, a.actor
			p, err := svc.FindPatient(args[0])
			if err != nil {
				return err
			}
			path := out
			if path == "" {
				path = defaultPDFName(p.Login, svc.Now())
			}
			if path, err = a.localFile("the credentials document (--out)", path); err != nil {
				return err
			}
			if out == "" {
				path = freeName(path)
			}
			if abs, err := filepath.Abs(path); err == nil {
				path = abs
			}
			if err := checkOut(path); err != nil {
				return err
			}
			// The document is written inside the reset's transaction: if it
			// cannot be, the password is not changed and no email goes out
			// (R28, R36).
			r, err := svc.ResetPatientPasswordWithDocument(actor, p.ID, password, accounts.Request{Reason: reason, VerifiedBy: verifiedBy},
				func(r accounts.PortalReset) (func(), error) {
					err := printout.WritePDFFile(path, printout.Credentials{Practice: r.Practice.Name, Patient: r.Patient.Name,
						Login: r.Patient.Login, TemporaryPassword: r.TemporaryPassword, EmailedTo: r.EmailedTo,
						IssuedBy: actor.Name + " (operator)", IssuedAt: r.IssuedAt, MustChange: r.MustChange})
					return func() { _ = os.Remove(path) }, err
				})
			if err != nil {
				return err
			}
			res := portalResetJSON{OK: true, Action: accounts.ActPatientPasswordReset, Patient: r.Patient.Name,
				Login: r.Patient.Login, Practice: r.Practice.Name, TemporaryPassword: r.TemporaryPassword,
				Generated: password == "", PDF: path, EmailedTo: r.EmailedTo, MustChange: r.MustChange,
				Operator: actor.Name, Reason: reason, VerifiedBy: verifiedBy, Time: r.IssuedAt}
			if r.EmailedTo != "" {
				if ms, err := svc.Outbox(accounts.OutboxQuery{To: r.EmailedTo, Limit: 1}); err == nil && len(ms) > 0 {
					res.MessageID = ms[0].ID
				}
			}
			if a.json {
				return writeJSON(a.io.Out, res)
			}
			a.printPortalReset(res)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&password, "password", "", "set this designated password `P` instead of a generated one (R18 applies)")
	f.BoolVar(&generate, "generate", false, "generate the temporary password (the default)")
	f.StringVar(&out, "out", "", "write the credentials document to `FILE.pdf` (default ./credentials-LOGIN-TIME.pdf)")
	f.StringVar(&reason, "reason", "", "why the portal password is reset (`TEXT`, required, recorded)")
	f.StringVar(&verifiedBy, "verified-by", "", "how the caller was verified as the patient or their proxy (`TEXT`, required, recorded)")
	_ = cmd.MarkFlagRequired("reason")
	_ = cmd.MarkFlagRequired("verified-by")
	cmd.MarkFlagsMutuallyExclusive("password", "generate")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printPortalReset(r portalResetJSON) {
	how := "a generated"
	if !r.Generated {
		how = "the designated"
	}
	printf(a.io.Out, "Reset the portal password of %s (%s) at %s to %s temporary password:\n\n", r.Patient, r.Login, r.Practice, how)
	printf(a.io.Out, "    %s\n\n", r.TemporaryPassword)
	if r.PDF != "" {
		printf(a.io.Out, "Credentials document: %s (readable by you only; shred the printout once used).\n", r.PDF)
	}
	if r.EmailedTo != "" {
		printf(a.io.Out, "An email with the new credentials went to the contact email on file, %s", r.EmailedTo)
		if r.MessageID != 0 {
			printf(a.io.Out, " (latchkey outbox show %d)", r.MessageID)
		}
		printf(a.io.Out, ".\n")
	} else {
		printf(a.io.Out, "No email went out: there is no contact email on file. Give the document to the patient.\n")
	}
	if r.MustChange {
		printf(a.io.Out, "The patient must choose a new password at their first login (R28).\n")
	}
}

// The patient's side (demo only).
