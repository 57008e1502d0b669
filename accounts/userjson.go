package accounts

import (
	"encoding/json"
	"math"
	"time"
	"unicode/utf8"
)

// Every action reads its user: decodeUser reads the record as AppendJSON
// writes it without encoding/json's reflection (a fifth of an unlock's own
// CPU). Whatever it does not expect — an escape in a string, a null, a member
// spelled otherwise, the MFA state's inner records — goes through
// encoding/json (the MFA member on its own, anything else the whole record),
// so it returns what json.Unmarshal returns. TestUserDecodeAsEncodingJSON
// compares the two.
func decodeUser(v []byte) (User, error) {
	var u User
	if end, ok := walkObject(v, u.decodeMember); ok && skipSpace(v, end) == len(v) {
		return u, nil
	}
	u = User{}
	err := json.Unmarshal(v, &u)
	return u, err
}

// decodeMember reads one member of a user's record, or says it cannot.
func (u *User) decodeMember(key, value []byte) bool {
	ok := false
	switch string(key) {
	case "id":
		u.ID, ok = jsonUint(value)
	case "practice_id":
		u.PracticeID, ok = jsonUint(value)
	case "name":
		u.Name, ok = plainString(value)
	case "kind":
		ok = plainStringAs(value, &u.Kind)
	case "roles":
		ok = walkTopLevel(value, func(k, v []byte) bool {
			switch string(k) {
			case "owner":
				return plainBool(v, &u.Roles.Owner)
			case "champion":
				return plainBool(v, &u.Roles.Champion)
			case "admin":
				return plainBool(v, &u.Roles.Admin)
			}
			return false
		})
	case "status":
		ok = plainStringAs(value, &u.Status)
	case "email":
		u.Email, ok = plainString(value)
	case "email_verified":
		ok = plainBool(value, &u.EmailVerified)
	case "username":
		u.Username, ok = plainString(value)
	case "password":
		ok = walkTopLevel(value, func(k, v []byte) bool {
			switch string(k) {
			case "hash":
				var ok bool
				u.Password.Hash, ok = plainString(v)
				return ok
			case "demo":
				return plainBool(v, &u.Password.Demo)
			}
			return false
		})
	case "failures":
		ok = plainInt(value, &u.Failures)
	case "locked_at":
		ok = plainTime(value, &u.LockedAt)
	case "locked_until":
		ok = plainTime(value, &u.LockedUntil)
	case "last_login_at":
		ok = plainTime(value, &u.LastLoginAt)
	case "created_at":
		ok = plainTime(value, &u.CreatedAt)
	case "contact_email":
		u.ContactEmail, ok = plainString(value)
	case "reset_link":
		u.ResetLink, ok = jsonUint(value)
	case "mfa":
		// Rarely set and full of inner records: encoding/json, into the
		// field as it would decode it there.
		ok = len(value) > 0 && value[0] == '{' && json.Unmarshal(value, &u.MFA) == nil
	case "setup_link":
		u.SetupLink, ok = jsonUint(value)
	case "pending_email":
		u.PendingEmail, ok = plainString(value)
	case "email_change_link":
		u.EmailChangeLink, ok = jsonUint(value)
	}
	return ok
}

// plainString reads a JSON string with nothing to unescape: no backslash,
// no control character, valid UTF-8 (encoding/json would replace bad bytes).
func plainString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	in := v[1 : len(v)-1]
	for _, c := range in {
		if c < 0x20 || c == '\\' || c == '"' {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

func plainStringAs[T ~string](v []byte, dst *T) bool {
	s, ok := plainString(v)
	*dst = T(s)
	return ok
}

func plainBool(v []byte, dst *bool) bool {
	switch string(v) {
	case "true":
		*dst = true
		return true
	case "false":
		*dst = false
		return true
	}
	return false
}

// jsonUint is plainUint of a number JSON allows: no leading zero.
func jsonUint(v []byte) (uint64, bool) {
	if len(v) > 1 && v[0] == '0' {
		return 0, false
	}
	return plainUint(v)
}

// plainInt reads an optional minus sign and digits that fit an int.
func plainInt(v []byte, dst *int) bool {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	n, ok := jsonUint(v)
	if !ok || n > math.MaxInt64 {
		return false
	}
	*dst = int(n)
	if neg {
		*dst = -*dst
	}
	return true
}

// plainTime reads a quoted time as encoding/json does (time.Time's own
// UnmarshalJSON); a null is left to encoding/json.
func plainTime(v []byte, dst *time.Time) bool {
	return len(v) > 0 && v[0] == '"' && dst.UnmarshalJSON(v) == nil
}
