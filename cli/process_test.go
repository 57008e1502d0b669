package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"latchkey/mfa"

	"latchkey/store/storetest"
)

// The test binary doubles as latchkey: with this variable set it runs the
// command line on its own arguments and exits. Tests that must see a second
// process, or must survive a crash of the one they test, run it that way.
const asLatchkey = "LATCHKEY_TEST_RUN_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asLatchkey) == "1" {
		os.Exit(New(StdIO()).Run(os.Args[1:]))
	}
	// Authenticator secrets are sealed under a key file (R37): the tests'
	// goes in a temporary directory, never the user's own.
	if os.Getenv(mfa.KeyFileEnv) == "" {
		dir, err := os.MkdirTemp("", "latchkey-cli-test-")
		if err != nil {
			panic(err)
		}
		os.Setenv(mfa.KeyFileEnv, filepath.Join(dir, "secret.key"))
		code := storetest.Main(m)
		os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(storetest.Main(m))
}

// runProcess runs latchkey args in a separate process (the real clock and
// costs: only for commands that need neither) and reports how long it took.
func runProcess(t *testing.T, args ...string) (result, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asLatchkey+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	r := result{out: out.String(), err: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r, took
}
