package store

import (
	"errors"
	"fmt"
	"strconv"
)

// MetaBucket holds small facts about the database itself.
const MetaBucket Bucket = "meta"

var schemaKey = []byte("schema_version")

// SchemaVersion returns the schema version recorded in the database, 0 for
// one that has none yet (new).
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

// Migration upgrades a database from version From to From+1.
type Migration struct {
	From int
	Run  func(tx *Tx) error
}

// EnsureSchema records version want in a new database, runs the migrations
// that bring an older one up to want, and refuses one from a newer Latchkey.
func (db *DB) EnsureSchema(want int, migrations []Migration) error {
	name := db.Name()
	return db.Update(func(tx *Tx) error {
		have, err := SchemaVersion(tx)
		if err != nil {
			return fmt.Errorf("database %s: schema version: %w", name, err)
		}
		if have == want {
			return nil
		}
		if have == 0 {
			have = want // a new database starts at the current schema
		}
		if have > want {
			return fmt.Errorf("database %s has schema %d; this Latchkey knows only up to %d: upgrade Latchkey", name, have, want)
		}
		for have < want {
			found := false
			for _, m := range migrations {
				if m.From == have {
					if err := m.Run(tx); err != nil {
						return fmt.Errorf("database %s: migrating schema %d: %w", name, have, err)
					}
					have++
					found = true
					break
				}
			}
			if !found {
				return fmt.Errorf("database %s: no migration from schema %d", name, have)
			}
		}
		return tx.PutRaw(MetaBucket, schemaKey, []byte(strconv.Itoa(want)))
	})
}
