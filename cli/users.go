package cli

import (
	"time"

	"github.com/spf13/cobra"

	"latchkey/accounts"
)

// userJSON is one practice user as listings show them.
type userJSON struct {
	Login    string   `json:"login"`
	Name     string   `json:"name"`
	Practice string   `json:"practice"`
	Kind     string   `json:"kind"`  // "provider" or "staff"
	Roles    []string `json:"roles"` // owner, champion, admin; never null
	Status   string   `json:"status"`
	Locked   bool     `json:"locked"`
}

func toUserJSON(u accounts.User, practice string, now time.Time) userJSON {
	return userJSON{Login: u.Login(), Name: u.Name, Practice: practice, Kind: string(u.Kind),
		Roles: u.Roles.List(), Status: string(u.Status), Locked: u.LockedNow(now)}
}

// statusFilters are the values --status takes.
var statusFilters = map[string]accounts.UserQuery{
	"pending":  {Status: accounts.StatusPending},
	"active":   {Status: accounts.StatusActive},
	"inactive": {Status: accounts.StatusInactive},
	"locked":   {LockedOnly: true},
}

func (a *app) usersCmd() *cobra.Command {
	cmd := groupCmd("users", "Practice users: list, show, add, setup emails, unlock, password resets, permissions, inactivate, reactivate, replace")
	cmd.AddCommand(a.usersListCmd(), a.usersShowCmd(), a.usersUnlockCmd(),
		a.usersAddCmd(), a.usersSendVerificationCmd(), a.usersInactivateCmd(), a.usersReactivateCmd(),
		a.usersPermissionsCmd(), a.usersReplaceCmd(), a.usersRenameCmd(), a.usersResetPasswordCmd())
	return cmd
}

func (a *app) usersListCmd() *cobra.Command {
	var practice, status, search string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List practice users",
		Example: `  latchkey users list --db demo.db --status locked
  latchkey users list --db demo.db --practice 3 --json
  latchkey users list --db demo.db --search "maria lopez"`,
		Args: cobra.NoArgs,
		RunE: a.run(func(*cobra.Command, []string) error {
			q, ok := statusFilters[status]
			if status != "" && !ok {
				return usagef("--status must be pending, active, inactive or locked, not %q", status)
			}
			if limit < 0 {
				return usagef("--limit must be 0 (all) or more, not %d", limit)
			}
			q.Search, q.Limit = search, limit
			svc := a.svc
			if _, err := svc.Sweep(); err != nil { // a lock whose time is up is not "locked"
				return err
			}
			if practice != "" {
				p, err := svc.FindPractice(practice)
				if err != nil {
					return err
				}
				q.PracticeID = p.ID
			}
			rows, err := listUsers(svc, q)
			if err != nil {
				return err
			}
			now := svc.Now()
			if a.json {
				out := make([]userJSON, 0, len(rows))
				for _, r := range rows {
					out = append(out, toUserJSON(r.User, r.PracticeName, now))
				}
				return writeJSON(a.io.Out, out)
			}
			if len(rows) == 0 {
				printf(a.io.Out, "No users.\n")
				return nil
			}
			t := newTable(a.io.Out, "LOGIN", "NAME", "PRACTICE", "KIND", "ROLES", "STATUS", "LOCKED")
			for _, r := range rows {
				locked := ""
				if r.LockedNow(now) {
					locked = "locked, " + humanLeft(r.LockedUntil.Sub(now)) + " left"
				}
				t.row(r.Login(), r.Name, r.PracticeName, string(r.Kind), r.Roles.String(), string(r.Status), locked)
			}
			return t.flush()
		}),
	}
	f := cmd.Flags()
	f.StringVar(&practice, "practice", "", "only users of practice `P` (its number or exact name)")
	f.StringVar(&status, "status", "", "only users that are `pending|active|inactive|locked`")
	f.StringVar(&search, "search", "", "words `Q` that start words of the name, email, username or practice, in any order (exact login first, then name matches)")
	f.IntVar(&limit, "limit", 100, "show at most `N` (0: all)")
	a.addJSON(cmd)
	return cmd
}

