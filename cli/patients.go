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

// The patient portal (R27, R28): patients' portal accounts, the operator's
// reset to a temporary password with its printable credentials document,
// and the patient's side (demo only).

// patientJSON is one portal account; never a password or its hash.
type patientJSON struct {
	ID           uint64     `json:"id"`
	Login        string     `json:"login"`
	Name         string     `json:"name"`
	Practice     string     `json:"practice"`
	PracticeID   uint64     `json:"practice_id"`
	ContactEmail string     `json:"contact_email,omitempty"`
	HasPassword  bool       `json:"has_password"`
	MustChange   bool       `json:"must_change"` // must choose a new password at the next login (R28)
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
	ResetAt      *time.Time `json:"reset_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

func toPatientJSON(p accounts.Patient, practice string) patientJSON {
	return patientJSON{ID: p.ID, Login: p.Login, Name: p.Name, Practice: practice, PracticeID: p.PracticeID,
		ContactEmail: p.ContactEmail, HasPassword: p.Password.Hash != "", MustChange: p.MustChange,
		LastLoginAt: timePtr(p.LastLoginAt), ResetAt: timePtr(p.ResetAt), CreatedAt: p.CreatedAt}
}

// portalState is a portal account's password state in a word or three.
func portalState(p patientJSON) string {
	switch {
	case !p.HasPassword:
		return "no password yet"
	case p.MustChange:
		return "must change at next login"
	}
	return "ok"
}

func (a *app) patientsCmd() *cobra.Command {
	cmd := groupCmd("patients", "Patient-portal accounts: list, show, reset a portal password")
	cmd.AddCommand(a.patientsListCmd(), a.patientsShowCmd(), a.patientsResetPasswordCmd())
	return cmd
}

func (a *app) patientsListCmd() *cobra.Command {
	var practice, search string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List patient-portal accounts",
		Example: `  latchkey patients list --db demo.db --practice 2
  latchkey patients list --db demo.db --search "maria" --json`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			if limit <= 0 {
				return usagef("--limit must be at least 1")
			}
			svc := a.svc
			q := accounts.PatientQuery{Search: search, Limit: limit}
			if practice != "" {
				p, err := svc.FindPractice(practice)
				if err != nil {
					return err
				}
				q.PracticeID = p.ID
			}
			rows, err := svc.Patients(q)
			if err != nil {
				return err
			}
			out := make([]patientJSON, 0, len(rows))
			for _, r := range rows {
				out = append(out, toPatientJSON(r.Patient, r.PracticeName))
			}
			if a.json {
				return writeJSON(a.io.Out, out)
			}
			if len(out) == 0 {
				printf(a.io.Out, "No patients.\n")
				return nil
			}
			t := newTable(a.io.Out, "ID", "LOGIN", "NAME", "PRACTICE", "CONTACT EMAIL", "PORTAL PASSWORD")
			for _, p := range out {
				t.row(uitoa(p.ID), p.Login, p.Name, p.Practice, orDash(p.ContactEmail), portalState(p))
			}
			return t.flush()
		}),
	}
	f := cmd.Flags()
	f.StringVar(&practice, "practice", "", "only patients of practice `P` (its number or exact name)")
	f.StringVar(&search, "search", "", "words `Q` that start words of the name, login or contact email")
	f.IntVar(&limit, "limit", 100, "show at most `N`")
	a.addJSON(cmd)
	return cmd
}

func (a *app) patientsShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show PATIENT",
		Short: "Show one portal account (by its number or its login)",
		Example: `  latchkey patients show 12 --db demo.db
  latchkey patients show mhernandez1971 --db demo.db --json`,
		Args: args("PATIENT"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			p, err := svc.FindPatient(args[0])
			if err != nil {
				return err
			}
			pr, err := svc.Practice(p.PracticeID)
			if err != nil {
				return err
			}
			d := toPatientJSON(p, pr.Name)
			if a.json {
				return writeJSON(a.io.Out, d)
			}
			t := newTable(a.io.Out)
			t.row("Patient", d.Name+" (#"+uitoa(d.ID)+")")
			t.row("Login", d.Login)
			t.row("Practice", d.Practice+" (#"+uitoa(d.PracticeID)+")")
			t.row("Contact email", orDash(d.ContactEmail))
			t.row("Portal password", portalState(d))
			lastLogin, reset := "never", "never"
			if d.LastLoginAt != nil {
				lastLogin = humanTime(*d.LastLoginAt)
			}
			if d.ResetAt != nil {
				reset = humanTime(*d.ResetAt)
			}
			t.row("Last login", lastLogin)
			t.row("Last reset", reset)
			t.row("Created", humanTime(d.CreatedAt))
			return t.flush()
		}),
	}
	a.addJSON(cmd)
	return cmd
}

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

func (a *app) actPatientLoginCmd() *cobra.Command {
	var password string
	cmd := &cobra.Command{
		Use:   "patient-login LOGIN",
		Short: "Log in to the patient portal as the patient would (demo databases only)",
		Long: `Log in to the patient portal as the patient would. After a reset the patient
must choose a new password before reaching the portal (R28): the command says
so ("latchkey act patient-change-password"). A wrong login or password exits 1.`,
		Example: `  latchkey act patient-login mhernandez1971 --password "xxxx-xxxx-xxxx-xxxx" --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			r, err := svc.PatientLogin(args[0], password)
			if err != nil {
				return err
			}
			res := userMessageJSON{User: r.Patient.Login, Outcome: "ok", Message: "Welcome to the patient portal, " + r.Patient.Name + "."}
			if r.MustChange {
				res.Outcome = "must_change_password"
				res.Message = "Password accepted, but you must change your password before reaching the portal (R28)."
			}
			if a.json {
				return writeJSON(a.io.Out, struct {
					userMessageJSON
					MustChange bool `json:"must_change"`
				}{res, r.MustChange})
			}
			printf(a.io.Out, "%s\n", res.Message)
			if r.MustChange {
				printf(a.io.Out, "Choose one with: latchkey act patient-change-password %s --current OLD --new NEW\n", r.Patient.Login)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&password, "password", "", "the portal password (`P`, required)")
	_ = cmd.MarkFlagRequired("password")
	a.addJSON(cmd)
	return cmd
}

