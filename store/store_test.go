package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// R36: the file is created readable by its owner only.
func TestFileModeOwnerOnly(t *testing.T) {
	db := openTemp(t)
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// R36: a second opener of a file in use gets a clear error within a second
// or so, not a hang. (bbolt's flock is per open file, so one process suffices.)
func TestSecondOpenerFailsFast(t *testing.T) {
	db := openTemp(t)
	start := time.Now()
	_, err := Open(db.Path(), Options{})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), db.Path()) {
		t.Fatalf("want ErrInUse naming the file, got %v", err)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("took %v", elapsed)
	}
}

// R36: truncated, corrupt and foreign files give an error naming the file,
// never a panic.
func TestDamagedFiles(t *testing.T) {
	good := openTemp(t)
	if err := good.Update(func(tx *Tx) error {
		for i := range 2000 {
			if err := tx.PutRaw("b", U64(uint64(i)), bytes.Repeat([]byte("x"), 100)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	path := good.Path()
	_ = good.Close()
	whole, _ := os.ReadFile(path)

	dir := t.TempDir()
	cases := map[string][]byte{
		"empty":      {},
		"text":       []byte("this is not a database\n"),
		"truncated":  whole[:len(whole)/3],
		"first-page": whole[:4096],
		"zeroed-meta": func() []byte {
			b := bytes.Clone(whole)
			clear(b[:8192])
			return b
		}(),
		"scribbled": func() []byte {
			b := bytes.Clone(whole)
			for i := 16384; i < len(b); i += 7 {
				b[i] ^= 0x5a
			}
			return b
		}(),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".db")
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(p, Options{})
			if err == nil {
				// Some damage only shows on reading; it must still be an error.
				err = db.Check()
				_ = db.Close()
			}
			if name == "empty" {
				return // an empty file is a new database
			}
			if err == nil || !strings.Contains(err.Error(), p) {
				t.Fatalf("want an error naming %s, got %v", p, err)
			}
		})
	}
}

func TestScanOrders(t *testing.T) {
	db := openTemp(t)
	_ = db.Update(func(tx *Tx) error {
		for _, k := range []string{"a1", "a2", "a3", "b1", "b2"} {
			if err := tx.PutRaw("s", []byte(k), nil); err != nil {
				return err
			}
		}
		return nil
	})
	collect := func(prefix, start string, reverse bool) string {
		var got []string
		var st []byte
		if start != "" {
			st = []byte(start)
		}
		_ = db.View(func(tx *Tx) error {
			return tx.Scan("s", []byte(prefix), st, reverse, func(k, _ []byte) (bool, error) {
				got = append(got, string(k))
				return true, nil
			})
		})
		return strings.Join(got, ",")
	}
	for _, c := range []struct {
		prefix, start string
		reverse       bool
		want          string
	}{
		{"a", "", false, "a1,a2,a3"},
		{"a", "a2", false, "a2,a3"},
		{"a", "", true, "a3,a2,a1"},
		{"b", "", true, "b2,b1"},
		{"", "", true, "b2,b1,a3,a2,a1"},
		{"a", "a2", true, "a2,a1"},
		{"", "a25", true, "a2,a1"},
		{"c", "", false, ""},
	} {
		if got := collect(c.prefix, c.start, c.reverse); got != c.want {
			t.Errorf("scan(%q, %q, %v) = %s, want %s", c.prefix, c.start, c.reverse, got, c.want)
		}
	}
}

var testChain = Chain{Entries: "log", Meta: MetaBucket}

func appendN(t *testing.T, db *DB, n int) {
	t.Helper()
	if err := db.Update(func(tx *Tx) error {
		for i := range n {
			if _, err := testChain.Append(tx, map[string]int{"n": i}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// R29: tampering with the log — an edit, a deletion, a cut-off tail — is
// found by the check, which names the first bad event.
func TestChainDetectsTampering(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		tamper := map[string]func(tx *Tx) error{
			"edit": func(tx *Tx) error {
				e, _ := testChain.Get(tx, 5)
				e.Data = json.RawMessage(`{"n":999}`)
				return Put(tx, testChain.Entries, U64(5), e)
			},
			"edit and rehash": func(tx *Tx) error {
				e, _ := testChain.Get(tx, 5)
				e.Data = json.RawMessage(`{"n":999}`)
				e.Hash = entryHash(e.Seq, e.Prev, e.Data)
				return Put(tx, testChain.Entries, U64(5), e)
			},
			"delete": func(tx *Tx) error { return tx.Delete(testChain.Entries, U64(5)) },
			"cut tail": func(tx *Tx) error {
				return errors.Join(tx.Delete(testChain.Entries, U64(10)), tx.Delete(testChain.Entries, U64(9)))
			},
		}
		wantSeq := map[string]uint64{"edit": 5, "edit and rehash": 6, "delete": 5, "cut tail": 9}
		for name, fn := range tamper {
			t.Run(name, func(t *testing.T) {
				db := open(t)
				appendN(t, db, 10)
				if err := db.Check(testChain); err != nil {
					t.Fatalf("before tampering: %v", err)
				}
				if err := db.Update(fn); err != nil {
					t.Fatal(err)
				}
				var ce *ChainError
				err := db.Check(testChain)
				if !errors.As(err, &ce) || ce.Seq != wantSeq[name] {
					t.Fatalf("want chain broken at %d, got %v", wantSeq[name], err)
				}
			})
		}
	})
}

func TestChainScanNewestFirst(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		appendN(t, db, 5)
		var seqs []uint64
		_ = db.View(func(tx *Tx) error {
			if n := testChain.Len(tx); n != 5 {
				t.Fatalf("len %d", n)
			}
			return testChain.Scan(tx, 4, true, func(e Entry) (bool, error) {
				seqs = append(seqs, e.Seq)
				return true, nil
			})
		})
		if len(seqs) != 4 || seqs[0] != 4 || seqs[3] != 1 {
			t.Fatalf("seqs %v", seqs)
		}
	})
}

// R36: a backup taken while the database is open is a consistent, openable
// copy, owner-only.
func TestBackup(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		appendN(t, db, 20)
		out := filepath.Join(t.TempDir(), "copy.db")
		if _, err := db.BackupFile(out); err != nil {
			t.Fatal(err)
		}
		if _, err := db.BackupFile(out); err == nil {
			t.Fatal("backup overwrote an existing file")
		}
		fi, _ := os.Stat(out)
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup mode %v", fi.Mode().Perm())
		}
		cp, err := Open(out, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer cp.Close()
		if err := cp.Check(testChain); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSchemaVersion(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		if err := db.EnsureSchema(1, nil); err != nil {
			t.Fatal(err)
		}
		ran := false
		if err := db.EnsureSchema(2, []Migration{{From: 1, Run: func(*Tx) error { ran = true; return nil }}}); err != nil || !ran {
			t.Fatalf("migration: ran=%v err=%v", ran, err)
		}
		if err := db.EnsureSchema(1, nil); err == nil || !strings.Contains(err.Error(), "upgrade Latchkey") {
			t.Fatalf("a newer file opened by older code: %v", err)
		}
		if err := db.EnsureSchema(3, nil); err == nil {
			t.Fatal("missing migration not reported")
		}
	})
}

// A panic inside a transaction (bbolt on a damaged page) becomes an error and
// nothing of the transaction lands.
func TestPanicInTransactionRollsBack(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		err := db.Update(func(tx *Tx) error {
			_ = tx.PutRaw("b", []byte("k"), []byte("v"))
			panic("damaged page")
		})
		if err == nil || db.Engine() == Bolt && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v", err)
		}
		_ = db.View(func(tx *Tx) error {
			if _, err := tx.GetRaw("b", []byte("k")); !errors.Is(err, ErrNotFound) {
				t.Fatalf("half a transaction landed: %v", err)
			}
			return nil
		})
	})
}

