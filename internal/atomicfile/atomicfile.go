// Package atomicfile creates files whole or not at all (R36): through a
// temporary file in the same directory, synced, then linked under the name.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteNew creates the file path through a temporary file in the same
// directory (R36): write fills the temporary file (it is given the name, which
// does not exist yet), the file is synced to disk, then linked under path,
// which must not exist, and the directory synced. A writer killed half-way
// leaves at most a hidden temporary file, never a truncated file under the
// name asked for, and an existing file is never overwritten.
func WriteNew(path string, write func(tmp string) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; not overwriting it", path)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(rnd[:]))
	defer os.Remove(tmp)
	if err := write(tmp); err != nil {
		return err
	}
	if err := syncPath(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// A hard link refuses an existing name atomically; where links are not
	// supported, a rename after the check above does nearly as well.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; not overwriting it", path)
		}
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("%s already exists; not overwriting it", path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	return syncPath(dir)
}

// syncPath flushes a file's data, or a directory's entries, to disk.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	serr := f.Sync()
	cerr := f.Close()
	if serr != nil && !errors.Is(serr, os.ErrInvalid) {
		return serr
	}
	return cerr
}
