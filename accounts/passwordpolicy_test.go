package accounts

import (
	"strings"
	"testing"
)

// R18: the list is checked on the password as typed and on its common
// disguises — case, spacing, digits and symbols added at either end,
// look-alike substitutions — and the refusal names the check, never the
// password.
func TestPasswordBlocklistVariants(t *testing.T) {
	u := User{Name: "Rosa Diaz", Email: "rosa.diaz@example.org"}
	for _, pw := range []string{
		"PASSWORD",          // case
		"  i love   you  ",  // spacing
		"Password12345678!", // digits and symbols at the end (zxcvbn alone scores this 3)
		"!!!2024sunshine2024!!!",
		"P@$$w0rd!",
		"L3tM3In!!2024",
		"qu33nb33!!",
		"f00tb4ll#1",
	} {
		err := checkNewPassword(pw, u, true, "Greenfield Clinic")
		if err == nil {
			t.Errorf("R18: %q accepted", pw)
			continue
		}
		if !strings.Contains(err.Error(), "blocklist:") {
			t.Errorf("R18: %q refused, but not by the blocklist: %v", pw, err)
		}
		if strings.ContainsAny(pw, "0123456789!@$#&") && strings.Contains(err.Error(), strings.TrimSpace(pw)) {
			t.Errorf("R18: the refusal repeats the password: %v", err)
		}
	}
}

// R18: zxcvbn's estimate, with the person's name, email, practice and the
// product's name as known words, refuses guessable passwords the list does
// not hold, and the refusal says it was the strength check.
func TestPasswordStrengthWithContext(t *testing.T) {
	u := User{Name: "Rosa Diaz", Email: "rosa.diaz@greenfield.example"}
	for _, pw := range []string{
		"greenfield clinic rosa diaz",
		"RosaDiazGreenfield2026",
		"latchkey latchkey latchkey",
		"aaaaaaaaaaaaaaaaaaaa",
		"abcdefghijklmnopqrst",
		"diaz.rosa@greenfield",
	} {
		err := checkNewPassword(pw, u, false, "Greenfield Clinic")
		if err == nil {
			t.Errorf("R18: %q accepted", pw)
			continue
		}
		if !strings.Contains(err.Error(), "strength:") && !strings.Contains(err.Error(), "blocklist:") {
			t.Errorf("R18: %q refused, but not as guessable: %v", pw, err)
		}
	}
	// Unrelated words, long enough, pass.
	for _, pw := range []string{"a-brand-new-passphrase-1", "Quiet-Harbor-Lantern-2048", "violet tundra ember basalt", "Vk3#pQ9zLm2@wR8tYc5!nB4hJx7&fD6s"} {
		if err := checkNewPassword(pw, u, false, "Greenfield Clinic"); err != nil {
			t.Errorf("R18: %q refused: %v", pw, err)
		}
	}
}

// R18: a blank or whitespace-only password is refused as such; the
// 15/8-character minimum and a maximum of at least 64 still hold.
func TestPasswordBlankAndLengths(t *testing.T) {
	u := User{Name: "Rosa Diaz", Email: "rosa.diaz@example.org"}
	for _, pw := range []string{"", " ", strings.Repeat(" ", 20), "\t\n \u3000"} {
		err := checkNewPassword(pw, u, true, "")
		wantRule(t, err, "R18")
		if !strings.Contains(err.Error(), "blank") {
			t.Errorf("R18: %q not refused as blank: %v", pw, err)
		}
	}
	if err := checkNewPassword("violet-ember-9", u, false, ""); err == nil || !strings.Contains(err.Error(), "length: shorter than 15") {
		t.Errorf("R18: 14 characters without MFA: %v", err)
	}
	if err := checkNewPassword("vi0let-emb3r#9", u, true, ""); err != nil {
		t.Errorf("R18: 14 characters with MFA: %v", err)
	}
	long := strings.Repeat("Vk3#pQ9z", 8) // 64
	if err := checkNewPassword(long, u, false, ""); err != nil {
		t.Errorf("R18: 64 characters refused: %v", err)
	}
	if err := checkNewPassword(strings.Repeat(long, 5), u, false, ""); err == nil || !strings.Contains(err.Error(), "length: longer") {
		t.Errorf("R18: 320 characters: %v", err)
	}
}

// R18: the passwords the demo derives for its users and the ones the
// simulator chooses (four words and a number) pass the policy.
func TestDemoPasswordsPassPolicy(t *testing.T) {
	secret := []byte("a demo secret of some length....")
	for id := uint64(1); id <= 400; id++ {
		pw := derivePassword(secret, id)
		u := User{Name: "Elena Alvarez", Email: "elena.alvarez.4@example.com"}
		if err := checkNewPassword(pw, u, false, "Alvarez Family Practice"); err != nil {
			t.Errorf("R18: demo password %q (user %d): %v", pw, id, err)
		}
	}
}

// The policy runs on every password form; it must stay well under the
// argon2id hash that follows it.
func BenchmarkCheckNewPassword(b *testing.B) {
	u := User{Name: "Rosa Diaz", Email: "rosa.diaz@greenfield.example"}
	for _, pw := range []string{"Quiet-Harbor-Lantern-2048", "P@$$w0rd-P@$$w0rd!", strings.Repeat("long words here ", 4), strings.Repeat("Vk3#pQ9z", 32)} {
		b.Run(itoa(len(pw)), func(b *testing.B) {
			for b.Loop() {
				_ = checkNewPassword(pw, u, false, "Greenfield Clinic")
			}
		})
	}
}
