package mfa

import (
	"errors"
	"io/fs"
)

// LoadOrCreateKeyBytes reads a 32-byte key file (another of the keys kept
// outside the database, like the sealing key of R37), creating it owner-only
// on first use, by the same rules: mode 0600 in a 0700 directory, refused
// when others can read it or when it is not exactly 32 bytes.
func LoadOrCreateKeyBytes(path string) ([]byte, error) {
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(path)
	}
	return key, err
}

// LoadKeyBytes reads an existing 32-byte key file and never creates one.
func LoadKeyBytes(path string) ([]byte, error) {
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &KeyFileError{Path: path, Reason: "does not exist", Err: err}
	}
	return key, err
}
