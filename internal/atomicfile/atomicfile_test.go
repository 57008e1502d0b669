package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// R36: a file is created whole or not at all: a writer that fails half-way
// leaves nothing under the name (and no temporary file), an existing file is
// never overwritten, and a complete write appears under the name.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.db")
	err := WriteNew(path, func(tmp string) error {
		if err := os.WriteFile(tmp, []byte("half of it"), 0o600); err != nil {
			return err
		}
		return errors.New("killed")
	})
	if err == nil {
		t.Fatal("a failed write reported success")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("R36: a failed write left %v", entries)
	}
	if err := WriteNew(path, func(tmp string) error { return os.WriteFile(tmp, []byte("whole"), 0o600) }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "whole" {
		t.Fatalf("content %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if err := WriteNew(path, func(tmp string) error { return os.WriteFile(tmp, []byte("other"), 0o600) }); err == nil {
		t.Fatal("R36: an existing file was overwritten")
	}
	if b, _ := os.ReadFile(path); string(b) != "whole" {
		t.Fatalf("R36: the existing file changed: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
