package sim

import (
	"errors"
	"fmt"

	"latchkey/accounts"
	"latchkey/mfa"
)

func self(u accounts.User) accounts.Actor {
	return accounts.Actor{Kind: accounts.ActorUser, Name: u.Login(), UserID: u.ID}
}

func asAdmin(u accounts.User) accounts.Actor {
	return accounts.Actor{Kind: accounts.ActorAdmin, Name: u.Login(), UserID: u.ID}
}

func (s *Simulator) active(u accounts.User) bool {
	return u.Status == accounts.StatusActive && !u.LockedNow(s.svc.Now())
}

// login: the right password, and the second factor if asked; a practice
// that requires MFA sends the user to enrol first (R24).
func (s *Simulator) login() string {
	u, ok := s.someone(s.active)
	if !ok {
		return "nobody to log in"
	}
	pw, ok := s.passwordOf(u)
	if !ok {
		return "password unknown"
	}
	r, err := s.svc.Authenticate(u.Login(), pw, "")
	if err != nil {
		return outcomeOf(err)
	}
	switch r.Stage {
	case accounts.StageEnroll:
		return "must enrol: " + s.enrolUser(r.User, pw)
	case accounts.StageCode:
		code, ok := s.secondFactor(r.User, r.Method, r.User.MFA.Phone)
		if !ok {
			return "no code arrived"
		}
		if _, err := s.svc.Authenticate(u.Login(), pw, code); err != nil {
			return "code " + outcomeOf(err)
		}
		// Now and then the user submits the same code again: it must not
		// work twice (R23).
		if s.rng.IntN(8) == 0 {
			if r2, err := s.svc.Authenticate(u.Login(), pw, code); err == nil && r2.Stage == accounts.StageDashboard {
				s.violation("R23: a used %s code logged %s in twice", r.Method, u.Login())
			}
		}
		return "ok with " + string(r.Method)
	}
	return "ok"
}

// mistype: wrong passwords, one to seven of them; five in a row lock (R11).
func (s *Simulator) mistype() string {
	u, ok := s.someone(s.active)
	if !ok {
		return "nobody"
	}
	// Most stop after a try or two; about a third keep going until locked.
	n := 1 + s.rng.IntN(2)
	if s.rng.IntN(3) == 0 {
		n = 5 + s.rng.IntN(2)
	}
	for i := range n {
		_, err := s.svc.Login(u.Login(), fmt.Sprintf("wrong-guess-%d", i))
		if accounts.RuleOf(err) == "R11" {
			s.sum.Lockouts++
			if pw, ok := s.passwordOf(u); ok {
				// Locked means locked, even with the right password (R11).
				if _, err := s.svc.Login(u.Login(), pw); err == nil {
					s.violation("R11: %s logged in while locked", u.Login())
				}
			}
			return "locked out"
		}
		if err == nil {
			s.violation("a wrong password logged %s in", u.Login())
		}
	}
	return "gave up"
}

// forgot: "Forgot your password?", the link from the mailbox, a new
// password; the link then must not work again (R16, R5).
func (s *Simulator) forgot() string {
	u, ok := s.someone(func(u accounts.User) bool {
		return u.Status == accounts.StatusActive && u.EmailVerified && !u.Legacy()
	})
	if !ok {
		return "nobody"
	}
	if _, err := s.svc.ForgotPassword(u.Email); err != nil {
		return outcomeOf(err)
	}
	link, ok := s.linkFor(u.Email)
	if !ok {
		s.violation("R16: no reset link reached %s", u.Email)
		return "no link"
	}
	return s.useLink(u, link, "reset")
}

// useLink completes the form a link opened with a new password, then tries
// the same link again, which must fail (R5).
func (s *Simulator) useLink(u accounts.User, link, what string) string {
	pw := s.newPassword()
	if _, err := s.svc.UseLink(link, pw); err != nil {
		return what + " " + outcomeOf(err)
	}
	s.passwords[u.Login()] = pw
	if what == "reset" {
		s.sum.Resets++
	}
	if _, err := s.svc.UseLink(link, s.newPassword()); err == nil {
		s.violation("R5: a used %s link worked twice for %s", what, u.Login())
	}
	return what + " done"
}

// setup: a new hire finds the setup email and chooses a password (R4).
func (s *Simulator) setup() string {
	u, ok := s.someone(func(u accounts.User) bool { return u.Status == accounts.StatusPending && u.SetupLink != 0 })
	if !ok {
		return "nobody pending"
	}
	link, ok := s.linkFor(u.Email)
	if !ok {
		s.violation("R4: no setup link reached %s", u.Email)
		return "no link"
	}
	return s.useLink(u, link, "setup")
}

// enrol: a user sets up a second factor from their security settings, or,
// now and then, one who has MFA switches to another method.
func (s *Simulator) enrol() string {
	switching := s.rng.IntN(4) == 0
	u, ok := s.someone(func(u accounts.User) bool {
		return s.active(u) && u.MFA.Pending == nil && (u.MFA.Method != accounts.MFANone) == switching
	})
	if !ok {
		return "nobody"
	}
	pw, ok := s.passwordOf(u)
	if !ok {
		return "password unknown"
	}
	return s.enrolUser(u, pw)
}

