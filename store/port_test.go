package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// R44: the port behaves the same on every engine: a record reads back as
// written, an absent key is ErrNotFound, a delete removes, sequences count
// from one per bucket, counts count, and a read transaction refuses writes.
func TestPortBasics(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		err := db.Update(func(tx *Tx) error {
			if _, err := tx.GetRaw("b", []byte("k")); !errors.Is(err, ErrNotFound) {
				t.Errorf("absent key: %v", err)
			}
			for _, k := range []string{"k1", "k2", "k3"} {
				if err := tx.PutRaw("b", []byte(k), []byte("v"+k)); err != nil {
					return err
				}
			}
			if err := tx.PutRaw("b", []byte("k2"), []byte("new")); err != nil {
				return err
			}
			if err := tx.Delete("b", []byte("k3")); err != nil {
				return err
			}
			if err := tx.Delete("b", []byte("never")); err != nil {
				return err
			}
			if err := tx.PutRaw("b", []byte("empty"), nil); err != nil {
				return err
			}
			for want := uint64(1); want <= 3; want++ {
				if n, err := tx.NextSeq("b"); err != nil || n != want {
					t.Errorf("sequence %d: %d %v", want, n, err)
				}
			}
			if n, err := tx.NextSeq("other"); err != nil || n != 1 {
				t.Errorf("another bucket's sequence: %d %v", n, err)
			}
			// Reads inside the transaction see its own writes.
			if v, err := tx.GetRaw("b", []byte("k2")); err != nil || string(v) != "new" {
				t.Errorf("own write: %q %v", v, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = db.View(func(tx *Tx) error {
			if v, err := tx.GetRaw("b", []byte("k2")); err != nil || string(v) != "new" {
				t.Errorf("k2 = %q %v", v, err)
			}
			if _, err := tx.GetRaw("b", []byte("k3")); !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted key: %v", err)
			}
			if v, err := tx.GetRaw("b", []byte("empty")); err != nil || len(v) != 0 {
				t.Errorf("empty value: %q %v", v, err)
			}
			if n, err := tx.Count("b"); err != nil || n != 3 {
				t.Errorf("count %d %v", n, err)
			}
			if n, err := tx.Count("never"); err != nil || n != 0 {
				t.Errorf("count of an unwritten bucket %d %v", n, err)
			}
			if err := tx.PutRaw("b", []byte("x"), nil); err == nil {
				t.Error("a read transaction wrote")
			}
			if _, err := tx.NextSeq("b"); err == nil {
				t.Error("a read transaction advanced a sequence")
			}
			return nil
		})
		if err := db.Update(func(tx *Tx) error {
			if n, err := tx.NextSeq("b"); err != nil || n != 4 {
				t.Errorf("sequence after commit: %d %v", n, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// R44: a transaction whose function fails leaves nothing behind, sequences
// included.
func TestPortRollback(t *testing.T) {
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		boom := errors.New("refused")
		err := db.Update(func(tx *Tx) error {
			_ = tx.PutRaw("b", []byte("k"), []byte("v"))
			_, _ = tx.NextSeq("b")
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		_ = db.Update(func(tx *Tx) error {
			if _, err := tx.GetRaw("b", []byte("k")); !errors.Is(err, ErrNotFound) {
				t.Errorf("half a transaction landed: %v", err)
			}
			if n, _ := tx.NextSeq("b"); n != 1 {
				t.Errorf("the sequence moved: %d", n)
			}
			return nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := db.UpdateContext(ctx, func(*Tx) error { return nil }); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled context: %v", err)
		}
	})
}

// R44: keys order as bytes — unsigned, shorter first on a common prefix —
// on every engine, forwards and backwards, with prefixes and starts.
func TestPortScanOrders(t *testing.T) {
	keys := []string{"a", "a\x00", "a1", "a2", "a3", "a\xff", "a\xff\xff", "b1", "b2", "\xff", "\xff\xff"}
	eachEngine(t, func(t *testing.T, open func(*testing.T) *DB) {
		db := open(t)
		if err := db.Update(func(tx *Tx) error {
			for i := len(keys) - 1; i >= 0; i-- {
				if err := tx.PutRaw("s", []byte(keys[i]), []byte{byte(i)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		collect := func(prefix, start string, reverse bool, limit int) string {
			var got []string
			var st []byte
			if start != "" {
				st = []byte(start)
			}
			err := db.View(func(tx *Tx) error {
				return tx.Scan("s", []byte(prefix), st, reverse, func(k, v []byte) (bool, error) {
					if !bytes.Equal(v, []byte{byte(indexOf(keys, string(k)))}) {
						t.Errorf("value of %q is %v", k, v)
					}
					got = append(got, strings.ToValidUTF8(string(k), "~"))
					return limit == 0 || len(got) < limit, nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			return strings.Join(got, ",")
		}
		for _, c := range []struct {
			prefix, start string
			reverse       bool
			limit         int
			want          string
		}{
			{"", "", false, 0, "a,a\x00,a1,a2,a3,a~,a~,b1,b2,~,~"},
			{"a", "", false, 0, "a,a\x00,a1,a2,a3,a~,a~"},
			{"a", "a2", false, 0, "a2,a3,a~,a~"},
			{"a", "", true, 0, "a~,a~,a3,a2,a1,a\x00,a"},
			{"b", "", true, 0, "b2,b1"},
			{"", "", true, 3, "~,~,b2"},
			{"a", "a2", true, 0, "a2,a1,a\x00,a"},
			{"", "a25", true, 2, "a2,a1"},
			{"a", "a25", false, 1, "a3"},
			{"c", "", false, 0, ""},
			{"\xff", "", true, 0, "~,~"},
			{"a\xff", "", false, 0, "a~,a~"},
		} {
			if got := collect(c.prefix, c.start, c.reverse, c.limit); got != c.want {
				t.Errorf("scan(%q, %q, %v) = %q, want %q", c.prefix, c.start, c.reverse, got, c.want)
			}
		}
	})
}

func indexOf(keys []string, k string) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

// R44: a whole database copies between engines — records, sequences and
// the audit chain — and a target holding data is refused unless replaced.
func TestCopy(t *testing.T) {
	for _, from := range engines(t) {
		for _, to := range engines(t) {
			t.Run(from.name+"-to-"+to.name, func(t *testing.T) {
				src, dst := from.open(t), to.open(t)
				appendN(t, src, 30)
				if err := src.Update(func(tx *Tx) error {
					for range 7 {
						if _, err := tx.NextSeq("users"); err != nil {
							return err
						}
					}
					for i := range 12000 {
						if err := tx.PutRaw("users", U64(uint64(i)), []byte("u")); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				var last, total int
				opts := CopyOptions{Chains: []Chain{testChain}, Progress: func(d, n int) { last, total = d, n }}
				if err := Copy(context.Background(), src, dst, opts); err != nil {
					t.Fatal(err)
				}
				if last != total || total != 12000+30+1 {
					t.Errorf("progress ended at %d of %d", last, total)
				}
				_ = dst.Update(func(tx *Tx) error {
					if n, _ := tx.NextSeq("users"); n != 8 {
						t.Errorf("sequence not copied: next is %d", n)
					}
					if n, _ := testChain.Verify(tx); n != 30 {
						t.Errorf("chain of %d", n)
					}
					return nil
				})
				if err := Copy(context.Background(), src, dst, opts); !errors.Is(err, ErrNotEmpty) {
					t.Fatalf("copy onto data: %v", err)
				}
				opts.Replace = true
				if err := Copy(context.Background(), src, dst, opts); err != nil {
					t.Fatalf("replace: %v", err)
				}
			})
		}
	}
}

// R44: --db names a file or a postgres URL; anything else is refused, and
// no message ever shows a password.
func TestKindAndRedact(t *testing.T) {
	for in, want := range map[string]Engine{
		"desk.db": Bolt, "/tmp/x.db": Bolt, "./a://b": Bolt,
		"postgres://u@h/db": Postgres, "PostgreSQL://h/db": Postgres,
		"mysql://u@h/db": "", "sqlite://x": "", "": "",
	} {
		if got := KindOf(in); got != want {
			t.Errorf("KindOf(%q) = %q, want %q", in, got, want)
		}
	}
	_, err := Open("mysql://bob:hunter2@db.example/desk", Options{})
	if err == nil || !strings.Contains(err.Error(), "neither a file path nor a postgres") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
	for _, in := range []string{"postgres://bob:hunter2@h:5432/db?sslmode=disable", "postgres://h/db?password=hunter2", "postgres://bob:hun%ter2@h/db"} {
		if out := Redact(in); strings.Contains(out, "hunter2") || strings.Contains(out, "hun%ter2") {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
	if got := Redact("postgres://bob@h:5432/db"); got != "postgres://bob@h:5432/db" {
		t.Errorf("a URL without a password changed: %q", got)
	}
}