// listUsers runs q; a limit of 0 pages through every match.
func listUsers(svc *accounts.Service, q accounts.UserQuery) ([]accounts.UserRow, error) {
	if q.Limit > 0 {
		return svc.Users(q)
	}
	var all []accounts.UserRow
	for {
		q.Limit = listPage
		rows, err := svc.Users(q)
		all = append(all, rows...)
		if err != nil || len(rows) < q.Limit {
			return all, err
		}
		last := rows[len(rows)-1]
		q.After, q.AfterRank = last.ID, last.Rank
	}
}

// userRecordJSON is one user in full: the listing's fields and the rest of
// the record the desk may see. Every action on a user prints it (--json), as
// users show does, so scripts read one shape everywhere.
type userRecordJSON struct {
	userJSON
	ID            uint64     `json:"id"`
	PracticeID    uint64     `json:"practice_id"`
	Email         string     `json:"email,omitempty"`
	EmailVerified bool       `json:"email_verified"`
	PendingEmail  string     `json:"pending_email,omitempty"` // a new login email awaiting its verification (R7)
	Username      string     `json:"username,omitempty"`
	Failures      int        `json:"failures"`
	LockedAt      *time.Time `json:"locked_at,omitempty"`
	UnlocksAt     *time.Time `json:"unlocks_at,omitempty"`
	HasPassword   bool       `json:"has_password"`
	HoldsLicense  bool       `json:"holds_license"`
	LastLoginAt   *time.Time `json:"last_login_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

func toUserRecordJSON(u accounts.User, practice string, now time.Time) userRecordJSON {
	d := userRecordJSON{userJSON: toUserJSON(u, practice, now), ID: u.ID, PracticeID: u.PracticeID,
		Email: u.Email, EmailVerified: u.EmailVerified, PendingEmail: u.PendingEmail, Username: u.Username,
		Failures: u.Failures, HasPassword: u.Password.Set(), HoldsLicense: u.Status != accounts.StatusInactive,
		LastLoginAt: timePtr(u.LastLoginAt), CreatedAt: u.CreatedAt}
	if u.LockedNow(now) {
		d.LockedAt, d.UnlocksAt = timePtr(u.LockedAt), timePtr(u.LockedUntil)
	}
	return d
}

// userDetailJSON is one user in full with their recent audit, as the
// console's detail view shows them.
type userDetailJSON struct {
	userRecordJSON
	MFA         accounts.MFAView      `json:"mfa"`  // method, masked phone, enrolment: never a secret
	Risk        []accounts.RiskSignal `json:"risk"` // R42
	RecentAudit []auditJSON           `json:"recent_audit"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (a *app) usersShowCmd() *cobra.Command {
	var events int
	cmd := &cobra.Command{
		Use:     "show LOGIN",
		Short:   "Show one user: status, lock, failures, practice, license, recent audit",
		Example: `  latchkey users show maria.lopez@example.com --db demo.db`,
		Args:    args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			svc := a.svc
			if _, err := svc.Sweep(); err != nil {
				return err
			}
			u, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			p, err := svc.Practice(u.PracticeID)
			if err != nil {
				return err
			}
			evs, err := svc.Audit(accounts.AuditQuery{UserID: u.ID, Limit: events})
			if err != nil {
				return err
			}
			now := svc.Now()
			risk, err := svc.Risk(u.ID)
			if err != nil {
				return err
			}
			d := userDetailJSON{userRecordJSON: toUserRecordJSON(u, p.Name, now), MFA: accounts.ViewMFA(u, p), Risk: risk, RecentAudit: toAuditJSON(evs)}
			if a.json {
				return writeJSON(a.io.Out, d)
			}
			return a.printUser(d, now)
		}),
	}
	cmd.Flags().IntVar(&events, "events", 10, "show the `N` most recent audit events about the user")
	a.addJSON(cmd)
	return cmd
}

