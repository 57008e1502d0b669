package accounts

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sameDecode fails unless decodeUser reads raw as json.Unmarshal does: the
// same user, or an error for both.
func sameDecode(t *testing.T, raw []byte) bool {
	t.Helper()
	var want User
	werr := json.Unmarshal(raw, &want)
	got, err := decodeUser(raw)
	if (err != nil) != (werr != nil) || (werr == nil && !reflect.DeepEqual(got, want)) {
		t.Errorf("%s:\n by hand      %+v (%v)\n encoding/json %+v (%v)", raw, got, err, want, werr)
		return false
	}
	return true
}

// R15, R29: a user's record is read by hand on the hot path (every action
// reads its user) exactly as encoding/json reads it — whatever the record
// holds (every escape, odd times, MFA state of every kind) and however it
// is spelled: spaces, members in another order or another case, nulls,
// unknown members, numbers JSON does not allow, damage.
func TestUserDecodeAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		u := randomUser(rng)
		raw, ok := u.AppendJSON(nil)
		if !ok {
			var err error
			if raw, err = json.Marshal(u); err != nil {
				continue // a time encoding/json refuses: never stored
			}
		}
		if !sameDecode(t, raw) {
			return
		}
	}
	u := User{ID: 42, PracticeID: 7, Name: "Ann Lee", Kind: "staff", Roles: Roles{Admin: true}, Status: StatusActive,
		Email: "ann@example.org", EmailVerified: true, Password: Credential{Hash: "$argon2id$x"}, Failures: 2,
		LockedAt: testEpoch, LockedUntil: testEpoch.Add(60 * 60e9), CreatedAt: testEpoch, ResetLink: 3}
	raw, _ := u.AppendJSON(nil)
	plain := string(raw)
	for _, variant := range []string{
		plain,
		" " + strings.ReplaceAll(plain, ",", " ,\n ") + " ",
		strings.Replace(plain, `"id":42`, `"ID":42`, 1),
		strings.Replace(plain, `"id":42`, `"id":042`, 1),
		strings.Replace(plain, `"id":42`, `"id":-42`, 1),
		strings.Replace(plain, `"id":42`, `"id":4.2e1`, 1),
		strings.Replace(plain, `"id":42`, `"id":null`, 1),
		strings.Replace(plain, `"failures":2`, `"failures":-2`, 1),
		strings.Replace(plain, `"failures":2`, `"failures":-02`, 1),
		strings.Replace(plain, `"failures":2`, `"failures":99999999999999999999`, 1),
		strings.Replace(plain, `"name":"Ann Lee"`, `"name":"Ann \u004cee"`, 1),
		strings.Replace(plain, `"name":"Ann Lee"`, "\"name\":\"Ann \xffLee\"", 1),
		strings.Replace(plain, `"name":"Ann Lee"`, `"name":null`, 1),
		strings.Replace(plain, `"name":"Ann Lee"`, `"name":7`, 1),
		strings.Replace(plain, `"roles":{"admin":true}`, `"roles":{"admin":true,"owner":false}`, 1),
		strings.Replace(plain, `"roles":{"admin":true}`, `"roles":{"admin":1}`, 1),
		strings.Replace(plain, `"roles":{"admin":true}`, `"roles":null`, 1),
		strings.Replace(plain, `"roles":{"admin":true}`, `"roles":{"admin":true},"roles":{"owner":true}`, 1),
		strings.Replace(plain, `"email_verified":true`, `"email_verified":"yes"`, 1),
		strings.Replace(plain, `"status":"active"`, `"status":"active","extra":[1,{"a":2}]`, 1),
		strings.Replace(plain, `"locked_at":"`, `"locked_at":"x`, 1),
		strings.Replace(plain, `"locked_at":`, `"locked_at":null,"locked_at":`, 1),
		strings.Replace(plain, `"created_at"`, `"last_login_at":null,"created_at"`, 1),
		strings.Replace(plain, `"reset_link":3`, `"reset_link":3,"mfa":{"method":"app","last_step":4}`, 1),
		strings.Replace(plain, `"reset_link":3`, `"reset_link":3,"mfa":{"method":7}`, 1),
		strings.Replace(plain, `"reset_link":3`, `"reset_link":3,"mfa":null`, 1),
		plain + " x",
		plain + "}",
		plain[:len(plain)-1],
		plain[:len(plain)/2],
		`{}`, `[]`, `null`, ``,
	} {
		sameDecode(t, []byte(variant))
	}
}
