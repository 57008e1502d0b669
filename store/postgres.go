package store

import "fmt"

// openPostgres opens the PostgreSQL database url names.
func openPostgres(url string, _ Options) (*DB, error) {
	return nil, fmt.Errorf("database %s: PostgreSQL is not built into this Latchkey yet", Redact(url))
}
