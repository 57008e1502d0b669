package accounts

import (
	"bytes"
	"strings"

	"latchkey/mfa"
)

// totpIssuer names Latchkey in authenticator apps.
const totpIssuer = "Latchkey"

// Enrolment is what the user sees after choosing a method (R21, R22).
type Enrolment struct {
	Method    MFAMethod `json:"method"`
	SentTo    string    `json:"sent_to,omitempty"`    // where the confirmation code went, masked
	QR        string    `json:"qr,omitempty"`         // the otpauth URI as half-block text
	ManualKey string    `json:"manual_key,omitempty"` // the secret grouped for typing
	URI       string    `json:"uri,omitempty"`
	Notice    string    `json:"notice,omitempty"` // SMS and email are weaker than an app
}

// StartEnrolment is a logged-in user, from their security settings, choosing
// a second factor after re-entering their password (R22): SMS to a US number,
// email to their verified login email, or an authenticator app (R21). The
// method is active only once one of its codes is verified; until then any
// old method stays. On an account that has MFA already, code is a code from
// the current method as well (a password alone never moves a second factor,
// R22); without it an SMS or email code is sent and the answer asks for it.
func (s *Service) StartEnrolment(login, password, code string, method MFAMethod, phone string) (Enrolment, error) {
	u, err := s.UserByLogin(login)
	if err != nil {
		_, _ = verifyPassword(password, s.dummyHash())
		return Enrolment{}, ErrBadCredentials
	}
	if err := s.reauth(u, password, "the security settings"); err != nil {
		return Enrolment{}, err
	}
	if _, err := ParseMFAMethod(string(method)); err != nil {
		return Enrolment{}, err
	}
	out := Enrolment{Method: method}
	pending := MFAEnrolment{Method: method}
	switch method {
	case MFASMS:
		if pending.Phone, err = mfa.NormalizeUSPhone(phone); err != nil {
			return Enrolment{}, refuse("R21", strings.TrimPrefix(err.Error(), "R21: "))
		}
		out.Notice = WeakMethodNotice
	case MFAEmail:
		if !u.EmailVerified || u.Email == "" {
			return Enrolment{}, refuse("R21", "email codes go only to a verified login email, and this account has none")
		}
		out.Notice = WeakMethodNotice
	case MFAApp:
		key, err := mfa.NewTOTPSecret(totpIssuer, u.Login())
		if err != nil {
			return Enrolment{}, err
		}
		if pending.Secret, err = s.sealSecret(u.ID, key.Secret); err != nil {
			return Enrolment{}, err
		}
		out.URI, out.ManualKey = key.URI, mfa.ManualKey(key.Secret)
		if out.QR, err = mfa.QRText(key.URI); err != nil {
			return Enrolment{}, err
		}
	}
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	key := s.openStepUp(u, code)
	var refusal error
	err = s.act(actor, ActMFAEnrolStart, &u, Request{}, func(t *txn) error {
		old, err := getUser(t.tx, u.ID)
		if err != nil {
			return err
		}
		if old.Status != StatusActive {
			return refuse("R22", "only an active account sets up MFA")
		}
		if err := passwordStill(old, u, "R22"); err != nil {
			return err
		}
		if old.LockedNow(t.now) {
			return refuse("R11", "this account is locked")
		}
		n := old
		if refusal, err = t.stepUp(actor, old, &n, code, key, "changing the sign-in method"); err != nil || refusal != nil {
			return err
		}
		if method == MFAApp {
			sealer, err := t.s.sealer(true)
			if err != nil {
				return err
			}
			if err := t.checkSealKey(sealer); err != nil {
				return err
			}
		}
		pending.StartedAt = t.now
		if method != MFAApp {
			// Over the limit of code sends nothing is sent and nothing is
			// set up; a pending code stays live (R23).
			if refusal, err = t.codeSend(actor, n, "setting up "+string(method), enrolDest(n, method, pending.Phone)); err != nil || refusal != nil {
				return err
			}
			code, c, err := t.newCode()
			if err != nil {
				return err
			}
			pending.Code = &c
			msg, err := t.sendCode(n, method, pending.Phone, code, "Confirm your Latchkey sign-in method", ActMFAEnrolStart)
			if err != nil {
				return err
			}
			out.SentTo = maskedDestination(msg)
		}
		n.MFA.Pending = &pending
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		return t.audit(actor, ActMFAEnrolStart, &n, Request{}, OutcomeOK, "setting up "+string(method))
	})
	if err == nil && refusal != nil {
		return Enrolment{}, refusal
	}
	return out, err
}

