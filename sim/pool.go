package sim

import (
	"fmt"

	"latchkey/accounts"
)

// refreshPool samples users from random practices: a simulated crowd of a
// few thousand people even on a database of a million, read through the
// same paged queries the console uses.
func (s *Simulator) refreshPool() error {
	st, err := s.svc.Stats()
	if err != nil {
		return err
	}
	if st.Practices == 0 {
		return nil
	}
	s.pool = s.pool[:0]
	for tries := 0; len(s.pool) < s.poolSize && tries < 200; tries++ {
		pid := uint64(1 + s.rng.IntN(st.Practices))
		rows, err := s.svc.Users(accounts.UserQuery{PracticeID: pid, Limit: 300})
		if err != nil {
			return err
		}
		for _, r := range rows {
			s.pool = append(s.pool, r.Login())
		}
	}
	return nil
}

// someone picks a user from the pool, as they stand now, who fits want.
func (s *Simulator) someone(want func(accounts.User) bool) (accounts.User, bool) {
	if len(s.pool) == 0 {
		return accounts.User{}, false
	}
	for range 40 {
		u, err := s.svc.UserByLogin(s.pool[s.rng.IntN(len(s.pool))])
		if err == nil && want(u) {
			return u, true
		}
	}
	return accounts.User{}, false
}

// passwordOf is the password the user knows: one the simulator chose for
// them, else their demo password.
func (s *Simulator) passwordOf(u accounts.User) (string, bool) {
	if pw, ok := s.passwords[u.Login()]; ok {
		return pw, true
	}
	pw, err := s.svc.DemoPassword(u.Login())
	return pw, err == nil
}

// newPassword is a password a person might choose that R18's policy takes:
// four different words and a number, joined by hyphens (zxcvbn scores these
// 4 of 4; they are on no list).
func (s *Simulator) newPassword() string {
	s.nextPW++
	words := []string{"maple", "harbor", "lantern", "copper", "meadow", "falcon", "cedar", "river", "quartz", "willow",
		"thistle", "juniper", "ember", "glacier", "orchid", "basalt", "heron", "saffron", "tundra", "walnut"}
	pick := s.rng.Perm(len(words))[:4]
	return fmt.Sprintf("%s-%s-%s-%s-%d", words[pick[0]], words[pick[1]], words[pick[2]], words[pick[3]], 1000+s.nextPW)
}
