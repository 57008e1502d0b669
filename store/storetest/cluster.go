// Package storetest gives tests a fresh database of either engine (R44):
// a bbolt file in the test's temporary directory, or an empty schema of a
// PostgreSQL database — on a throwaway cluster the tests start themselves
// (initdb and pg_ctl in a temporary directory, on a free port; as the
// postgres system user when running as root), or on the server
// LATCHKEY_TEST_POSTGRES names. Where PostgreSQL is absent, asking for it
// skips the test with a message saying how to run it.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names an existing PostgreSQL server for the tests (a URL whose
// user may create schemas); without it the tests start their own cluster.
const EnvURL = "LATCHKEY_TEST_POSTGRES"

// EnvEngine chooses the engine the account, simulator and command suites
// run on: "bbolt" (the default) or "postgres".
const EnvEngine = "LATCHKEY_TEST_ENGINE"

// HowToRun is the skip message's advice.
const HowToRun = "install PostgreSQL (apt-get install -y postgresql) so the tests can start a throwaway cluster, or set " + EnvURL + "=postgres://user@host:5432/db"

var (
	clusterOnce sync.Once
	cluster     *pgCluster
	clusterErr  error
	schemaN     atomic.Int64
)

type pgCluster struct {
	adminURL string // the server's URL, no schema chosen
	dir      string // our cluster's directory; "" for an external server
	pgCtl    string
	asUser   string // run pg_ctl as this user ("" for ourselves)
	opts     string // the server's options (port, socket directory)
	external bool
}

// Available reports whether PostgreSQL can be used, starting the
// throwaway cluster on first call; the error says why not.
func Available() error {
	clusterOnce.Do(func() { cluster, clusterErr = startCluster() })
	return clusterErr
}

// PostgresURL returns the URL of a fresh, empty schema, or skips t.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("PostgreSQL half skipped: %v; to run it, %s", err, HowToRun)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), schemaN.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.adminURL)
	if err != nil {
		t.Fatalf("test PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("test PostgreSQL: %v", err)
	}
	if cluster.external {
		t.Cleanup(func() { dropSchema(name) })
	}
	return withParam(cluster.adminURL, "search_path", name)
}

func dropSchema(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, cluster.adminURL); err == nil {
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
		_ = conn.Close(ctx)
	}
}

func withParam(u, k, v string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}

// Engine is the engine the suites run on, from EnvEngine.
func Engine() string {
	if strings.EqualFold(os.Getenv(EnvEngine), "postgres") {
		return "postgres"
	}
	return "bbolt"
}

// Target returns a --db value for a fresh, empty database of the engine
// the suite runs on: a file named name in t's temporary directory, or a
// fresh PostgreSQL schema (skipping t where PostgreSQL is absent).
func Target(t testing.TB, name string) string {
	t.Helper()
	if Engine() == "postgres" {
		return PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), name)
}

// OnPostgres reports whether the suite runs on PostgreSQL.
func OnPostgres() bool { return Engine() == "postgres" }

// Main runs the package's tests and then stops the throwaway cluster, if
// one was started: use it as TestMain's m.Run.
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the throwaway cluster (immediately: it holds nothing worth
// keeping) and removes its directory.
func Stop() {
	if cluster == nil || cluster.external {
		return
	}
	_ = cluster.ctl("stop", "-m", "fast").Run()
	_ = os.RemoveAll(cluster.dir)
	cluster = nil
}

func startCluster() (*pgCluster, error) {
	if u := os.Getenv(EnvURL); u != "" {
		c := &pgCluster{adminURL: u, external: true}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("%s does not answer: %v", EnvURL, err)
		}
		_ = conn.Close(ctx)
		return c, nil
	}
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &pgCluster{pgCtl: filepath.Join(bin, "pg_ctl")}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("running as root and there is no postgres user to run the cluster as")
		}
		c.asUser = "postgres"
	}
	dir, err := os.MkdirTemp("", "latchkey-pg-")
	if err != nil {
		return nil, err
	}
	c.dir = dir
	if c.asUser != "" {
		if err := exec.Command("chown", c.asUser, dir).Run(); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("chown %s: %v", dir, err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.cmd(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "latchkey", "-N", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// A test cluster keeps nothing worth an fsync.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	c.opts = opts
	if out, err := c.ctl("start", "-w", "-t", "30", "-o", opts, "-l", filepath.Join(dir, "log")).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
	}
	c.watch()
	c.adminURL = fmt.Sprintf("postgres://latchkey@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// watch stops the cluster if the test process dies without calling Stop
// (a panic, a timeout, SIGKILL): a small shell loop outlives it.
func (c *pgCluster) watch() {
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; %s -D %s/data stop -m immediate >/dev/null 2>&1; rm -rf %s",
		os.Getpid(), c.pgCtl, c.dir, c.dir)
	if c.asUser != "" {
		script = fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; runuser -u %s -- %s -D %s/data stop -m immediate >/dev/null 2>&1; rm -rf %s",
			os.Getpid(), c.asUser, c.pgCtl, c.dir, c.dir)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	_ = cmd.Start()
	go func() { _ = cmd.Wait() }()
}

func (c *pgCluster) ctl(args ...string) *exec.Cmd {
	return c.cmd(c.pgCtl, append([]string{"-D", filepath.Join(c.dir, "data")}, args...)...)
}

func (c *pgCluster) cmd(name string, args ...string) *exec.Cmd {
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// findBin finds PostgreSQL's programs: on PATH, else the newest of
// /usr/lib/postgresql/*/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "pg_ctl")); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed here (no initdb on PATH or in /usr/lib/postgresql)")
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Own reports whether the tests run their own cluster (which they may stop
// and start), rather than a server LATCHKEY_TEST_POSTGRES names.
func Own() bool { return Available() == nil && !cluster.external }

// StopServer stops the tests' own cluster, cutting every connection as a
// lost server would. It is a fast stop, not an immediate one: the test
// cluster runs with synchronous_commit=off, so an immediate stop could lose
// the last commits (a test's own schema among them) and fail the test for a
// reason that is not the one it tests. StartServer starts it again on the
// same port.
func StopServer() error {
	if !Own() {
		return errors.New("not the tests' own cluster")
	}
	out, err := cluster.ctl("stop", "-m", "fast").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// StartServer starts the tests' own cluster again after StopServer.
func StartServer() error {
	if !Own() {
		return errors.New("not the tests' own cluster")
	}
	out, err := cluster.ctl("start", "-w", "-t", "30", "-o", cluster.opts, "-l", filepath.Join(cluster.dir, "log")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return nil
}
