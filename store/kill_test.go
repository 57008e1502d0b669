package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// killEnv carries the database a killed child writes to.
const killEnv = "LATCHKEY_TEST_KILL_TARGET"

// killHelper is the child: it appends to the chain and writes a thousand
// records in one write transaction, makes sure the server has seen them
// (a scan sends what is buffered), says so, and waits to be killed.
func killHelper(target string) int {
	db, err := Open(target, Options{})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	_ = db.Update(func(tx *Tx) error {
		if _, err := testChain.Append(tx, map[string]string{"half": "written"}); err != nil {
			return err
		}
		for i := range 1000 {
			if err := tx.PutRaw("half", U64(uint64(i)), []byte("never committed")); err != nil {
				return err
			}
		}
		if err := tx.Scan("half", nil, nil, false, func(_, _ []byte) (bool, error) { return false, nil }); err != nil {
			return err
		}
		fmt.Println("mid-transaction")
		select {} // killed here
	})
	return 1
}

// R44, R36: a client killed with SIGKILL in the middle of a write
// transaction leaves nothing of it behind, on either engine; the database
// checks, and the next writer is not kept waiting by the dead one's lock.
func TestKilledMidTransaction(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		appendN(t, db, 5)
		target := db.Name()
		if db.Engine() == Bolt {
			_ = db.Close() // one process holds a file: the child takes it
		} else {
			target = pgTarget(t, db)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killEnv+"="+target)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "mid-transaction\n" {
			_ = cmd.Process.Kill()
			t.Fatalf("child: %q %v", line, err)
		}
		_ = cmd.Process.Kill() // SIGKILL
		_ = cmd.Wait()

		if db.Engine() == Bolt {
			var err error
			if db, err = Open(target, Options{}); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
		}
		// The next writer gets through (the dead client's lock is gone).
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := db.Update(func(tx *Tx) error { _, err := testChain.Append(tx, map[string]int{"after": 1}); return err })
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no write after the kill: %v", err)
			}
		}
		if err := db.Check(testChain); err != nil {
			t.Fatal(err)
		}
		_ = db.View(func(tx *Tx) error {
			if n, _ := tx.Count("half"); n != 0 {
				t.Errorf("%d records of the killed transaction landed", n)
			}
			if n := testChain.Len(tx); n != 6 {
				t.Errorf("chain of %d entries, want 6 (5, none of the killed one's, 1 after)", n)
			}
			return nil
		})
	})
}

// pgTarget is the URL of db, which tests open without a password.
func pgTarget(t *testing.T, db *DB) string {
	t.Helper()
	pg, ok := db.eng.(*pgDB)
	if !ok {
		t.Fatal(errors.New("not PostgreSQL"))
	}
	return pg.url
}
