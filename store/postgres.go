package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL engine (R44) keeps every bucket in one table of
// (bucket, key, value) rows whose primary key orders keys as bytes, the way
// bbolt does; sequences live in a table of their own. Write transactions are
// SERIALIZABLE and take one table lock before their first read, so writers
// from any number of processes commit one after another — as bbolt's single
// writer does — and the audit chain's head row advances in commit order.
// A transaction that still loses a conflict (serialization failure,
// deadlock) is rolled back and run again, a bounded number of times, after
// a jittered pause. Reads run in REPEATABLE READ READ ONLY transactions: one
// committed state, never blocked by writers.

const (
	pgConnectTimeout = 5 * time.Second
	pgMaxAttempts    = 12
	pgChannel        = "latchkey_changes"
)

// ErrUnavailable is returned (wrapped, naming the server) when PostgreSQL
// cannot be reached; nothing of the transaction has landed unless the
// message says the outcome is unknown.
var ErrUnavailable = errors.New("cannot reach PostgreSQL")

type pgDB struct {
	pool     *pgxpool.Pool
	url      string // redacted: fit for messages
	host     string // host:port, for messages
	password string // to scrub from any error text
	readOnly bool
	channel  string // LISTEN/NOTIFY channel

	mu        sync.Mutex
	listeners []func(seq uint64)

	changes atomic.Uint64 // committed write transactions seen (ours and others')
	health  atomic.Pointer[error]
	stop    context.CancelFunc

	listenedBefore bool // the feed goroutine's own: it has listened once
	done           sync.WaitGroup
}

func openPostgres(target string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(target)
	if err != nil {
		return nil, fmt.Errorf("database %s: not a usable PostgreSQL URL (R44): %s", Redact(target), scrubParse(err))
	}
	cc := cfg.ConnConfig
	if cc.ConnectTimeout == 0 || cc.ConnectTimeout > pgConnectTimeout {
		cc.ConnectTimeout = pgConnectTimeout
	}
	if !strings.Contains(target, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	cfg.HealthCheckPeriod = 2 * time.Second
	if cc.RuntimeParams == nil {
		cc.RuntimeParams = map[string]string{}
	}
	cc.RuntimeParams["application_name"] = "latchkey"
	pg := &pgDB{url: Redact(target), password: cc.Password, readOnly: opts.ReadOnly,
		host: net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port)))}
	if strings.HasPrefix(cc.Host, "/") {
		pg.host = cc.Host
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgConnectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, pg.unreachable(err)
	}
	pg.pool = pool
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, pg.unreachable(err)
	}
	if err := pg.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	// One channel per schema, so two desks sharing a server do not wake
	// each other's consoles.
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, pg.wrap(err, false)
	}
	pg.channel = pgChannel + "_" + schema
	pg.startFeed()
	return &DB{eng: pg}, nil
}

func (pg *pgDB) name() string { return pg.url }
func (pg *pgDB) kind() Engine { return Postgres }
func (pg *pgDB) sync() error  { return nil }

func (pg *pgDB) close() error {
	if pg.stop != nil {
		pg.stop()
		pg.done.Wait()
	}
	pg.pool.Close()
	return nil
}

// unreachable words a connection failure: the server named, no password.
func (pg *pgDB) unreachable(err error) error {
	return fmt.Errorf("database %s: %w at %s: %s", pg.url, ErrUnavailable, pg.host, pg.scrub(cause(err)))
}

// cause is the innermost error of a chain: "connection refused" rather
// than the driver's account of every address it tried.
func cause(err error) error {
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Err != nil {
		return ne.Err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// scrub is err's text with the password, if any, blotted out.
func (pg *pgDB) scrub(err error) string {
	s := err.Error()
	if pg.password != "" {
		s = strings.ReplaceAll(s, pg.password, "xxxxx")
	}
	return s
}

// scrubParse words a URL that does not parse without echoing it.
func scrubParse(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && errors.Unwrap(pe) != nil {
		return errors.Unwrap(pe).Error()
	}
	return "check its host, port, database and parameters"
}

// isConnErr: the failure is the connection's, not the statement's.
func isConnErr(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// admin_shutdown, crash_shutdown, cannot_connect_now
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "unexpected EOF")
}

// retryable: the transaction lost a conflict and may simply run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// wrap turns a driver error into one that names the database and never a
// password; errors from fn (rule refusals) pass through untouched.
func (pg *pgDB) wrap(err error, committing bool) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case isConnErr(err):
		pg.setHealth(err)
		// The other pooled connections most likely died with this one:
		// drop them all, so the next action dials afresh.
		pg.pool.Reset()
		if committing {
			return fmt.Errorf("database %s: the connection to %s was lost while committing; the change may or may not have landed (check the audit trail): %w", pg.url, pg.host, ErrUnavailable)
		}
		return fmt.Errorf("database %s: %w at %s (the connection was lost; nothing was written): %s", pg.url, ErrUnavailable, pg.host, pg.scrub(err))
	case errors.As(err, &pgErr):
		return fmt.Errorf("database %s: %s (SQLSTATE %s)", pg.url, pgErr.Message, pgErr.Code)
	}
	return err
}