// R36: no damage to the file, wherever it falls, crashes the program: open,
// check and a full read either work or return an error.
func TestRandomDamageNeverPanics(t *testing.T) {
	good := openTemp(t)
	appendN(t, good, 3000)
	path := good.Path()
	_ = good.Close()
	whole, _ := os.ReadFile(path)
	dir := t.TempDir()
	rng := uint64(42)
	next := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	for i := range 150 {
		b := bytes.Clone(whole)
		for range 1 + next(20) {
			at := next(len(b))
			b[at] ^= byte(1 + next(255))
		}
		if next(4) == 0 {
			b = b[:next(len(b))]
		}
		p := filepath.Join(dir, "d.db")
		_ = os.WriteFile(p, b, 0o600)
		db, err := Open(p, Options{})
		if err == nil {
			_ = db.Check(testChain)
			_ = db.View(func(tx *Tx) error {
				return testChain.Scan(tx, 0, false, func(Entry) (bool, error) { return true, nil })
			})
			_ = db.Close()
		} else if !strings.Contains(err.Error(), p) {
			t.Fatalf("case %d: error does not name the file: %v", i, err)
		}
		_ = os.Remove(p)
	}
}

// R36: a damaged newest meta page (bad checksum) is skipped for the older
// valid one, as bbolt does: the file opens at its previous commit and checks
// clean, rather than being refused or walked from a bad root.
func TestDamagedNewestMetaFallsBack(t *testing.T) {
	db := openTemp(t)
	appendN(t, db, 50)
	appendN(t, db, 1) // one more commit, so both meta pages are in use
	path := db.Path()
	_ = db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	m0 := make([]byte, metaLen)
	m1 := make([]byte, metaLen)
	_, _ = f.ReadAt(m0, 0)
	a, _ := parseMeta(m0)
	_, _ = f.ReadAt(m1, int64(a.pageSize))
	b, _ := parseMeta(m1)
	newest := int64(0)
	older := a
	if b.txid > a.txid {
		newest, older = int64(a.pageSize), a
	} else {
		older = b
	}
	// Flip a byte of the newest meta's transaction id: its checksum no longer holds.
	if _, err := f.WriteAt([]byte{0xff}, newest+metaOffTxid); err != nil {
		t.Fatal(err)
	}
	m, err := readMeta(f)
	_ = f.Close()
	if err != nil || m.txid != older.txid {
		t.Fatalf("readMeta chose txid %d (%v), want the older %d", m.txid, err, older.txid)
	}
	db2, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open with a damaged newest meta: %v", err)
	}
	defer db2.Close()
	if err := db2.Check(testChain); err != nil {
		t.Fatalf("check: %v", err)
	}
}
