package accounts

import (
	"errors"
	"io/fs"
	"os"

	"latchkey/mfa"
)

// KeyStatus says whether this machine's key file is the one the database's
// one-time codes, TOTP secrets, unknown-login markers and forgot-password
// throttle entries are keyed with (R37), so that `latchkey check` run on each machine of a shared desk tells
// which one lacks it. It is read-only: it never creates a key file, and it
// holds no secret (key ids are truncated hashes that reveal nothing usable
// about a key).
type KeyStatus struct {
	File     string `json:"file"`               // this machine's key file
	Recorded string `json:"recorded,omitempty"` // the database's key id; "" while none is recorded
	KeyID    string `json:"key_id,omitempty"`   // the key file's id, when it could be read
	OK       bool   `json:"ok"`                 // codes and TOTP secrets can be used here
	Problem  string `json:"problem,omitempty"`  // why not, naming R37
}

// KeyStatus reports on this machine's key file against the database's.
func (s *Service) KeyStatus() (KeyStatus, error) {
	var st KeyStatus
	st.File = s.cfg.KeyFile
	if st.File == "" {
		var err error
		if st.File, err = mfa.DefaultKeyPath(); err != nil {
			return st, err
		}
	}
	recorded, err := s.recordedKey()
	if err != nil {
		return st, err
	}
	st.Recorded = string(recorded)
	if _, err := os.Stat(st.File); recorded == nil && errors.Is(err, fs.ErrNotExist) {
		// Nothing keyed yet and no file: the first code, secret or
		// unknown-login marker makes it.
		st.OK = true
		return st, nil
	}
	sealer, err := s.keyFor(recorded, false)
	if err == nil {
		st.KeyID = sealer.KeyID()
		err = keyMatches(recorded, sealer)
	}
	var re *RuleError
	switch {
	case err == nil:
		st.OK = true
	case errors.As(err, &re):
		st.Problem = re.Error()
	default:
		return st, err
	}
	return st, nil
}
