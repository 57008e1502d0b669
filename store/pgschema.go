package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgMigrations build the tables, one version each, in order; the versions
// applied are recorded in latchkey_schema. Append only: a shipped step never
// changes.
var pgMigrations = []string{
	// 1: buckets of ordered keys, per-bucket sequences, the writers' lock.
	`CREATE TABLE latchkey_kv (
		bucket text COLLATE "C" NOT NULL,
		key    bytea NOT NULL,
		value  bytea NOT NULL,
		PRIMARY KEY (bucket, key)
	);
	CREATE TABLE latchkey_seq (
		bucket text COLLATE "C" PRIMARY KEY,
		n      bigint NOT NULL
	);
	CREATE TABLE latchkey_writer (held boolean);`,
}

// migrate creates the tables on first use and applies what a database made
// by an older Latchkey lacks, under an advisory lock so two processes opening
// a new database at once do not both create it. A database from a newer
// Latchkey is refused.
func (pg *pgDB) migrate(ctx context.Context) error {
	conn, err := pg.pool.Acquire(ctx)
	if err != nil {
		return pg.unreachable(err)
	}
	defer conn.Release()
	return pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7342001)`); err != nil {
			return pg.wrap(err, false)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS latchkey_schema (
			version    int PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return pg.schemaErr(err)
		}
		have, err := schemaVersionOf(ctx, tx)
		if err != nil {
			return pg.wrap(err, false)
		}
		if have > len(pgMigrations) {
			return fmt.Errorf("database %s has table layout %d; this Latchkey knows only up to %d: upgrade Latchkey", pg.url, have, len(pgMigrations))
		}
		for v := have + 1; v <= len(pgMigrations); v++ {
			if _, err := tx.Exec(ctx, pgMigrations[v-1]); err != nil {
				return fmt.Errorf("database %s: building table layout %d: %s", pg.url, v, pg.scrub(err))
			}
			if _, err := tx.Exec(ctx, `INSERT INTO latchkey_schema (version) VALUES ($1)`, v); err != nil {
				return pg.wrap(err, false)
			}
		}
		return nil
	})
}

func (pg *pgDB) schemaErr(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" {
		return fmt.Errorf("database %s: the user may not create tables (%s): grant CREATE on the schema, or let an owner open it once", pg.url, pgErr.Message)
	}
	return pg.wrap(err, false)
}

// schemaVersionOf is the newest table layout recorded.
func schemaVersionOf(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM latchkey_schema`).Scan(&v)
	return v, err
}
