package accounts

import (
	"os"
	"path/filepath"
	"testing"

	"latchkey/mfa"
	"latchkey/store/storetest"
)

// TestMain keeps the TOTP sealing key of every test in a temporary
// directory, never in the user's config.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess()) // a child of a many-process test
	}
	dir, err := os.MkdirTemp("", "latchkey-keys")
	if err != nil {
		panic(err)
	}
	os.Setenv(mfa.KeyFileEnv, filepath.Join(dir, "secret.key"))
	code := storetest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}
