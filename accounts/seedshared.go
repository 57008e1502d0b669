package accounts

import (
	"errors"
	"fmt"

	"latchkey/store"
)

// createDemoShared builds a demo in a PostgreSQL database (R44). There is
// no file to build beside and rename, so the database must be empty, and a
// build that fails part way is wiped so that none of it is left behind.
func createDemoShared(url string, opts DemoOptions, cfg Config) (*Service, error) {
	db, err := store.Open(url, store.Options{})
	if err != nil {
		return nil, err
	}
	empty, err := db.Empty()
	if err == nil && !empty {
		err = fmt.Errorf("database %s already holds data: a demo is built in an empty database (use another database or schema)", db.Name())
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	_ = db.Close()
	if err := buildDemo(url, false, opts, cfg); err != nil {
		if db, oerr := store.Open(url, store.Options{}); oerr == nil {
			err = errors.Join(err, db.Wipe())
			_ = db.Close()
		}
		return nil, err
	}
	return Open(url, opts.Clock, cfg)
}