// enrolDest is where an enrolment's code goes, for the limit of code
// sends to one destination (R23).
func enrolDest(u User, method MFAMethod, phone string) string {
	if method == MFASMS {
		return "sms:" + phone
	}
	return "email:" + normalizeLogin(u.Email)
}

// checkPassword verifies a password against a user's stored hash (or demo
// password), costing one hash either way.
func (u User) checkPassword(s *Service, password string) (bool, error) {
	if u.Password.Demo && u.Password.Hash == "" {
		if secret := s.demoSecret(); secret != nil {
			_, _ = verifyPassword(password, s.dummyHash())
			return derivePassword(secret, u.ID) == password, nil
		}
	}
	if u.Password.Hash == "" {
		_, _ = verifyPassword(password, s.dummyHash())
		return false, nil
	}
	return verifyPassword(password, u.Password.Hash)
}

// ConfirmEnrolment verifies one code from the method being set up; then,
// and only then, it becomes the user's one method (R21, R22).
func (s *Service) ConfirmEnrolment(login, code string) (User, error) {
	u, err := s.UserByLogin(login)
	if err != nil {
		return User{}, err
	}
	if u.MFA.Pending == nil {
		return User{}, refuseWith("R22", "no MFA method is being set up", "Choose a method in the security settings first.")
	}
	var secret string
	if u.MFA.Pending.Method == MFAApp {
		if secret, err = s.openSecret(u.ID, u.MFA.Pending.Secret); err != nil {
			return User{}, err
		}
	}
	actor := Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}
	var out User
	var refusal error
	err = s.update(func(t *txn) error {
		old, err := getUser(t.tx, u.ID)
		if err != nil {
			return err
		}
		if old.MFA.Pending == nil {
			refusal = refuse("R22", "no MFA method is being set up")
			return nil
		}
		if old.Status != StatusActive {
			refusal = refuse("R14", "this account is not active")
			return nil
		}
		if old.LockedNow(t.now) {
			refusal = refuse("R11", "this account is locked")
			return nil
		}
		if p := old.MFA.Pending; p.Method == MFAApp && !bytes.Equal(p.Secret, u.MFA.Pending.Secret) {
			refusal = refuseWith("R22", "the authenticator enrolment was started again meanwhile", "Scan the newest QR code.")
			return nil
		}
		n := old
		p := *old.MFA.Pending
		var step int64
		var cerr error
		switch p.Method {
		case MFAApp:
			step, cerr = mfa.ValidateTOTP(secret, code, t.now)
		default:
			c := *p.Code
			var ok bool
			if ok, cerr = t.checkCode(&c, code); ok {
				cerr = nil
			} else if kerr := asKeyFault(cerr); kerr != nil {
				return kerr // not compared: the method is not spent a try
			} else if cerr == nil {
				cerr = mfa.ErrCodeWrong
			}
			p.Code = &c
		}
		if cerr != nil {
			return t.failEnrolment(actor, old, p, cerr, &refusal)
		}
		previous := old.MFA.Method
		n.MFA = MFA{Method: p.Method, Phone: p.Phone, Secret: p.Secret, EnrolledAt: t.now}
		if step != 0 {
			n.MFA.LastStep, n.MFA.UsedSteps = step, []int64{step}
		}
		if err := t.putUser(&old, n); err != nil {
			return err
		}
		out = n
		detail := string(p.Method) + " enabled"
		if previous != MFANone {
			detail += ", replacing " + string(previous)
		}
		// The message (cause mfa.enrolled) is the record that the user was
		// told; the event's detail stays as it was.
		if err := t.tellMethodChanged(old, n); err != nil {
			return err
		}
		if err := t.audit(actor, ActMFAEnrolled, &n, Request{}, OutcomeOK, detail); err != nil {
			return err
		}
		return t.watchNewFactor(n) // R43: a factor enrolled soon after a clear is watched
	})
	if err != nil {
		return User{}, err
	}
	return out, refusal
}