// view runs fn in a read-only snapshot.
func (pg *pgDB) view(ctx context.Context, fn func(engineTx) error) error {
	return pg.run(ctx, false, fn)
}

// update runs fn in a SERIALIZABLE transaction, again after a conflict.
func (pg *pgDB) update(ctx context.Context, fn func(engineTx) error) error {
	if pg.readOnly {
		return fmt.Errorf("database %s was opened read-only", pg.url)
	}
	for attempt := 1; ; attempt++ {
		err := pg.run(ctx, true, fn)
		if !retryable(err) {
			return err
		}
		if attempt == pgMaxAttempts {
			return fmt.Errorf("database %s: busy: the change lost %d conflicts with other writers in a row; nothing was written, try again", pg.url, attempt)
		}
		// Exponential from 1 ms, capped at 50 ms, with full jitter.
		pause := time.Duration(rand.Int64N(int64(min(time.Millisecond<<attempt, 50*time.Millisecond)) + 1))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// errConflict carries a driver's conflict error out of run unwrapped enough
// for update to see it.
type errConflict struct{ err error }

func (e errConflict) Error() string { return e.err.Error() }
func (e errConflict) Unwrap() error { return e.err }

func (pg *pgDB) run(ctx context.Context, write bool, fn func(engineTx) error) (err error) {
	defer func() {
		// Runs after the rollback below: a panic in fn becomes an error
		// and nothing of the transaction lands.
		if r := recover(); r != nil {
			err = fmt.Errorf("database %s: transaction abandoned, nothing written: %v", pg.url, r)
		}
	}()
	conn, err := pg.pool.Acquire(ctx)
	if err != nil {
		return pg.wrap(err, false)
	}
	defer conn.Release()
	begin := "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	if write {
		// The lock comes before any read, so the snapshot is taken after
		// the previous writer committed (PostgreSQL's documented pattern).
		begin = "BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE latchkey_writer IN EXCLUSIVE MODE"
	}
	if _, err := conn.Exec(ctx, begin); err != nil {
		pg.discardIfBroken(conn, err)
		return pg.wrap(err, false)
	}
	pg.setHealth(nil)
	tx := newPgTx(ctx, conn.Conn(), write, pg.channel)
	finished := false
	defer func() {
		if !finished {
			// fn failed or panicked: nothing lands.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if _, rerr := conn.Exec(rctx, "ROLLBACK"); rerr != nil {
				_ = conn.Conn().Close(rctx)
			}
			cancel()
		}
	}()
	if err := fn(tx); err != nil {
		if tx.dbErr != nil && errors.Is(err, tx.dbErr) {
			pg.discardIfBroken(conn, tx.dbErr)
			if retryable(tx.dbErr) {
				return errConflict{tx.dbErr}
			}
			return pg.wrap(tx.dbErr, false)
		}
		return err
	}
	if !write {
		finished = true
		_, err := conn.Exec(ctx, "COMMIT")
		return pg.wrap(err, false)
	}
	err = tx.commit()
	finished = true
	if err != nil {
		pg.discardIfBroken(conn, err)
		if retryable(err) {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			return errConflict{err}
		}
		_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		return pg.wrap(err, tx.commitSent)
	}
	pg.changes.Add(1)
	return nil
}

// discardIfBroken closes a connection whose failure was the connection's,
// so the pool does not hand it out again.
func (pg *pgDB) discardIfBroken(conn *pgxpool.Conn, err error) {
	if isConnErr(err) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = conn.Conn().Close(ctx)
		cancel()
	}
}

func (pg *pgDB) setHealth(err error) {
	if err == nil {
		if pg.health.Load() != nil {
			pg.health.Store(nil)
		}
		return
	}
	e := fmt.Errorf("%w at %s", ErrUnavailable, pg.host)
	pg.health.Store(&e)
}

// check verifies, under the writer lock (so nothing commits meanwhile), that
// the tables are the ones this Latchkey made, and then runs verify.
func (pg *pgDB) check(ctx context.Context, passes ...checkPass) error {
	return pg.run(ctx, !pg.readOnly, func(t engineTx) error {
		tx := t.(*pgTx)
		v, err := schemaVersionOf(ctx, tx.conn)
		if err != nil {
			return tx.fail(err)
		}
		if v != len(pgMigrations) {
			return fmt.Errorf("database %s: table layout %d, this Latchkey writes %d", pg.url, v, len(pgMigrations))
		}
		var bad int
		if err := tx.conn.QueryRow(ctx, `SELECT count(*) FROM latchkey_kv WHERE bucket = ''`).Scan(&bad); err != nil {
			return tx.fail(err)
		}
		if bad > 0 {
			return fmt.Errorf("database %s: %d records outside any bucket", pg.url, bad)
		}
		for _, pass := range passes {
			if err := pass(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}