func (a *app) printUser(d userDetailJSON, now time.Time) error {
	t := newTable(a.io.Out)
	t.row("Login", d.Login)
	t.row("Name", d.Name)
	t.row("Practice", d.Practice+" (#"+uitoa(d.PracticeID)+")")
	t.row("Kind", d.Kind)
	roles := "—"
	if len(d.Roles) > 0 {
		roles = joinComma(d.Roles)
	}
	t.row("Roles", roles)
	t.row("Status", d.Status)
	if d.Email != "" {
		verified := "not verified"
		if d.EmailVerified {
			verified = "verified"
		}
		t.row("Login email", d.Email+" ("+verified+")")
	}
	if d.PendingEmail != "" {
		t.row("New email", d.PendingEmail+" (awaiting its verification)")
	}
	lock := "open"
	if d.UnlocksAt != nil {
		lock = "LOCKED since " + humanTime(*d.LockedAt) + ", unlocks by itself in " + humanLeft(d.UnlocksAt.Sub(now))
	}
	t.row("Lock", lock)
	t.row("Failures", itoa(d.Failures))
	t.row("MFA", mfaWords(d.MFA))
	t.row("License", map[bool]string{true: "holds one", false: "none (inactive)"}[d.HoldsLicense])
	t.row("Risk (R42)", riskWords(d.Risk))
	lastLogin := "never"
	if d.LastLoginAt != nil {
		lastLogin = humanTime(*d.LastLoginAt)
	}
	t.row("Last login", lastLogin)
	t.row("Created", humanTime(d.CreatedAt))
	if err := t.flush(); err != nil {
		return err
	}
	printf(a.io.Out, "\nRecent audit:\n")
	return a.printAudit(d.RecentAudit)
}

// mfaWords is a user's second factor in one line ("latchkey mfa show" has
// it in full).
func mfaWords(v accounts.MFAView) string {
	w := v.MethodLabel
	if v.Method == accounts.MFANone {
		w = "none"
	}
	if v.Phone != "" {
		w += " to " + v.Phone
	}
	if v.Method != accounts.MFANone {
		w += ", enrolled " + humanTime(v.EnrolledAt)
	}
	if v.Enrolling != accounts.MFANone {
		w += "; setting up " + string(v.Enrolling)
	}
	if v.MustEnroll {
		w += "; must enrol at the next login (R24)"
	}
	return w
}

func (a *app) usersUnlockCmd() *cobra.Command {
	var reason, verifiedBy string
	var verification uint64
	cmd := &cobra.Command{
		Use:   "unlock LOGIN",
		Short: "Unlock a locked account now, recording why and how the caller was verified",
		Long: `Unlock a locked account at once (R13). Record why (--reason) and how the
caller was verified as the locked-out user themselves (--verified-by, or a
caller verification with --verification ID, R41): the person locked out must
be the one who contacts support. The unlock is audited under the operator's
name, with the verification's method and result.`,
		Example: `  latchkey users unlock maria.lopez@example.com --db demo.db \
      --reason "locked out after vacation" --verified-by "called back on file number"`,
		Args: args("LOGIN"),
		RunE: a.run(func(_ *cobra.Command, args []string) error {
			if err := needVerification(verifiedBy, verification, "R13"); err != nil {
				return err
			}
			actor := a.actor
			svc := a.svc
			u, err := svc.UserByLogin(args[0])
			if err != nil {
				return err
			}
			u, err = svc.Unlock(actor, u.ID, accounts.Request{Reason: reason, VerifiedBy: verifiedBy, Verification: verification})
			if err != nil {
				return err
			}
			res := actionJSON{OK: true, Action: accounts.ActAccountUnlocked, User: u.Login(),
				Operator: actor.Name, Reason: reason, VerifiedBy: verifiedBy, Time: svc.Now()}
			return a.emit(res, func() {
				printf(a.io.Out, "Unlocked %s (operator %s; reason: %s; verified by: %s)\n", res.User, res.Operator, reason, verifiedBy)
			})
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the account is unlocked (`TEXT`, required)")
	cmd.Flags().StringVar(&verifiedBy, "verified-by", "", "how the caller was verified as the user (`TEXT`; required without --verification)")
	verificationFlag(cmd, &verification)
	_ = cmd.MarkFlagRequired("reason")
	a.addJSON(cmd)
	return cmd
}

// actionJSON is the result of an action done by an operator.
type actionJSON struct {
	OK         bool      `json:"ok"`
	Action     string    `json:"action"`
	User       string    `json:"user"`
	Operator   string    `json:"operator"`
	Reason     string    `json:"reason,omitempty"`
	VerifiedBy string    `json:"verified_by,omitempty"`
	Time       time.Time `json:"time"`
}
