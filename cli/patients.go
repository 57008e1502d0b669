package cli

import (
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
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
			if limit < 0 {
				return usagef("--limit must be 0 (all) or more, not %d", limit)
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
			rows, err := listPatients(svc, q)
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
	f.StringVar(&search, "search", "", "words `Q` that each lie inside a word of the name, login or contact email, in any order (exact login first, then name matches)")
	f.IntVar(&limit, "limit", 100, "show at most `N` (0: all)")
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
