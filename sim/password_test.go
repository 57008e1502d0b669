package sim

import (
	mrand "math/rand/v2"
	"testing"

	"latchkey/accounts"
)

// R18: the passwords the simulator chooses for its users pass the policy
// (blocklist with its variants, zxcvbn with the person's context words), so
// the simulated resets and setups exercise the flow, not the refusal.
func TestSimulatorPasswordsPassPolicy(t *testing.T) {
	s := &Simulator{rng: mrand.New(mrand.NewPCG(7, 0x5e1f))}
	u := accounts.User{Name: "Maple Harbor", Email: "maple.harbor@riverside.example"}
	for range 300 {
		pw := s.newPassword()
		if err := accounts.CheckNewPassword(pw, u, false, "Riverside Willow Clinic"); err != nil {
			t.Fatalf("R18: the simulator chose %q: %v", pw, err)
		}
	}
}
