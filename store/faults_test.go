package store

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"latchkey/internal/testwait"
	"latchkey/store/storetest"
)

// R44: PostgreSQL down at start: Open fails within five seconds with an
// error naming the host, and no password.
func TestPostgresDownAtStart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	start := time.Now()
	_, err = Open(fmt.Sprintf("postgres://desk:s3cret-pw@%s/latchkey?sslmode=disable", addr), Options{})
	took := time.Since(start)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("err = %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
}

// R44: the server goes away under an open database: writes fail with a
// clear error naming the server and land nothing, Health reports it, and
// once the server is back the database recovers by itself.
func TestPostgresOutageAndRecovery(t *testing.T) {
	db := openPG(t)
	if !storetest.Own() {
		t.Skip("needs the tests' own cluster to stop and start")
	}
	appendN(t, db, 3)
	if err := storetest.StopServer(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = storetest.StartServer()
		}
	}()
	err := db.Update(func(tx *Tx) error { return tx.PutRaw("b", []byte("k"), []byte("v")) })
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("a write with the server down: %v", err)
	}
	testwait.Until(t, 20*time.Second, func() string { return "Health to report the outage" }, func() bool { return db.Health() != nil })
	if err := storetest.StartServer(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	testwait.Until(t, 20*time.Second, func() string { return "Health to recover" }, func() bool { return db.Health() == nil })
	testwait.Until(t, 20*time.Second, func() string { return "a write to land" }, func() bool {
		return db.Update(func(tx *Tx) error { _, err := testChain.Append(tx, "after"); return err }) == nil
	})
	if err := db.Check(testChain); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if _, err := tx.GetRaw("b", []byte("k")); !errors.Is(err, ErrNotFound) {
			t.Errorf("the failed write landed: %v", err)
		}
		return nil
	})
}