func (a *app) actPatientChangePasswordCmd() *cobra.Command {
	var current, newPassword string
	cmd := &cobra.Command{
		Use:   "patient-change-password LOGIN",
		Short: "Change a portal password as the patient would (demo databases only)",
		Long: `Change the patient's portal password as they would (R27): the new one twice
(the command types it twice) and the current one. The new password follows
R18 (at least 15 characters, not common or breached, not the login, email or
name) and must differ from the current one. It ends a forced change (R28).`,
		Example: `  latchkey act patient-change-password mhernandez1971 --db demo.db \
      --current "xxxx-xxxx-xxxx-xxxx" --new "my own long portal passphrase"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if err := a.demoOnly(); err != nil {
				return err
			}
			p, err := svc.PatientChangePassword(args[0], newPassword, newPassword, current)
			if err != nil {
				return err
			}
			res := userMessageJSON{User: p.Login, Outcome: "password_changed",
				Message: "Your portal password was changed. Log in with the new one from now on."}
			return a.emit(res, func() {
				printf(a.io.Out, "%s\n", res.Message)
			})
		}),
	}
	cmd.Flags().StringVar(&current, "current", "", "the current portal password (`C`, required)")
	cmd.Flags().StringVar(&newPassword, "new", "", "the new portal password (`N`, required)")
	_ = cmd.MarkFlagRequired("current")
	_ = cmd.MarkFlagRequired("new")
	a.addJSON(cmd)
	return cmd
}
