package sim

import (
	"regexp"

	"latchkey/accounts"
)

var (
	linkRE = regexp.MustCompile(regexp.QuoteMeta(accounts.LinkBase) + `[A-Za-z0-9_-]+`)
	codeRE = regexp.MustCompile(`\b\d{6}\b`)
)

// linkFor reads the newest link sent to addr, as the user would in their
// mail: through the service's demo-only path, the recipient's copy (R30).
func (s *Simulator) linkFor(addr string) (string, bool) {
	msgs, err := s.svc.DemoOutbox(accounts.OutboxQuery{To: addr, Limit: 5})
	if err != nil {
		return "", false
	}
	for _, m := range msgs {
		if l := linkRE.FindString(m.Body); l != "" {
			return l, true
		}
	}
	return "", false
}

// codeFor reads the newest 6-digit code sent to addr (a phone or an email).
func (s *Simulator) codeFor(addr string) (string, bool) {
	msgs, err := s.svc.DemoOutbox(accounts.OutboxQuery{To: addr, Limit: 3})
	if err != nil {
		return "", false
	}
	for _, m := range msgs {
		if c := codeRE.FindString(m.Body); c != "" {
			return c, true
		}
	}
	return "", false
}

// secondFactor is the code the user would type: from their phone, their
// mailbox, or their authenticator app.
func (s *Simulator) secondFactor(u accounts.User, method accounts.MFAMethod, phone string) (string, bool) {
	switch method {
	case accounts.MFAApp:
		c, err := s.svc.DemoTOTP(u.Login())
		return c, err == nil
	case accounts.MFASMS:
		return s.codeFor(phone)
	}
	return s.codeFor(u.Email)
}
