package accounts

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"latchkey/mfa"
	"latchkey/store/storetest"
)

// TestMain keeps the TOTP sealing key of every test in a temporary
// directory, never in the user's config.
func TestMain(m *testing.M) {
	testShards()
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

// testShards runs the package's tests over shards of 8 users (usershards.go)
// instead of 65,536, so that every rule is proven with users in many
// buckets, and the first shard no longer holds them all. Benchmarks keep
// the shards a file is built with: they may open a demo made by latchkey.
func testShards() {
	flag.Parse()
	if b := flag.Lookup("test.bench"); b != nil && b.Value.String() != "" {
		return
	}
	userShardBits = 3
}