// DisableOwnMFA is a user trying to turn off their MFA: refused, always;
// only an operator clears it (R25).
func (s *Service) DisableOwnMFA(login string) error {
	u, err := s.UserByLogin(login)
	if err != nil {
		return err
	}
	refusal := refuseWith("R25", "MFA cannot be turned off by the user once enabled", "If the phone or app is lost, call support to have it cleared.")
	if !hasMFA(u) {
		refusal = refuse("R25", u.Login()+" has no MFA to turn off")
	}
	return s.auditRefusal(Actor{Kind: ActorUser, Name: u.Login(), UserID: u.ID}, ActMFADisable, &u, refusal)
}

// RequireMFA turns a practice's MFA requirement on or off — all its users or
// none (R24). Only an operator does it, recording which owner or admin of
// the practice asked.
func (s *Service) RequireMFA(actor Actor, practiceID uint64, on bool, req Request) (Practice, error) {
	var p Practice
	err := s.act(actor, ActMFARequired, nil, req, func(t *txn) error {
		if err := stateRequireMFA(actor); err != nil {
			return err
		}
		var err error
		if p, err = getPractice(t.tx, practiceID); err != nil {
			return err
		}
		r, err := t.checkAsker(askRequireMFA, p, req.Requester, nil, "owners or admins",
			req.Requester+" is not an owner or admin of "+p.Name)
		if err != nil {
			return err
		}
		if p.MFARequired == on {
			return refuse("R24", p.Name+" already has the requirement "+onOff(on))
		}
		old := p
		p.MFARequired = on
		if err := t.putPractice(&old, p); err != nil {
			return err
		}
		return t.appendEvent(Event{ActorKind: actor.Kind, Actor: actor.Name, readOnly: actor.ReadOnly, Action: ActMFARequired, Target: p.Name,
			PracticeID: p.ID, Requester: r.Login(), Reason: req.Reason, Outcome: OutcomeOK, Detail: "MFA required: " + onOff(on)})
	})
	return p, err
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// DemoTOTP is the code a user's authenticator app shows now, for demos
// (demo databases only, R40).
func (s *Service) DemoTOTP(login string) (string, error) {
	if !s.IsDemo() {
		return "", refuse("R40", "acting as a practice user is for demo databases only")
	}
	u, err := s.UserByLogin(login)
	if err != nil {
		return "", err
	}
	sealed := u.MFA.Secret
	if u.MFA.Pending != nil && u.MFA.Pending.Method == MFAApp {
		sealed = u.MFA.Pending.Secret
	} else if u.MFA.Method != MFAApp {
		return "", refuse("R21", u.Login()+" has no authenticator app")
	}
	secret, err := s.openSecret(u.ID, sealed)
	if err != nil {
		return "", err
	}
	return mfa.TOTPCode(secret, s.Now()), nil
}

// EnrolmentQR shows again the QR code of an app enrolment in progress (the
// user's side, for demos, R40).
func (s *Service) EnrolmentQR(login string) (Enrolment, error) {
	if !s.IsDemo() {
		return Enrolment{}, refuse("R40", "the user's side of enrolment is shown only in demo databases")
	}
	u, err := s.UserByLogin(login)
	if err != nil {
		return Enrolment{}, err
	}
	if u.MFA.Pending == nil || u.MFA.Pending.Method != MFAApp {
		return Enrolment{}, refuse("R22", u.Login()+" is not setting up an authenticator app")
	}
	secret, err := s.openSecret(u.ID, u.MFA.Pending.Secret)
	if err != nil {
		return Enrolment{}, err
	}
	key, err := mfa.TOTPKeyFor(totpIssuer, u.Login(), secret)
	if err != nil {
		return Enrolment{}, err
	}
	qr, err := mfa.QRText(key.URI)
	return Enrolment{Method: MFAApp, QR: qr, URI: key.URI, ManualKey: mfa.ManualKey(secret)}, err
}
