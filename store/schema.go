package store

import (
	"errors"
	"fmt"
	"strconv"
)

// MetaBucket holds small facts about the file itself.
const MetaBucket Bucket = "meta"

var schemaKey = []byte("schema_version")

// SchemaVersion returns the schema version recorded in the file, 0 for a
// file that has none yet (new).
func SchemaVersion(tx *Tx) (int, error) {
	raw, err := tx.GetRaw(MetaBucket, schemaKey)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(raw))
}

// Migration upgrades a file from version From to From+1.
type Migration struct {
	From int
	Run  func(tx *Tx) error
}

// EnsureSchema records version want in a new file, runs the migrations that
// bring an older file up to want, and refuses a file from a newer Latchkey.
func (db *DB) EnsureSchema(want int, migrations []Migration) error {
	return db.Update(func(tx *Tx) error {
		have, err := SchemaVersion(tx)
		if err != nil {
			return fmt.Errorf("database %s: schema version: %w", db.path, err)
		}
		if have == 0 {
			have = want // a new file starts at the current schema
		}
		if have > want {
			return fmt.Errorf("database %s has schema %d; this Latchkey knows only up to %d: upgrade Latchkey", db.path, have, want)
		}
		for have < want {
			found := false
			for _, m := range migrations {
				if m.From == have {
					if err := m.Run(tx); err != nil {
						return fmt.Errorf("database %s: migrating schema %d: %w", db.path, have, err)
					}
					have++
					found = true
					break
				}
			}
			if !found {
				return fmt.Errorf("database %s: no migration from schema %d", db.path, have)
			}
		}
		return tx.PutRaw(MetaBucket, schemaKey, []byte(strconv.Itoa(want)))
	})
}
