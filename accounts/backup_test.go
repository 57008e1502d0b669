package accounts

import (
	"os"
	"path/filepath"
	"testing"
)

// R36: a backup appears under its name only once whole (written to a
// temporary file beside it, synced, then linked), leaves no temporary file,
// and never overwrites an existing file.
func TestBackupIsWrittenWholeUnderItsName(t *testing.T) {
	s, _ := newTestService(t)
	practiceWith(t, s, "Backup Clinic", 3)
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	n, err := s.BackupFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Size() != n || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup %v (%d bytes reported): %v", fi, n, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("R36: the backup left %d files in its directory", len(entries))
	}
	if _, err := s.BackupFile(out); err == nil {
		t.Fatal("R36: a backup overwrote an existing file")
	}
	if fi2, _ := os.Stat(out); fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Fatal("R36: the refused backup changed the existing file")
	}
}
