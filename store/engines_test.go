package store

import (
	"os"
	"path/filepath"
	"testing"

	"latchkey/store/storetest"
)

func TestMain(m *testing.M) {
	if target := os.Getenv(killEnv); target != "" {
		os.Exit(killHelper(target)) // the child of TestKilledMidTransaction
	}
	os.Exit(storetest.Main(m))
}

// engineCase opens fresh, empty databases of one engine.
type engineCase struct {
	name string
	open func(t *testing.T) *DB
}

// engines lists every engine the tests run against (R44: one suite, two
// engines). The bbolt engine always runs.
func engines(t *testing.T) []engineCase {
	t.Helper()
	return []engineCase{{name: "bbolt", open: openTemp}, {name: "postgres", open: openPG}}
}

// openPG opens a fresh PostgreSQL schema, or skips (saying how to run it).
func openPG(t *testing.T) *DB {
	t.Helper()
	db, err := Open(storetest.PostgresURL(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// eachEngine runs fn once per engine, as a subtest named after it.
func eachEngine(t *testing.T, fn func(t *testing.T, open func(t *testing.T) *DB)) {
	t.Helper()
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) { fn(t, e.open) })
	}
}

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "s.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