func (s *Simulator) enrolUser(u accounts.User, pw string) string {
	method := accounts.MFAApp
	phone := ""
	switch r := s.rng.IntN(10); {
	case r < 3:
		method = accounts.MFASMS
		phone = mfa.DemoPhone(s.rng.IntN(700)*100 + s.rng.IntN(100)) // US by R21, not a real subscriber
	case r < 5 && u.EmailVerified && !u.Legacy():
		method = accounts.MFAEmail
	}
	if err := s.startEnrolment(u, pw, method, phone); err != nil {
		return "enrol " + outcomeOf(err)
	}
	cur, err := s.svc.UserByLogin(u.Login())
	if err != nil || cur.MFA.Pending == nil {
		s.violation("R22: %s started enrolling %s but nothing is pending", u.Login(), method)
		return "lost"
	}
	code, ok := s.secondFactor(cur, method, cur.MFA.Pending.Phone)
	if !ok {
		return "no code arrived"
	}
	if _, err := s.svc.ConfirmEnrolment(u.Login(), code); err != nil {
		return "confirm " + outcomeOf(err)
	}
	s.sum.Enrolments++
	return "enrolled " + string(method)
}

// adminUnlock: a practice admin unlocks a colleague who came to their desk (R13).
func (s *Simulator) adminUnlock() string {
	locks, err := s.svc.Lockouts(50)
	if err != nil || len(locks) == 0 {
		return "no lockouts"
	}
	l := locks[s.rng.IntN(len(locks))]
	admin, ok := s.adminOf(l.User.PracticeID, l.User.ID)
	if !ok {
		return "no admin"
	}
	_, err = s.svc.Unlock(asAdmin(admin), l.User.ID, accounts.Request{Reason: "unlocked at the front desk after checking their badge"})
	return outcomeOf(err)
}

func (s *Simulator) adminOf(practiceID, not uint64) (accounts.User, bool) {
	v, err := s.svc.PracticeDetail(practiceID)
	if err != nil {
		return accounts.User{}, false
	}
	for _, a := range v.Admins {
		if a.ID != not && a.Status == accounts.StatusActive {
			return a, true
		}
	}
	return accounts.User{}, false
}

// legacyReset: a practice admin sends a reset email to a legacy user, who
// follows it (R8, R17).
func (s *Simulator) legacyReset() string {
	u, ok := s.someone(func(u accounts.User) bool {
		return u.Legacy() && u.Status == accounts.StatusActive && u.ContactEmail != ""
	})
	if !ok {
		return "no legacy user"
	}
	admin, ok := s.adminOf(u.PracticeID, u.ID)
	if !ok {
		return "no admin"
	}
	if _, err := s.svc.SendPasswordReset(asAdmin(admin), u.ID, accounts.Request{Reason: "forgot their password"}); err != nil {
		return outcomeOf(err)
	}
	link, ok := s.linkFor(u.ContactEmail)
	if !ok {
		s.violation("R17: no reset link reached %s", u.ContactEmail)
		return "no link"
	}
	return s.useLink(u, link, "reset")
}

// licenses: an owner of a nearly full practice asks for more (R2).
func (s *Simulator) licenses() string {
	u, ok := s.someone(func(u accounts.User) bool { return u.Roles.Owner && u.Status == accounts.StatusActive })
	if !ok {
		return "no owner"
	}
	p, err := s.svc.Practice(u.PracticeID)
	if err != nil || p.Free() > 2 {
		return "not needed"
	}
	reqs, _ := s.svc.LicenseRequests(p.ID)
	for _, r := range reqs {
		if r.State == accounts.RequestOpen {
			return "already asked"
		}
	}
	_, err = s.svc.RequestLicenses(self(u), p.ID, 5, accounts.Request{Requester: u.Login(), Reason: "hiring"})
	return outcomeOf(err)
}

// probeInactive: someone who left tries their old password: it must fail (R14).
func (s *Simulator) probeInactive() string {
	u, ok := s.someone(func(u accounts.User) bool { return u.Status == accounts.StatusInactive })
	if !ok {
		return "no leaver"
	}
	pw, ok := s.passwordOf(u)
	if !ok {
		pw = "whatever they used"
	}
	_, err := s.svc.Login(u.Login(), pw)
	var next *accounts.NextStepError
	if err == nil || errors.As(err, &next) {
		s.violation("R14: inactive %s logged in", u.Login())
		return "LOGGED IN"
	}
	return outcomeOf(err)
}

// startEnrolment chooses a method in the security settings. A user who has
// MFA already is asked for a code from it too (R22): the password alone
// must not be enough, and the code is then read as the user would.
func (s *Simulator) startEnrolment(u accounts.User, pw string, method accounts.MFAMethod, phone string) error {
	_, err := s.svc.StartEnrolment(u.Login(), pw, "", method, phone)
	if u.MFA.Method == accounts.MFANone {
		return err
	}
	if err == nil {
		s.violation("R22: a password alone moved %s's second factor", u.Login())
		return nil
	}
	if accounts.RuleOf(err) != "R22" {
		return err
	}
	code, ok := s.secondFactor(u, u.MFA.Method, u.MFA.Phone)
	if !ok {
		return errors.New("no code arrived")
	}
	_, err = s.svc.StartEnrolment(u.Login(), pw, code, method, phone)
	return err
}
